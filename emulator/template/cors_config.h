// The CORS settings of an API, as SAM reads them: a REST API's Cors ("AWS::Serverless::Api" >
// Cors, and Globals.Api.Cors) and an HTTP API's CorsConfiguration ("AWS::Serverless::HttpApi" >
// CorsConfiguration). What they do to requests is emulator/apigateway's (cors.h).
#pragma once

#include <optional>
#include <span>
#include <string>

#include "emulator/core/result.h"
#include "emulator/template/node.h"
#include "emulator/template/stack.h"

namespace emu::tmpl {

// `value` (resolved) is a string (the AllowOrigin) or a map of AllowOrigin, AllowMethods,
// AllowHeaders, MaxAge (each a string in single quotes, "'*'", as API Gateway takes a static
// header value; SAM passes them on unchanged) and AllowCredentials (boolean). AllowOrigin defaults
// to "'*'", and AllowCredentials with the origin '*' is SAM's error.
Result<RestCors> read_rest_cors(const Node& value, const std::string& path);

// `value` (resolved) is true (AllowOrigins ["*"], as SAM writes it) or a map of AllowOrigins,
// AllowHeaders, AllowMethods, ExposeHeaders (lists of strings), MaxAge (seconds) and
// AllowCredentials; false means no CORS (nullopt).
Result<std::optional<HttpCors>> read_http_cors(const Node& value, const std::string& path);

}  // namespace emu::tmpl
