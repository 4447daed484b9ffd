// HTTP APIs, CORS and binary media on the real binary (issue 17; docs/api-gateway.md): the
// example app (examples/http-api) and tests/templates/http-apis.yaml, whose Python handlers answer
// with the event they were given, through real HTTP.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "emulator_process.h"
#include "http_client.h"
#include "templates.h"

namespace {

using json = nlohmann::json;

it::EmulatorProcess http_apis() {
  return it::EmulatorProcess(it::test_template("http-apis.yaml"), {"--invoke-mode", "auto"});
}

}  // namespace

TEST_CASE("http api: the example app answers as an HTTP API: inferred, cookies, binary, 404") {
  DEFAULT_PASS_ONLY();
  it::EmulatorProcess emulator(it::source_path("examples/http-api/template.yaml"),
                               {"--invoke-mode", "auto"});
  auto list = it::get(emulator.url("/items"));
  CHECK(list.status == 200);
  CHECK(list.header("Content-Type") == "application/json");
  CHECK(json::parse(list.body) == json::parse(R"([{"id":"1","name":"apple"},{"id":"2","name":"pear"}])"));
  CHECK(list.has_header("apigw-requestid"));
  CHECK_FALSE(list.has_header("x-amzn-RequestId"));

  auto created = it::request("POST", emulator.url("/items"), {{"Content-Type", "application/json"}},
                             R"({"name":"kiwi"})");
  CHECK(created.status == 201);
  CHECK(created.header("Set-Cookie") == "last-item=kiwi; Path=/");

  auto file = it::get(emulator.url("/files/a/b.bin"));
  CHECK(file.status == 200);
  CHECK(file.body == std::string("file a/b.bin\0\xff", 14));

  auto legacy = it::get(emulator.url("/legacy"));
  CHECK(json::parse(legacy.body) == json::parse(R"({"version":"1.0","resource":"/legacy","path":"/legacy"})"));

  auto missing = it::request("DELETE", emulator.url("/nothing"));
  CHECK(missing.status == 404);
  CHECK(missing.body == R"({"message":"Not Found"})");
  CHECK(emulator.stdout_text().find("ItemsUrl = https://") != std::string::npos);
  CHECK(emulator.stdout_text().find("(local: " + emulator.url("/items") + ")") != std::string::npos);
}

TEST_CASE("http api: a browser's preflight and request through curl: allowed origin, foreign origin") {
  DEFAULT_PASS_ONLY();
  it::EmulatorProcess emulator(it::source_path("examples/http-api/template.yaml"),
                               {"--invoke-mode", "auto"});
  const it::HeaderList preflight = {{"Origin", "http://localhost:8080"},
                                    {"Access-Control-Request-Method", "POST"},
                                    {"Access-Control-Request-Headers", "Content-Type"}};
  auto allowed = it::request("OPTIONS", emulator.url("/items"), preflight);
  CHECK(allowed.status == 204);
  CHECK(allowed.header("access-control-allow-origin") == "http://localhost:8080");
  CHECK(allowed.header("access-control-allow-methods") == "GET,POST,DELETE");
  CHECK(allowed.header("access-control-allow-headers") == "content-type,x-api-version");
  CHECK(allowed.header("access-control-max-age") == "600");
  CHECK(allowed.body.empty());

  auto foreign = it::request("OPTIONS", emulator.url("/items"),
                             {{"Origin", "https://evil.example"},
                              {"Access-Control-Request-Method", "POST"}});
  CHECK(foreign.status == 204);
  CHECK_FALSE(foreign.has_header("access-control-allow-origin"));

  auto from_page = it::get(emulator.url("/items"), {{"Origin", "http://localhost:8080"}});
  CHECK(from_page.status == 200);
  CHECK(from_page.header("access-control-allow-origin") == "http://localhost:8080");
  CHECK(from_page.header("access-control-expose-headers") == "x-request-id");
  auto from_elsewhere = it::get(emulator.url("/items"), {{"Origin", "https://evil.example"}});
  CHECK(from_elsewhere.status == 200);
  CHECK_FALSE(from_elsewhere.has_header("access-control-allow-origin"));
}

