#include "emulator/apigateway/proxy_event.h"

#include <doctest/doctest.h>

#include <string>

#include "emulator/core/base64.h"

namespace emu::apigw {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

Route make_route() {
  Route route;
  route.api_logical_id = "ServerlessRestApi";
  route.api_id = "abcdefghij";
  route.stage = "Prod";
  route.resource_path = "/items/{id}";
  route.resource_id = "r3s0ur";
  route.deployment_id = "v99qix";
  route.method = "ANY";
  route.function_logical_id = "ItemsFunction";
  return route;
}

RouteMatch make_match(const Route& route, std::string path,
                      std::vector<std::pair<std::string, std::string>> params = {}) {
  RouteMatch match;
  match.status = RouteMatch::Status::kMatched;
  match.route = &route;
  match.path = std::move(path);
  match.path_parameters = std::move(params);
  return match;
}

RequestFacts make_facts() {
  RequestFacts facts;
  facts.request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";
  facts.extended_request_id = "AbCdEfGhIjKlMnO=";
  facts.epoch_ms = 1519166937665;  // the requestTime of AWS's own example
  facts.source_ip = "127.0.0.1";
  facts.domain_name = "localhost";
  facts.trace_id = "Root=1-5a8ca5d9-0123456789abcdef01234567";
  return facts;
}

// Builds the event of a request with `content_type` (none when empty) and `body`, to an API with
// `binary_types` as its BinaryMediaTypes.
json event_for_body(std::string_view content_type, std::string body,
                    std::vector<std::string> binary_types = {}) {
  ApiInfo api;
  api.binary_media_types = std::move(binary_types);
  Route route = make_route();
  route.api = &api;
  HttpRequest request{http::verb::post, "/items/1", 11};
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  request.body() = std::move(body);
  return build_proxy_event(request, make_match(route, "/items/1", {{"id", "1"}}), make_facts());
}

// `headers` without the four API Gateway adds (X-Forwarded-For/-Port/-Proto, X-Amzn-Trace-Id).
json client_headers(json headers) {
  for (const char* added : {"X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto",
                            "X-Amzn-Trace-Id"})
    headers.erase(added);
  return headers;
}

}  // namespace

TEST_CASE("the event has every field of the REST API payload format 1.0, exactly") {
  auto route = make_route();
  route.stage_variables = {{"color", "blue"}};
  HttpRequest request{http::verb::post, "/Prod/items/42?name=me&multi=you&multi=me", 11};
  request.set(http::field::host, "abc123.execute-api.us-east-1.amazonaws.com");
  request.set(http::field::user_agent, "curl/8.5.0");
  request.set(http::field::content_type, "application/json");
  request.insert("headerName", "headerValue");
  request.body() = "{\"a\": 1}";
  RequestFacts facts = make_facts();
  facts.domain_name = "abc123.execute-api.us-east-1.amazonaws.com";

  const json event =
      build_proxy_event(request, make_match(route, "/items/42", {{"id", "42"}}), facts);
  // X-Ray's trace header as the gateway makes one: 1519166937 is 5a8ca5d9.
  const std::string trace = new_trace_id(facts.epoch_ms);
  CHECK(trace.size() == 7 + 8 + 1 + 24);
  CHECK(trace.starts_with("Root=1-5a8ca5d9-"));

  // The members AWS sends with no authorizer, API key or mTLS (recorded events: LocalStack's
  // AWS-validated snapshots, Powertools' apigw-rest/no-auth.json).
  const json expected = json::parse(R"({
    "resource": "/items/{id}",
    "path": "/items/42",
    "httpMethod": "POST",
    "headers": {
      "Host": "abc123.execute-api.us-east-1.amazonaws.com",
      "User-Agent": "curl/8.5.0",
      "Content-Type": "application/json",
      "headerName": "headerValue",
      "X-Forwarded-For": "127.0.0.1",
      "X-Forwarded-Port": "80",
      "X-Forwarded-Proto": "http",
      "X-Amzn-Trace-Id": "Root=1-5a8ca5d9-0123456789abcdef01234567"
    },
    "multiValueHeaders": {
      "Host": ["abc123.execute-api.us-east-1.amazonaws.com"],
      "User-Agent": ["curl/8.5.0"],
      "Content-Type": ["application/json"],
      "headerName": ["headerValue"],
      "X-Forwarded-For": ["127.0.0.1"],
      "X-Forwarded-Port": ["80"],
      "X-Forwarded-Proto": ["http"],
      "X-Amzn-Trace-Id": ["Root=1-5a8ca5d9-0123456789abcdef01234567"]
    },
    "queryStringParameters": {"name": "me", "multi": "me"},
    "multiValueQueryStringParameters": {"name": ["me"], "multi": ["you", "me"]},
    "pathParameters": {"id": "42"},
    "stageVariables": {"color": "blue"},
    "requestContext": {
      "accountId": "123456789012",
      "apiId": "abcdefghij",
      "deploymentId": "v99qix",
      "resourceId": "r3s0ur",
      "resourcePath": "/items/{id}",
      "stage": "Prod",
      "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      "extendedRequestId": "AbCdEfGhIjKlMnO=",
      "requestTime": "20/Feb/2018:22:48:57 +0000",
      "requestTimeEpoch": 1519166937665,
      "httpMethod": "POST",
      "path": "/Prod/items/42",
      "protocol": "HTTP/1.1",
      "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
      "domainPrefix": "abc123",
      "identity": {
        "cognitoIdentityPoolId": null,
        "accountId": null,
        "cognitoIdentityId": null,
        "caller": null,
        "accessKey": null,
        "sourceIp": "127.0.0.1",
        "cognitoAuthenticationType": null,
        "cognitoAuthenticationProvider": null,
        "userArn": null,
        "userAgent": "curl/8.5.0",
        "user": null,
        "principalOrgId": null
      }
    },
    "body": "{\"a\": 1}",
    "isBase64Encoded": false
  })");
  CHECK(event == expected);
  CHECK(event["requestContext"]["requestTimeEpoch"].is_number_integer());
}

