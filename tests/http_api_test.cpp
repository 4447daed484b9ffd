// HTTP APIs (issue 17): route priority, the 2.0 event, response inference, CORS headers and the
// binary rules, without sockets. docs/api-gateway.md describes each rule and its AWS source.
#include <doctest/doctest.h>

#include "emulator/apigateway/binary_media.h"
#include "emulator/apigateway/cors.h"
#include "emulator/apigateway/http_event.h"
#include "emulator/apigateway/http_response.h"
#include "emulator/apigateway/route_table.h"

namespace emu::apigw {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

tmpl::ApiEvent http_event(std::string method, std::string path, std::string api) {
  tmpl::ApiEvent event;
  event.name = method + path;
  event.kind = tmpl::ApiKind::kHttp;
  event.method = std::move(method);
  event.path = std::move(path);
  event.api = std::move(api);
  event.payload_format_version = "2.0";
  event.timeout_ms = 30000;
  return event;
}

tmpl::ApiSpec http_api(std::string logical_id, std::string stage) {
  tmpl::ApiSpec api;
  api.logical_id = std::move(logical_id);
  api.kind = tmpl::ApiKind::kHttp;
  api.name = "test";
  api.stage_name = std::move(stage);
  api.api_id = "httpapi123";
  return api;
}

// The example of "Working with routes for HTTP APIs" (API Gateway developer guide): five routes,
// one function each, named after the route.
tmpl::Stack guide_stack() {
  tmpl::Stack stack;
  stack.apis.push_back(http_api("ServerlessHttpApi", "$default"));
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/pets/dog/1"}, {"GET", "/pets/dog/{id}"}, {"GET", "/pets/{proxy+}"},
      {"ANY", "/{proxy+}"},   {"ANY", "$default"}};
  for (std::size_t i = 0; i < routes.size(); ++i) {
    tmpl::FunctionSpec function;
    function.logical_id = "F" + std::to_string(i + 1);
    function.api_events.push_back(
        http_event(routes[i].first, routes[i].second, "ServerlessHttpApi"));
    stack.functions.push_back(function);
  }
  return stack;
}

std::string chosen(const RouteTable& table, std::string_view method, std::string_view path) {
  const RouteMatch match = table.match(method, path);
  return match.status == RouteMatch::Status::kMatched ? match.route->route_key : "none";
}

}  // namespace

TEST_CASE("http api routes: the developer guide's priority table, exactly") {
  std::vector<std::string> warnings;
  const RouteTable table = RouteTable::build(guide_stack(), warnings);
  CHECK(warnings.empty());
  CHECK(chosen(table, "GET", "/pets/dog/1") == "GET /pets/dog/1");
  CHECK(chosen(table, "GET", "/pets/dog/2") == "GET /pets/dog/{id}");
  CHECK(chosen(table, "GET", "/pets/cat/1") == "GET /pets/{proxy+}");
  CHECK(chosen(table, "POST", "/test/5") == "ANY /{proxy+}");
  // A method a path's route lacks backtracks (no REST-style 403), and "/" is left to $default.
  CHECK(chosen(table, "POST", "/pets/dog/1") == "ANY /{proxy+}");
  CHECK(chosen(table, "GET", "/") == "$default");
}

TEST_CASE("http api routes: trailing slash, named stages, 404 without a route") {
  tmpl::Stack stack;
  stack.apis.push_back(http_api("Api", "$default"));
  stack.apis.push_back(http_api("Staged", "beta"));
  tmpl::FunctionSpec function;
  function.logical_id = "F";
  function.api_events = {http_event("GET", "/pets", "Api"),
                         http_event("ANY", "/handler/{proxy+}", "Api"),
                         http_event("GET", "/v1/{name}", "Staged")};
  stack.functions.push_back(function);
  std::vector<std::string> warnings;
  const RouteTable table = RouteTable::build(stack, warnings);
  CHECK(chosen(table, "GET", "/pets") == "GET /pets");
  CHECK(chosen(table, "GET", "/pets/") == "none");  // "/pets/" is not "/pets" on an HTTP API
  const RouteMatch empty_proxy = table.match("POST", "/handler/");
  REQUIRE(empty_proxy.status == RouteMatch::Status::kMatched);
  CHECK(empty_proxy.path_parameters[0].second.empty());
  const RouteMatch staged = table.match("GET", "/beta/v1/x");
  REQUIRE(staged.status == RouteMatch::Status::kMatched);
  CHECK(staged.route->stage == "beta");
  const RouteMatch missing = table.match("GET", "/nothing");
  CHECK(missing.status == RouteMatch::Status::kNoResource);
  REQUIRE(missing.api != nullptr);  // answered as the HTTP API answers: 404
  CHECK(missing.api->kind == tmpl::ApiKind::kHttp);
}