TEST_CASE("http api: the 2.0 event, the $default route, a named stage with payload 1.0, errors") {
  DEFAULT_PASS_ONLY();
  auto emulator = http_apis();
  auto item = it::get(emulator.url("/items/a%20b?x=1&x=2&y=%2B"),
                      {{"Cookie", "c=1; d=2"}, {"X-Multi", "a"}, {"X-Multi", "b"}});
  REQUIRE(item.status == 200);
  const json event = json::parse(item.body);
  INFO(event.dump(2));
  CHECK(event["version"] == "2.0");
  CHECK(event["routeKey"] == "GET /items/{id}");
  CHECK(event["rawPath"] == "/items/a%20b");
  CHECK(event["rawQueryString"] == "x=1&x=2&y=%2B");
  CHECK(event["cookies"] == json::array({"c=1", "d=2"}));
  CHECK_FALSE(event["headers"].contains("cookie"));
  CHECK(event["headers"]["x-multi"] == "a,b");
  CHECK(event["queryStringParameters"] == json({{"x", "1,2"}, {"y", "+"}}));
  CHECK(event["pathParameters"] == json({{"id", "a b"}}));
  CHECK_FALSE(event.contains("body"));
  CHECK_FALSE(event.contains("stageVariables"));
  CHECK(event["isBase64Encoded"] == false);
  CHECK(event["requestContext"]["http"]["method"] == "GET");
  CHECK(event["requestContext"]["stage"] == "$default");
  CHECK(event["requestContext"]["requestId"] == item.header("apigw-requestid"));

  auto fallback = it::request("PATCH", emulator.url("/any/where/"));
  REQUIRE(fallback.status == 200);
  CHECK(json::parse(fallback.body)["routeKey"] == "$default");
  CHECK(json::parse(fallback.body)["rawPath"] == "/any/where/");

  auto binary = it::request("POST", emulator.url("/files/x"),
                            {{"Content-Type", "application/octet-stream"}},
                            std::string("\x00\x01\xff", 3));
  const json binary_event = json::parse(binary.body);
  CHECK(binary_event["isBase64Encoded"] == true);
  CHECK(binary_event["body"] == "AAH/");
  CHECK(binary_event["pathParameters"]["proxy"] == "x");

  auto text = it::get(emulator.url("/text"));
  CHECK(text.body == "plain words");
  CHECK(text.header("Content-Type") == "application/json");

  auto boom = it::get(emulator.url("/boom"));
  CHECK(boom.status == 500);
  CHECK(boom.body == R"({"message":"Internal Server Error"})");

  auto staged = it::get(emulator.url("/beta/v1/joe"));
  REQUIRE(staged.status == 200);
  const json v1 = json::parse(staged.body);
  CHECK(v1["version"] == "1.0");
  CHECK(v1["path"] == "/beta/v1/joe");
  CHECK(v1["resource"] == "/v1/{name}");
  CHECK(v1["requestContext"]["resourceId"] == "GET /v1/{name}");
  CHECK(v1["stageVariables"] == json({{"color", "green"}}));
  CHECK(v1["pathParameters"] == json({{"name", "joe"}}));
}

TEST_CASE("http api: CORS headers replace the function's, on a route that takes OPTIONS too") {
  DEFAULT_PASS_ONLY();
  auto emulator = http_apis();
  // OPTIONS reaches the $default route (it takes every method), which answers; the API's CORS
  // headers are added for the allowed origin.
  auto preflight = it::request("OPTIONS", emulator.url("/text"),
                               {{"Origin", "https://app.example"},
                                {"Access-Control-Request-Method", "GET"}});
  CHECK(preflight.status == 200);
  CHECK(preflight.header("access-control-allow-origin") == "https://app.example");
  CHECK(preflight.header("access-control-allow-credentials") == "true");
  CHECK(json::parse(preflight.body)["routeKey"] == "$default");
}

TEST_CASE("rest api: SAM's Cors OPTIONS method, no CORS on the function's answers, binary media") {
  DEFAULT_PASS_ONLY();
  auto emulator = http_apis();
  auto preflight = it::request("OPTIONS", emulator.url("/dev/echo"),
                               {{"Origin", "https://app.example"},
                                {"Access-Control-Request-Method", "POST"}});
  CHECK(preflight.status == 200);
  CHECK(preflight.header("Access-Control-Allow-Origin") == "https://app.example");
  CHECK(preflight.header("Access-Control-Allow-Methods") == "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT");
  CHECK(preflight.header("Access-Control-Allow-Headers") == "content-type,x-api-key");
  CHECK(preflight.header("Access-Control-Max-Age") == "600");
  CHECK(preflight.has_header("x-amzn-RequestId"));

  // The function's own header, untouched: a REST API adds none.
  auto echo = it::get(emulator.url("/dev/echo"), {{"Origin", "https://app.example"}});
  CHECK(echo.header("access-control-allow-origin") == "https://from.function");

  // A function of an API with Cors answering a request with an Origin without the header: the
  // browser refuses it, on AWS too; said once per route.
  it::get(emulator.url("/dev/png"), {{"Origin", "https://app.example"}});
  it::get(emulator.url("/dev/png"), {{"Origin", "https://app.example"}});
  const std::string log = emulator.stdout_text() + emulator.stderr_text();
  const std::string warning = "PngFunction answered GET /png of RestApi (which has Cors) to a "
                              "request with an Origin, without Access-Control-Allow-Origin";
  CHECK(log.find(warning) != std::string::npos);
  CHECK(log.find(warning) == log.rfind(warning));
  CHECK(log.find("RestEventFunction answered") == std::string::npos);

  auto as_text = it::get(emulator.url("/dev/png"));
  CHECK(as_text.body == "iVBORw0KGgo=");  // Accept is not a binary media type: the base64 text
  auto as_bytes = it::get(emulator.url("/dev/png"), {{"Accept", "image/png"}});
  CHECK(as_bytes.body == std::string("\x89PNG\r\n\x1a\n", 8));

  auto upload = it::request("POST", emulator.url("/dev/echo"), {{"Content-Type", "image/png"}},
                            std::string("\x89PNG", 4));
  const json event = json::parse(upload.body);
  CHECK(event["isBase64Encoded"] == true);
  CHECK(event["body"] == "iVBORw==");
  auto words = it::request("POST", emulator.url("/dev/echo"), {{"Content-Type", "text/plain"}},
                           "words");
  CHECK(json::parse(words.body)["body"] == "words");
}

TEST_CASE("integration timeout: the gateway answers at TimeoutInMillis, 503 (HTTP) or 504 (REST)") {
  DEFAULT_PASS_ONLY();
  auto emulator = http_apis();
  auto http = it::get(emulator.url("/slow"));
  CHECK(http.status == 503);
  CHECK(http.body == R"({"message":"Service Unavailable"})");
  CHECK(http.has_header("apigw-requestid"));
  auto rest = it::get(emulator.url("/dev/slow"));
  CHECK(rest.status == 504);
  CHECK(rest.body == R"({"message":"Endpoint request timed out"})");
  CHECK(it::get(emulator.url("/text")).body == "plain words");  // the gateway goes on serving
}