TEST_CASE("empty maps are null, a missing body is null and a missing User-Agent is null") {
  const Route route = make_route();
  HttpRequest request{http::verb::get, "/whodis", 11};
  const json event = build_proxy_event(request, make_match(route, "/whodis"), make_facts());
  // Headers are never empty: API Gateway adds its own.
  CHECK(client_headers(event["headers"]).empty());
  for (const char* key : {"queryStringParameters", "multiValueQueryStringParameters",
                          "pathParameters", "stageVariables", "body"}) {
    CAPTURE(key);
    REQUIRE(event.contains(key));
    CHECK(event[key].is_null());
  }
  CHECK(event["isBase64Encoded"] == false);
  CHECK(event["requestContext"]["identity"]["userAgent"].is_null());
}

TEST_CASE("a query string with only '?' or only empty pieces gives null maps") {
  const Route route = make_route();
  for (const char* target : {"/x?", "/x?&&", "/x?=v"}) {
    CAPTURE(target);
    HttpRequest request{http::verb::get, target, 11};
    const json event = build_proxy_event(request, make_match(route, "/x"), make_facts());
    CHECK(event["queryStringParameters"].is_null());
    CHECK(event["multiValueQueryStringParameters"].is_null());
  }
}

TEST_CASE("repeated headers: headers keeps the last value, multiValueHeaders all, names as sent") {
  const Route route = make_route();
  HttpRequest request{http::verb::get, "/x", 11};
  request.insert("X-Trace", "one");
  request.insert("Accept", "text/html");
  request.insert("X-Trace", "two");
  request.insert("x-trace", "three");  // a different spelling is a different key, as sent
  const json event = build_proxy_event(request, make_match(route, "/x"), make_facts());
  CHECK(client_headers(event["headers"]) ==
        json{{"X-Trace", "two"}, {"Accept", "text/html"}, {"x-trace", "three"}});
  CHECK(client_headers(event["multiValueHeaders"]) ==
        json{{"X-Trace", {"one", "two"}}, {"Accept", {"text/html"}}, {"x-trace", {"three"}}});
}

TEST_CASE("headers as API Gateway hands them on: 12 dropped, three names canonical, four added") {
  const Route route = make_route();
  HttpRequest request{http::verb::post, "/x", 11};
  // Recorded from AWS: "authorization" and "aUThorization" arrive as "Authorization"; the
  // transport headers never arrive (LocalStack's validated header-remapping snapshot).
  request.insert("authorization", "Bearer t");
  request.insert("host", "localhost:3000");
  request.insert("user-agent", "undici");
  request.insert("Connection", "keep-alive");
  request.insert("Content-Length", "2");
  request.insert("Expect", "100-continue");
  request.insert("Transfer-Encoding", "chunked");
  request.insert("TE", "trailers");
  request.insert("Upgrade", "h2c");
  request.insert("tEsT-HEADeR", "aValUE");
  request.insert("X-Forwarded-For", "203.0.113.9");
  request.insert("X-Forwarded-Proto", "https");  // replaced by the connection's own
  request.insert("X-Amzn-Trace-Id", "Root=1-00000000-000000000000000000000000");
  RequestFacts facts = make_facts();
  facts.domain_name = "localhost:3000";
  const json event = build_proxy_event(request, make_match(route, "/x"), facts);
  CHECK(event["headers"] == json{{"Authorization", "Bearer t"},
                                 {"Host", "localhost:3000"},
                                 {"User-Agent", "undici"},
                                 {"tEsT-HEADeR", "aValUE"},
                                 {"X-Forwarded-For", "203.0.113.9, 127.0.0.1"},
                                 {"X-Forwarded-Port", "3000"},
                                 {"X-Forwarded-Proto", "http"},
                                 {"X-Amzn-Trace-Id", "Root=1-00000000-000000000000000000000000"}});
}