TEST_CASE("http api event 2.0: every field, as AWS's recorded events have them") {
  tmpl::Stack stack;
  auto api = http_api("Api", "beta");
  api.stage_variables = {{"color", "green"}};
  stack.apis.push_back(api);
  tmpl::FunctionSpec function;
  function.logical_id = "F";
  function.api_events = {http_event("POST", "/items/{id}", "Api")};
  stack.functions.push_back(function);
  std::vector<std::string> warnings;
  const RouteTable table = RouteTable::build(stack, warnings);
  HttpRequest request{http::verb::post, "/beta/items/a%2Fb?q=1&q=2&e=", 11};
  request.set(http::field::host, "h.example:3000");
  request.set(http::field::user_agent, "UA");
  request.insert(http::field::cookie, "a=1; b=2");
  request.set(http::field::content_type, "application/json");
  request.body() = "{}";
  const RouteMatch match = table.match("POST", "/beta/items/a%2Fb");
  REQUIRE(match.status == RouteMatch::Status::kMatched);
  RequestFacts facts;
  facts.extended_request_id = "AbCdEfGhIjKlMnO=";
  facts.epoch_ms = 1583348638390;
  facts.source_ip = "192.0.2.1";
  facts.domain_name = "h.example:3000";
  facts.trace_id = "Root=1-5e5fcb5e-0123456789abcdef01234567";
  const json expected = json::parse(R"({
    "version": "2.0",
    "routeKey": "POST /items/{id}",
    "rawPath": "/beta/items/a%2Fb",
    "rawQueryString": "q=1&q=2&e=",
    "cookies": ["a=1", "b=2"],
    "headers": {"content-length": "2", "content-type": "application/json",
                "host": "h.example:3000", "user-agent": "UA",
                "x-amzn-trace-id": "Root=1-5e5fcb5e-0123456789abcdef01234567",
                "x-forwarded-for": "192.0.2.1", "x-forwarded-port": "3000",
                "x-forwarded-proto": "http"},
    "queryStringParameters": {"q": "1,2", "e": ""},
    "pathParameters": {"id": "a/b"},
    "stageVariables": {"color": "green"},
    "body": "{}",
    "isBase64Encoded": false,
    "requestContext": {
      "accountId": "123456789012", "apiId": "httpapi123",
      "domainName": "h.example:3000", "domainPrefix": "h",
      "http": {"method": "POST", "path": "/beta/items/a%2Fb", "protocol": "HTTP/1.1",
               "sourceIp": "192.0.2.1", "userAgent": "UA"},
      "requestId": "AbCdEfGhIjKlMnO=", "routeKey": "POST /items/{id}", "stage": "beta",
      "time": "04/Mar/2020:19:03:58 +0000", "timeEpoch": 1583348638390}
  })");
  const json event = build_http_event(request, match, facts);
  CHECK(event == expected);
}

TEST_CASE("http api response 2.0: AWS's inference without statusCode, cookies, base64") {
  auto body_of = [](const json& result) { return map_http_response(result, 11).value().body(); };
  CHECK(body_of("hello") == "hello");
  CHECK(body_of(json::parse(R"({"hello": "world"})")) == R"({"hello":"world"})");
  CHECK(body_of(3) == "3");
  CHECK(body_of(json::parse(R"(["a", true])")) == R"(["a",true])");
  CHECK(map_http_response("x", 11).value()[http::field::content_type] == "application/json");
  auto full = map_http_response(json::parse(R"({"statusCode": 201, "cookies": ["a=1", "b=2"],
      "isBase64Encoded": true, "body": "AAH/"})"), 11);
  REQUIRE(full.ok());
  CHECK(full.value().result_int() == 201);
  CHECK(full.value().body() == std::string("\x00\x01\xff", 3));
  CHECK(full.value()[http::field::content_type] == "text/plain; charset=utf-8");
  std::vector<std::string> cookies;
  for (const auto& field : full.value())
    if (field.name() == http::field::set_cookie) cookies.emplace_back(field.value());
  CHECK(cookies == std::vector<std::string>{"a=1", "b=2"});
  CHECK_FALSE(map_http_response(json::parse(R"({"statusCode": "abc"})"), 11).ok());
  CHECK_FALSE(map_http_response(json::parse(R"({"statusCode": 200, "cookies": "a"})"), 11).ok());
}

