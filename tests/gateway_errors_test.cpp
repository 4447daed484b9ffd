#include "emulator/apigateway/gateway_errors.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace emu::apigw {

namespace http = boost::beast::http;

TEST_CASE("gateway errors have API Gateway's status, JSON message and x-amzn-ErrorType") {
  struct Case {
    GatewayError error;
    unsigned status;
    std::string body;
    std::string error_type;
  };
  const std::vector<Case> cases = {
      {GatewayError::kMissingAuthenticationToken, 403,
       R"({"message":"Missing Authentication Token"})", "MissingAuthenticationTokenException"},
      {GatewayError::kRequestTooLarge, 413, R"({"message":"Request Too Long"})",
       "RequestTooLongException"},
      {GatewayError::kBadRequest, 400, R"({"message":"Bad Request"})", "BadRequestException"},
      {GatewayError::kInternalServerError, 502, R"({"message":"Internal server error"})",
       "InternalServerErrorException"},
      {GatewayError::kEndpointRequestTimedOut, 504, R"({"message":"Endpoint request timed out"})",
       "InternalServerErrorException"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body);
    const HttpResponse response = make_gateway_error(c.error, 11);
    CHECK(response.result_int() == c.status);
    CHECK(response.version() == 11);
    CHECK(response.body() == c.body);
    CHECK(response["x-amzn-ErrorType"] == c.error_type);
    CHECK(response[http::field::content_type] == "application/json");
    CHECK(response[http::field::content_length] == std::to_string(c.body.size()));
    CHECK(response.find("x-amzn-RequestId") == response.end());  // the gateway adds it
  }
}

TEST_CASE("a gateway error answers in the request's HTTP version") {
  CHECK(make_gateway_error(GatewayError::kMissingAuthenticationToken, 10).version() == 10);
}

}  // namespace emu::apigw
