// Helpers shared by the AWS-compatible services on --aws-port: JSON responses, the HTTP status of
// an exception, and errors of the rest-json protocol (botocore models' "protocol": Lambda, and
// the emulator's own control API): error type in the x-amzn-ErrorType header, body
// {"Type", "Message"}. The "json" protocol (X-Amz-Target) has its own helpers: json_protocol.h.
#pragma once

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "emulator/core/result.h"
#include "emulator/server/request_handler.h"

namespace emu::aws {

// The AWS services answer the listeners' requests (server/request_handler.h).
using server::ClientInfo;
using server::HttpRequest;
using server::HttpResponse;
using server::Respond;

// 200-style JSON response with `body` (or an empty body when `body` is null).
HttpResponse json_response(unsigned status, const nlohmann::json& body, unsigned http_version);

// A rest-json error: status from `error.code` (see status_for), x-amzn-ErrorType = code,
// body {"Type": "User" | "Service", "Message": message}.
HttpResponse rest_json_error(const Error& error, unsigned http_version);

// The HTTP status AWS uses for an exception name (from the botocore models' "error" traits of
// the exceptions the emulator raises); 400 for any other client error name, 500 for
// ServiceException.
unsigned status_for(std::string_view error_code);

// A random x-amzn-RequestId value (UUID).
std::string new_aws_request_id();

}  // namespace emu::aws
