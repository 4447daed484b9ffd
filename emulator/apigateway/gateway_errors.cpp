#include "emulator/apigateway/gateway_errors.h"

namespace emu::apigw {
namespace {

namespace http = boost::beast::http;

struct GatewayResponse {
  http::status status;
  std::string_view body;
  std::string_view error_type;  // x-amzn-ErrorType ("" for none)
  bool json_type = true;        // Content-Type: application/json
};

// Status codes are the defaults of "Gateway response types for API Gateway"
// (MISSING_AUTHENTICATION_TOKEN 403, REQUEST_TOO_LARGE 413, BAD_REQUEST_BODY /
// BAD_REQUEST_PARAMETERS 400, INTEGRATION_TIMEOUT 504). A malformed Lambda proxy response is
// answered with 502 ("Output format of a Lambda function for proxy integration"). The messages
// and x-amzn-ErrorType values are those API Gateway sends with its default templates; every 5XX
// carries InternalServerErrorException, as responses captured from API Gateway show.
GatewayResponse describe(GatewayError error) {
  switch (error) {
    case GatewayError::kMissingAuthenticationToken:
      return {http::status::forbidden, R"({"message":"Missing Authentication Token"})",
              "MissingAuthenticationTokenException"};
    case GatewayError::kRequestTooLarge:
      return {http::status::payload_too_large, R"({"message":"Request Too Long"})",
              "RequestTooLongException"};
    case GatewayError::kBadRequest:
      return {http::status::bad_request, R"({"message":"Bad Request"})", "BadRequestException"};
    case GatewayError::kInternalServerError:
      return {http::status::bad_gateway, R"({"message":"Internal server error"})",
              "InternalServerErrorException"};
    case GatewayError::kEndpointRequestTimedOut:
      return {http::status::gateway_timeout, R"({"message":"Endpoint request timed out"})",
              "InternalServerErrorException"};
    // The emulator's own limits: a header value over API Gateway's 10,240-byte quota, and its
    // connection cap (no AWS equivalent; AWS would throttle with 429/503).
    case GatewayError::kHeaderTooLarge:
      return {http::status::request_header_fields_too_large,
              R"({"message":"Request Header Fields Too Large: a header value is over 10240 bytes"})",
              "BadRequestException"};
    case GatewayError::kTooManyConnections:
      return {http::status::service_unavailable,
              R"({"message":"Service Unavailable: the emulator has too many open connections"})",
              "ServiceUnavailableException"};
    case GatewayError::kUnauthorized:
      return {http::status::unauthorized, R"({"message":"Unauthorized"})", "UnauthorizedException"};
    case GatewayError::kExplicitDeny:
      return {http::status::forbidden,
              R"({"Message":"User is not authorized to access this resource with an explicit deny"})",
              "AccessDeniedException"};
    case GatewayError::kNotAuthorized:
      return {http::status::forbidden,
              R"({"Message":"User is not authorized to access this resource"})",
              "AccessDeniedException"};
    case GatewayError::kAuthorizerConfiguration:
      return {http::status::internal_server_error, R"({"message": null})",
              "AuthorizerConfigurationException"};
    case GatewayError::kHttpNotFound:
      return {http::status::not_found, R"({"message":"Not Found"})", ""};
    case GatewayError::kHttpInternalServerError:
      return {http::status::internal_server_error, R"({"message":"Internal Server Error"})", ""};
    // A response captured from an HTTP API's integration timeout has no Content-Type
    // (cortexlabs/cortex#1225: "HTTP/2 503", content-length 33, apigw-requestid).
    case GatewayError::kHttpServiceUnavailable:
      return {http::status::service_unavailable, R"({"message":"Service Unavailable"})", "",
              false};
  }
  return {http::status::internal_server_error, R"({"message":"Internal server error"})",
          "InternalServerErrorException"};
}

}  // namespace

HttpResponse make_gateway_error(GatewayError error, unsigned http_version) {
  const GatewayResponse description = describe(error);
  HttpResponse response{description.status, http_version};
  if (description.json_type) response.set(http::field::content_type, "application/json");
  if (!description.error_type.empty()) response.set("x-amzn-ErrorType", description.error_type);
  response.body() = description.body;
  response.prepare_payload();
  return response;
}

}  // namespace emu::apigw
