// Which bodies API Gateway passes to a Lambda proxy integration base64-encoded, and which
// responses it decodes to bytes.
//
// REST APIs (API Gateway developer guide, "Binary media types for REST APIs" and "Return binary
// media from a Lambda proxy integration"): a request body is base64 exactly when its Content-Type
// is one of the API's BinaryMediaTypes; a response with isBase64Encoded is decoded only when the
// first media type of the request's Accept header is one of them, else its base64 text is sent
// as it is. Matching, as AWS answers (LocalStack's AWS-validated test_aws_proxy_binary_response):
// equal types, or a listed "type/*" for any subtype; "*/*" listed matches everything; a wildcard
// in Accept is not expanded.
// HTTP APIs have no list ("Working with AWS Lambda proxy integrations for HTTP APIs"): a body is
// text only for text/*, application/json, application/xml and application/javascript, and a
// response with isBase64Encoded is always decoded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace emu::apigw {

// "image/png" for "image/png; charset=x", trimmed; "" for "".
std::string_view media_type(std::string_view content_type);

// Whether `type` (a media type, no parameters) is one of `binary_types` by the rules above.
bool binary_type_listed(std::string_view type, const std::vector<std::string>& binary_types);

// REST: whether a request body with this Content-Type header value goes base64. A request without
// Content-Type counts as application/json, as API Gateway assumes it for mapping.
bool rest_request_is_binary(std::string_view content_type,
                            const std::vector<std::string>& binary_types);

// REST: whether a response with isBase64Encoded is decoded for a request with this Accept header
// value (only its first media type counts; none counts as application/json).
bool rest_response_is_binary(std::string_view accept,
                             const std::vector<std::string>& binary_types);

// HTTP API: whether a request body with this Content-Type header value is passed as text.
bool http_request_is_text(std::string_view content_type);

}  // namespace emu::apigw
