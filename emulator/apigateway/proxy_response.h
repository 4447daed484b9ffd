// Maps a Lambda proxy integration result (the handler's JSON) to the HTTP response API Gateway
// sends. Reference: API Gateway developer guide, "Output format of a Lambda function for proxy
// integration". A result that is not a valid proxy response is an error, which the gateway turns
// into 502 {"message": "Internal server error"} and a log line saying what was wrong.
#pragma once

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "emulator/core/result.h"

namespace emu::apigw {

using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Valid: a JSON object whose keys are among statusCode (integer 100-599, default 200), headers
// (object of scalars), multiValueHeaders (object of arrays of scalars), body (string or null) and
// isBase64Encoded (boolean; the body is then decoded, unless `rules` say otherwise). A key whose
// value is null counts as absent.
// Anything else, including any other key, gives an Error (code "MalformedLambdaProxyResponse")
// whose message names the key and what was expected, e.g.
// "statusCode must be an integer between 100 and 599, got \"abc\"".
// Headers from both maps are sent, except that a name present in multiValueHeaders (compared
// without regard to case) is sent with multiValueHeaders' values only, as the AWS document says.
// Content-Type defaults to application/json. Content-Length is the body's length, replacing any
// the handler set; 1xx, 204 and 304 responses get no body and no Content-Length.
// How the kinds of API differ. REST: the defaults, but for decode_base64, which binary_media.h's
// rest_response_is_binary decides (else the base64 text is the body). HTTP API, payload 1.0:
// statusCode required, other keys ignored, base64 always decoded (the HTTP API guide: "the
// Lambda integration must return a response in the following format ... returns a 500 error").
// HTTP API 2.0 (http_response.h): other keys allowed and a text/plain default Content-Type.
struct ProxyResponseRules {
  bool decode_base64 = true;
  bool status_code_required = false;
  bool other_keys_allowed = false;
  const char* default_content_type = "application/json";
};

Result<HttpResponse> map_proxy_response(const nlohmann::json& result, unsigned http_version,
                                        const ProxyResponseRules& rules = {});

}  // namespace emu::apigw