TEST_CASE("cors: HTTP API headers for allowed and foreign origins, REST's OPTIONS headers") {
  tmpl::HttpCors cors;
  cors.allow_origins = {"https://app.example", "http://*"};
  cors.allow_methods = {"GET", "POST"};
  cors.allow_headers = {"content-type"};
  cors.expose_headers = {"x-id"};
  cors.max_age = 60;
  const HeaderList allowed = http_preflight_headers(cors, "https://app.example", "POST",
                                                    "Content-Type");
  CHECK(allowed == HeaderList{{"access-control-allow-origin", "https://app.example"},
                              {"access-control-allow-methods", "GET,POST"},
                              {"access-control-allow-headers", "content-type"},
                              {"access-control-max-age", "60"}});
  CHECK(http_preflight_headers(cors, "https://evil.example", "POST", "").empty());
  CHECK(http_preflight_headers(cors, "https://app.example", "DELETE", "").empty());
  CHECK(http_preflight_headers(cors, "https://app.example", "GET", "x-other").empty());
  CHECK(origin_allowed(cors, "http://localhost:3000"));  // "http://*"
  CHECK_FALSE(origin_allowed(cors, "https://localhost:3000"));
  CHECK(http_response_headers(cors, "https://app.example") ==
        HeaderList{{"access-control-allow-origin", "https://app.example"},
                   {"access-control-expose-headers", "x-id"}});
  CHECK(http_response_headers(cors, "").empty());
  cors.allow_origins = {"*"};
  CHECK(http_response_headers(cors, "https://any.example")[0].second == "*");

  tmpl::RestCors rest;
  rest.allow_origin = "*";
  CHECK(rest_preflight_headers(rest, {"POST", "GET", "DELETE"}) ==
        HeaderList{{"Access-Control-Allow-Origin", "*"},
                   {"Access-Control-Allow-Methods", "DELETE,GET,OPTIONS,POST"}});
  CHECK(rest_preflight_headers(rest, {"ANY"})[1].second ==
        "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT");
}

TEST_CASE("binary media: REST's list and first Accept type, HTTP API's text types") {
  const std::vector<std::string> types = {"image/png", "application/*"};
  CHECK(rest_request_is_binary("image/png", types));
  CHECK(rest_request_is_binary("application/pdf; x=1", types));
  CHECK(rest_request_is_binary("", types));  // no Content-Type: application/json
  CHECK_FALSE(rest_request_is_binary("text/plain", types));
  CHECK_FALSE(rest_request_is_binary("image/png", {}));
  // LocalStack's AWS-validated test_aws_proxy_binary_response, binary types [image/png, */test].
  const std::vector<std::string> recorded = {"image/png", "*/test"};
  CHECK(rest_response_is_binary("image/png", recorded));
  CHECK_FALSE(rest_response_is_binary("image/jpg", recorded));
  CHECK_FALSE(rest_response_is_binary("image/*", recorded));
  CHECK_FALSE(rest_response_is_binary("random/test", recorded));
  CHECK_FALSE(rest_response_is_binary("*/*", recorded));
  CHECK_FALSE(rest_response_is_binary("image/webp,image/png,*/*;q=0.8", recorded));
  CHECK(rest_response_is_binary("image/png,image/*,*/*;q=0.8", recorded));
  CHECK(rest_response_is_binary("anything/at-all", {"*/*"}));
  CHECK(http_request_is_text("application/json; charset=utf-8"));
  CHECK(http_request_is_text("TEXT/csv"));
  CHECK_FALSE(http_request_is_text("application/x-www-form-urlencoded"));
  CHECK_FALSE(http_request_is_text(""));
}

}  // namespace emu::apigw