TEST_CASE("query strings are decoded: '+' and %XX, a key without '=' has the value \"\"") {
  struct Case {
    std::string query;
    json single;
    json multi;
  };
  const std::vector<Case> cases = {
      {"a=1", {{"a", "1"}}, {{"a", {"1"}}}},
      {"q=hello+world%21", {{"q", "hello world!"}}, {{"q", {"hello world!"}}}},
      {"flag", {{"flag", ""}}, {{"flag", {""}}}},
      {"flag=", {{"flag", ""}}, {{"flag", {""}}}},
      {"a=1&a=2&b=3", {{"a", "2"}, {"b", "3"}}, {{"a", {"1", "2"}}, {"b", {"3"}}}},
      {"k%20ey=v%3Dw", {{"k ey", "v=w"}}, {{"k ey", {"v=w"}}}},
      {"e=%E2%82%AC", {{"e", "\xE2\x82\xAC"}}, {{"e", {"\xE2\x82\xAC"}}}},
      {"bad=%ZZ%", {{"bad", "%ZZ%"}}, {{"bad", {"%ZZ%"}}}},
  };
  const Route route = make_route();
  for (const auto& c : cases) {
    CAPTURE(c.query);
    HttpRequest request{http::verb::get, "/x?" + c.query, 11};
    const json event = build_proxy_event(request, make_match(route, "/x"), make_facts());
    CHECK(event["queryStringParameters"] == c.single);
    CHECK(event["multiValueQueryStringParameters"] == c.multi);
  }
}

TEST_CASE("a body is base64 exactly when its Content-Type is one of the API's BinaryMediaTypes") {
  // API Gateway developer guide, "Binary media types for REST APIs"; matching as AWS answers it
  // (LocalStack's AWS-validated test_aws_proxy_binary_response): equal types, "type/*", "*/*".
  struct Case {
    std::string content_type;
    std::string body;
    std::vector<std::string> binary_types;
    bool base64;
  };
  const std::string png("\x89PNG\r\n\x1a\n\0\0", 10);
  const std::vector<std::string> images = {"image/png", "application/octet-stream"};
  const std::vector<Case> cases = {
      {"", "hello", {}, false},
      {"text/plain", "hello", {}, false},
      {"application/octet-stream", "hello", {}, false},  // no list: every body is text
      {"application/json", "{\"a\":1}", images, false},
      {"text/html; charset=utf-8", "<p>caf\xC3\xA9</p>", images, false},
      {"image/png", png, images, true},
      {"IMAGE/PNG", png, images, true},
      {"application/octet-stream; x=1", "hello", images, true},
      {"image/jpeg", "jpeg", images, false},
      {"image/jpeg", "jpeg", {"image/*"}, true},
      {"text/plain", "hello", {"*/*"}, true},
      {"", "{}", {"application/json"}, true},  // no Content-Type counts as application/json
      {"text/plain", "hello", {"*/plain"}, false},  // a wildcard type matches only as */*
  };
  for (const auto& c : cases) {
    CAPTURE(c.content_type);
    CAPTURE(c.body);
    const json event = event_for_body(c.content_type, c.body, c.binary_types);
    CHECK(event["isBase64Encoded"] == c.base64);
    CHECK(event["body"] == (c.base64 ? base64::encode(c.body) : c.body));
  }
}

