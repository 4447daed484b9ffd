// CORS as API Gateway applies it. Pure functions of the API's settings and the request's headers.
//
// REST APIs: SAM answers preflight with an OPTIONS method (a MOCK integration) on every path of an
// API with Cors; the headers are static, whatever the request's Origin, and the functions' own
// responses get none (API Gateway developer guide, "Enabling CORS for a REST API resource": with
// a proxy integration the backend must return them).
// HTTP APIs: the gateway itself answers a preflight no route takes and adds the headers to the
// responses for an allowed Origin, ignoring those the integration returns (developer guide,
// "Configuring CORS for an HTTP API").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/template/stack.h"

namespace emu::apigw {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The headers of SAM's OPTIONS method for a path whose methods are `path_methods` (samtranslator
// swagger.py add_cors): Access-Control-Allow-Headers, -Allow-Origin, -Max-Age, -Allow-Methods
// and -Allow-Credentials, each when configured. Without AllowMethods SAM lists the path's methods
// and OPTIONS, upper case, sorted, comma-separated; a path with ANY lists all seven methods.
HeaderList rest_preflight_headers(const tmpl::RestCors& cors,
                                  const std::vector<std::string>& path_methods);

// The body SAM's MOCK integration answers with: its response template "{}\n".
inline constexpr std::string_view kRestPreflightBody = "{}\n";

// A browser's preflight: OPTIONS with Origin and Access-Control-Request-Method (the HTTP API
// guide: "For the OPTIONS method, your request must contain an origin header and an
// Access-Control-Request-Method header").
bool is_preflight(std::string_view method, std::string_view origin,
                  std::string_view requested_method);

// Whether `origin` is one of `cors.allow_origins`: equal (without regard to case), "*", or
// "https://*" / "http://*" for any origin of that scheme.
bool origin_allowed(const tmpl::HttpCors& cors, std::string_view origin);

// The headers of an HTTP API's own preflight answer (204): empty when the origin, the requested
// method (in AllowMethods, or "*") or a requested header (each in AllowHeaders, or "*") is not
// allowed, in which case the browser refuses the request.
HeaderList http_preflight_headers(const tmpl::HttpCors& cors, std::string_view origin,
                                  std::string_view requested_method,
                                  std::string_view requested_headers);

// The headers an HTTP API adds to a response for a request with `origin` (empty when the origin
// is not allowed or there is none): Access-Control-Allow-Origin, -Allow-Credentials and
// -Expose-Headers.
HeaderList http_response_headers(const tmpl::HttpCors& cors, std::string_view origin);

// Whether a response header is one of those HTTP API's CORS replaces (Access-Control-*).
bool is_cors_header(std::string_view name);

}  // namespace emu::apigw
