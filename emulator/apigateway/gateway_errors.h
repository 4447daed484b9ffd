// API Gateway's own error responses, as AWS sends them: a JSON body {"message": "..."} and the
// x-amzn-ErrorType header. Reference: API Gateway developer guide, "Gateway responses"
// (response types MISSING_AUTHENTICATION_TOKEN, REQUEST_TOO_LARGE, INTEGRATION_FAILURE,
// INTEGRATION_TIMEOUT, ...).
#pragma once

#include <boost/beast/http.hpp>
#include <string_view>

namespace emu::apigw {

using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

enum class GatewayError {
  kMissingAuthenticationToken,  // 403 {"message":"Missing Authentication Token"}, MissingAuthenticationTokenException
  kRequestTooLarge,             // 413 {"message":"Request Too Long"}, RequestTooLongException
  kBadRequest,                  // 400 {"message":"Bad Request"}, BadRequestException
  kInternalServerError,         // 502 {"message":"Internal server error"}, InternalServerErrorException
  kEndpointRequestTimedOut,     // 504 {"message":"Endpoint request timed out"}, InternalServerErrorException
  kHeaderTooLarge,              // 431 {"message":"Request Header Fields Too Large"}, BadRequestException
  kTooManyConnections,          // 503 {"message":"Service Unavailable: too many connections"}, ...
  // A REST API's Lambda authorizer refusing (developer guide, "Gateway response types":
  // UNAUTHORIZED 401, ACCESS_DENIED 403, AUTHORIZER_CONFIGURATION_ERROR 500; bodies and error
  // types as API Gateway sends them, "Message" capitalised in the 403s).
  kUnauthorized,                // 401 {"message":"Unauthorized"}, UnauthorizedException
  kExplicitDeny,                // 403 {"Message":"User is not authorized to access this resource with an explicit deny"}, AccessDeniedException
  kNotAuthorized,               // 403 {"Message":"User is not authorized to access this resource"}, AccessDeniedException
  kAuthorizerConfiguration,     // 500 {"message": null}, AuthorizerConfigurationException
  // HTTP APIs' answers (developer guide, "Working with routes for HTTP APIs", "Troubleshooting
  // issues with HTTP API Lambda integrations"): no x-amzn-ErrorType.
  kHttpNotFound,                // 404 {"message":"Not Found"}
  kHttpInternalServerError,     // 500 {"message":"Internal Server Error"}
  kHttpServiceUnavailable,      // 503 {"message":"Service Unavailable"}: the integration timed out
};

// The complete response for `error`, without x-amzn-RequestId / x-amz-apigw-id or
// apigw-requestid (the gateway adds those to every response).
HttpResponse make_gateway_error(GatewayError error, unsigned http_version);

}  // namespace emu::apigw
