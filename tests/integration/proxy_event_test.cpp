// The Lambda proxy integration event (REST API, payload format 1.0) as the echo function receives
// it, checked end to end through real HTTP. Reference: API Gateway developer guide, "Input format
// of a Lambda function for proxy integration".
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "emulator_process.h"
#include "http_client.h"
#include "templates.h"

namespace {

using nlohmann::json;

json echoed_event(const it::HttpResponse& response) {
  REQUIRE(response.status == 200);
  return json::parse(response.body);
}

}  // namespace

TEST_CASE("echo receives the request's path, resource, stage and query as AWS builds them") {
  it::EmulatorProcess emulator(it::test_template("faults.yaml"));
  struct Case {
    const char* target;
    const char* resource;
    const char* path;
    const char* context_path;
    json query;
    json multi_value_query;
    json path_parameters;
  };
  const Case cases[] = {
      {"/Prod/echo", "/echo", "/echo", "/Prod/echo", nullptr, nullptr, nullptr},
      {"/echo", "/echo", "/echo", "/Prod/echo", nullptr, nullptr, nullptr},
      {"/Prod/echo?name=a%20b&x=1&x=2&flag", "/echo", "/echo", "/Prod/echo",
       json{{"name", "a b"}, {"x", "2"}, {"flag", ""}},
       json{{"name", {"a b"}}, {"x", {"1", "2"}}, {"flag", {""}}}, nullptr},
      {"/Prod/echo/hello", "/echo/{name}", "/echo/hello", "/Prod/echo/hello", nullptr, nullptr,
       json{{"name", "hello"}}},
      // Path parameters as sent, not decoded, as API Gateway passes them.
      {"/echo/caf%C3%A9", "/echo/{name}", nullptr, nullptr, nullptr, nullptr,
       json{{"name", "caf%C3%A9"}}},
      // Slashes right after the stage are collapsed in event.path, kept in requestContext.path.
      {"/Prod//echo/x", "/echo/{name}", "/echo/x", "/Prod//echo/x", nullptr, nullptr,
       json{{"name", "x"}}},
  };
  for (const auto& c : cases) {
    INFO("target: " << std::string(c.target));
    auto response = it::get(emulator.url(c.target), {{"X-Test", "yes"}, {"User-Agent", "it-agent"}});
    auto event = echoed_event(response);
    CAPTURE(event.dump());
    CHECK(event["httpMethod"] == "GET");
    CHECK(event["resource"] == c.resource);
    if (c.path != nullptr) CHECK(event["path"] == c.path);
    CHECK(event["queryStringParameters"] == c.query);
    CHECK(event["multiValueQueryStringParameters"] == c.multi_value_query);
    CHECK(event["pathParameters"] == c.path_parameters);
    CHECK(event["stageVariables"] == nullptr);
    CHECK(event["headers"]["X-Test"] == "yes");
    CHECK(event["multiValueHeaders"]["X-Test"] == json{"yes"});
    CHECK(event["body"] == nullptr);
    CHECK(event["isBase64Encoded"] == false);

    const json& context = event["requestContext"];
    CHECK(context["stage"] == "Prod");
    if (c.context_path != nullptr) CHECK(context["path"] == c.context_path);
    CHECK(context["resourcePath"] == c.resource);
    CHECK(context["httpMethod"] == "GET");
    CHECK(context["accountId"] == "123456789012");
    CHECK(context["protocol"] == "HTTP/1.1");
    CHECK(context["identity"]["sourceIp"] == "127.0.0.1");
    CHECK(context["identity"]["userAgent"] == "it-agent");
    // The id the function sees is the one the caller gets back.
    CHECK(context["requestId"] == response.header("x-amzn-RequestId"));
    CHECK(context["extendedRequestId"] == response.header("x-amz-apigw-id"));
    CHECK(context["extendedRequestId"].get<std::string>().size() == 16);
    CHECK(context["extendedRequestId"].get<std::string>().back() == '=');
    CHECK(context["deploymentId"].get<std::string>().size() == 6);
    CHECK(context["identity"].size() == 12);
    // Added by the gateway; the transport's own headers are not passed on.
    CHECK(event["headers"]["X-Forwarded-For"] == "127.0.0.1");
    CHECK(event["headers"]["X-Forwarded-Proto"] == "http");
    CHECK(event["headers"]["X-Forwarded-Port"] == std::to_string(emulator.port()));
    CHECK(event["headers"]["X-Amzn-Trace-Id"].get<std::string>().starts_with("Root=1-"));
    CHECK_FALSE(event["headers"].contains("Connection"));
    CHECK_FALSE(event["headers"].contains("Content-Length"));
  }
}

TEST_CASE("each request gets a fresh requestId") {
  it::EmulatorProcess emulator(it::test_template("faults.yaml"));
  auto first = echoed_event(it::get(emulator.url("/Prod/echo")));
  auto second = echoed_event(it::get(emulator.url("/Prod/echo")));
  const std::string first_id = first["requestContext"]["requestId"];
  const std::string second_id = second["requestContext"]["requestId"];
  CHECK(first_id.size() == 36);  // a UUID
  CHECK(first_id != second_id);
  CHECK(first["requestContext"]["requestTimeEpoch"].is_number_integer());
  CHECK(first["requestContext"]["requestTimeEpoch"] <= second["requestContext"]["requestTimeEpoch"]);
}

TEST_CASE("without BinaryMediaTypes every body is passed as text, bytes that are not UTF-8 as U+FFFD") {
  // faults.yaml's API lists no BinaryMediaTypes: API Gateway passes every body as a UTF-8 string
  // (tests/integration/http_api_test.cpp covers an API that lists some).
  it::EmulatorProcess emulator(it::test_template("faults.yaml"));
  struct Case {
    const char* content_type;
    std::string body;
    json expected_body;
    bool base64;
  };
  const Case cases[] = {
      {"application/json", R"({"hello":"world"})", R"({"hello":"world"})", false},
      {"text/plain; charset=utf-8", "h\xC3\xA9llo", "h\xC3\xA9llo", false},
      {"application/octet-stream", std::string("\x00\x01\xFF", 3),
       std::string("\x00\x01\xEF\xBF\xBD", 5), false},
  };
  for (const auto& c : cases) {
    INFO("content_type: " << std::string(c.content_type));
    auto event = echoed_event(
        it::request("POST", emulator.url("/Prod/echo"), {{"Content-Type", c.content_type}}, c.body));
    CHECK(event["httpMethod"] == "POST");
    CHECK(event["body"] == c.expected_body);
    CHECK(event["isBase64Encoded"] == c.base64);
  }
}
