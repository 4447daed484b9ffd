// Maps what a function returned to an HTTP API with payload format 2.0 to the HTTP response
// (API Gateway developer guide, "Working with AWS Lambda proxy integrations for HTTP APIs",
// "Lambda function response for format 2.0").
//
// An object with a statusCode key is a response: statusCode, headers, body, isBase64Encoded
// (always decoded: HTTP APIs have no binary media types) and cookies (each a Set-Cookie header);
// without a Content-Type header, AWS's HTTP APIs answer text/plain; charset=utf-8 (responses
// captured from AWS; the guide's table shows only the inferred case). Anything else is the body
// itself, as AWS infers it: status 200, application/json, a JSON string as its text, any other
// value as compact JSON. A malformed response is an Error, which the gateway answers with
// 500 {"message":"Internal Server Error"}.
#pragma once

#include <nlohmann/json.hpp>

#include "emulator/apigateway/proxy_response.h"

namespace emu::apigw {

Result<HttpResponse> map_http_response(const nlohmann::json& result, unsigned http_version);

}  // namespace emu::apigw