TEST_CASE("a text body that is not UTF-8 reaches the function with U+FFFD for each bad byte") {
  // API Gateway passes a non-binary body as a "UTF8-encoded string" ("Content type conversions in
  // API Gateway"): bytes that are not UTF-8 cannot survive as text.
  CHECK(event_for_body("text/plain", "a\xFF\xFE" "b")["body"] == "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
  CHECK(event_for_body("", "\xC0\xAF")["body"] == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  CHECK(event_for_body("application/json", "\xED\xA0\x80")["isBase64Encoded"] == false);
}

TEST_CASE("base64 encoding follows RFC 4648") {
  // RFC 4648 section 10 test vectors.
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& entry : vectors) {
    const auto& bytes = entry.first;
    const auto& text = entry.second;
    CAPTURE(bytes);
    CHECK(base64::encode(bytes) == text);
  }
  CHECK(base64::encode(std::string("\xFF\xFE\x00", 3)) == "//4A");
}

TEST_CASE("requestContext.path has the stage, event.path does not, whichever URL was used") {
  const Route route = make_route();
  for (const char* target : {"/Prod/items/7", "/items/7"}) {
    CAPTURE(target);
    HttpRequest request{http::verb::get, target, 11};
    const json event =
        build_proxy_event(request, make_match(route, "/items/7", {{"id", "7"}}), make_facts());
    CHECK(event["path"] == "/items/7");
    CHECK(event["requestContext"]["path"] == "/Prod/items/7");
    CHECK(event["resource"] == "/items/{id}");
  }
}

TEST_CASE("requestContext.protocol follows the request's HTTP version") {
  const Route route = make_route();
  for (const auto& [version, protocol] :
       std::vector<std::pair<unsigned, std::string>>{{11, "HTTP/1.1"}, {10, "HTTP/1.0"}}) {
    HttpRequest request{http::verb::get, "/x", version};
    const json event = build_proxy_event(request, make_match(route, "/x"), make_facts());
    CHECK(event["requestContext"]["protocol"] == protocol);
  }
}

TEST_CASE("httpMethod is the request's method even when the route is ANY") {
  const Route route = make_route();
  HttpRequest request{http::verb::delete_, "/x", 11};
  const json event = build_proxy_event(request, make_match(route, "/x"), make_facts());
  CHECK(event["httpMethod"] == "DELETE");
  CHECK(event["requestContext"]["httpMethod"] == "DELETE");
}

TEST_CASE("domainPrefix is the first label of domainName, without a port") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"abc123.execute-api.us-east-1.amazonaws.com", "abc123"},
      {"localhost", "localhost"},
      {"localhost:3000", "localhost"},
      {"127.0.0.1:3000", "127"},
      {"[::1]:3000", "[::1]"},
  };
  const Route route = make_route();
  for (const auto& entry : cases) {
    const auto& domain = entry.first;
    const auto& prefix = entry.second;
    CAPTURE(domain);
    RequestFacts facts = make_facts();
    facts.domain_name = domain;
    HttpRequest request{http::verb::get, "/x", 11};
    const json event = build_proxy_event(request, make_match(route, "/x"), facts);
    CHECK(event["requestContext"]["domainName"] == domain);
    CHECK(event["requestContext"]["domainPrefix"] == prefix);
  }
}

TEST_CASE(
    "bytes that are not UTF-8 in headers, query or path are replaced so the event serializes") {
  const Route route = make_route();
  HttpRequest request{http::verb::get, "/x?q=%FF", 11};
  request.set("X-Raw",
              "a\xFF"
              "b");
  const json event =
      build_proxy_event(request, make_match(route, "/items/\xFE", {{"id", "\xFE"}}), make_facts());
  CHECK(event["headers"]["X-Raw"] ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(event["queryStringParameters"]["q"] == "\xEF\xBF\xBD");
  CHECK(event["pathParameters"]["id"] == "\xEF\xBF\xBD");
  CHECK(event["path"] == "/items/\xEF\xBF\xBD");
  CHECK_NOTHROW((void)event.dump());
}

TEST_CASE("a Host header that is not UTF-8 is replaced in domainName so the event serializes") {
  // Found by fuzzing (tests/fuzz/proxy_event_fuzz.cpp): the Host header's raw bytes reached
  // requestContext.domainName, and dumping the event threw.
  const Route route = make_route();
  RequestFacts facts = make_facts();
  facts.domain_name = "loc\xE9lhost:3000";
  HttpRequest request{http::verb::get, "/x", 11};
  const json event = build_proxy_event(request, make_match(route, "/x"), facts);
  CHECK(event["requestContext"]["domainName"] == "loc\xEF\xBF\xBDlhost:3000");
  CHECK(event["requestContext"]["domainPrefix"] == "loc\xEF\xBF\xBDlhost");
  CHECK_NOTHROW((void)event.dump());
}

TEST_CASE("requestTime is dd/Mon/yyyy:HH:mm:ss +0000 in UTC") {
  const std::vector<std::pair<std::int64_t, std::string>> cases = {
      {0, "01/Jan/1970:00:00:00 +0000"},
      {1519166937665, "20/Feb/2018:22:48:57 +0000"},
      {1709164800000, "29/Feb/2024:00:00:00 +0000"},
      {1735689599999, "31/Dec/2024:23:59:59 +0000"},
      {1798586803000, "29/Dec/2026:23:26:43 +0000"},
      {-1, "31/Dec/1969:23:59:59 +0000"},
      {951782400000, "29/Feb/2000:00:00:00 +0000"},
  };
  for (const auto& entry : cases) {
    const auto& epoch_ms = entry.first;
    const auto& text = entry.second;
    CAPTURE(epoch_ms);
    CHECK(format_request_time(epoch_ms) == text);
  }
}

TEST_CASE("fill_proxy_event over any earlier value gives exactly build_proxy_event's event") {
  // The gateway overwrites spent events in place (lambda::EventRecycler); whatever the spent
  // value held, the result must be the fresh event, with no member left over.
  auto route = make_route();
  route.stage_variables = {{"color", "blue"}, {"size", "L"}};
  Route other_route = make_route();
  other_route.resource_path = "/other/{a}/{b}";
  other_route.stage = "Dev";

  struct Case {
    HttpRequest request;
    RouteMatch match;
    RequestFacts facts;
  };
  std::vector<Case> cases;
  auto add = [&cases](HttpRequest request, RouteMatch match, RequestFacts facts) {
    cases.push_back({std::move(request), std::move(match), std::move(facts)});
  };
  {
    HttpRequest request{http::verb::get, "/items/1", 11};
    request.set(http::field::host, "127.0.0.1:3000");
    add(request, make_match(route, "/items/1", {{"id", "1"}}), make_facts());
    request.set(http::field::host, "127.0.0.1:3001");  // same names, other values
    RequestFacts facts = make_facts();
    facts.request_id = "another-request-id-that-is-longer-than-the-first-one";
    facts.epoch_ms += 1500;
    facts.source_ip = "::1";
    add(request, make_match(route, "/items/2", {{"id", "2"}}), facts);
  }
  {
    HttpRequest request{http::verb::post, "/x?a=1&b=2&a=3&c&%FF=v&k=%FE", 10};
    request.insert("X-Multi", "one");
    request.insert(http::field::user_agent, "curl/8");
    request.insert("X-Multi", "two");
    request.insert("x-multi", "three");
    request.insert("X-Raw", "a\xFF");
    request.set(http::field::content_type, "application/octet-stream");
    request.body() = "\x01\x02\xFF";
    RequestFacts facts = make_facts();
    facts.domain_name = "";
    add(request, make_match(other_route, "/other/\xFE/y", {{"a", "\xFE"}, {"b", "y"}, {"a", "z"}}),
        facts);
  }
  {
    HttpRequest request{http::verb::put, "/y?only=1", 11};
    request.set(http::field::content_type, "application/json");
    request.body() = R"({"k":"v"})";
    add(request, make_match(route, "/y"), make_facts());
  }
  add(HttpRequest{http::verb::delete_, "/", 11}, make_match(other_route, "/"), make_facts());

  std::vector<json> earlier = {
      nullptr, 7, "text", json::array({1, 2}), json{{"a", 1}},
      // 12 members like an event, but other keys and types
      json{{"resource", 1}, {"path", nullptr}, {"httpMethod", json::array()}, {"headers", "h"},
           {"multiValueHeaders", json{{"X", 1}}}, {"queryStringParameters", json::object()},
           {"multiValueQueryStringParameters", json{{"q", json::array({1, 2, 3})}}},
           {"pathParameters", 1.5}, {"stageVariables", false},
           {"requestContext", json{{"identity", json{{"x", 1}}}, {"extra", 1}}},
           {"unrelated", 1}, {"isBase64Encoded", "no"}}};
  for (const auto& c : cases) earlier.push_back(build_proxy_event(c.request, c.match, c.facts));

  for (std::size_t i = 0; i < earlier.size(); ++i) {
    for (std::size_t k = 0; k < cases.size(); ++k) {
      CAPTURE(i);
      CAPTURE(k);
      json event = earlier[i];
      fill_proxy_event(event, cases[k].request, cases[k].match, cases[k].facts);
      const json expected = build_proxy_event(cases[k].request, cases[k].match, cases[k].facts);
      CHECK(event == expected);
      CHECK(event.dump() == expected.dump());
    }
  }
}

}  // namespace emu::apigw
