#include "emulator/apigateway/proxy_response.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "emulator/core/base64.h"

namespace emu::apigw {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

HttpResponse map_ok(const json& result, unsigned version = 11) {
  Result<HttpResponse> mapped = map_proxy_response(result, version);
  if (!mapped) FAIL("unexpected error: " << mapped.error().message);
  return std::move(mapped).value();
}

std::vector<std::string> values_of(const HttpResponse& response, std::string_view name) {
  std::vector<std::string> values;
  for (auto [it, end] = response.equal_range(name); it != end; ++it)
    values.emplace_back(it->value());
  return values;
}

}  // namespace

TEST_CASE("an empty object is 200 with an empty application/json body") {
  const HttpResponse response = map_ok(json::object(), 10);
  CHECK(response.result_int() == 200);
  CHECK(response.version() == 10);
  CHECK(response[http::field::content_type] == "application/json");
  CHECK(response[http::field::content_length] == "0");
  CHECK(response.body().empty());
}

TEST_CASE("statusCode, headers and body are sent as the handler returned them") {
  const HttpResponse response = map_ok(json::parse(R"({
    "statusCode": 201,
    "headers": {"Content-Type": "text/plain", "X-Request": "abc"},
    "body": "created",
    "isBase64Encoded": false
  })"));
  CHECK(response.result_int() == 201);
  CHECK(response[http::field::content_type] == "text/plain");
  CHECK(response["X-Request"] == "abc");
  CHECK(response.body() == "created");
  CHECK(response[http::field::content_length] == "7");
}

TEST_CASE("statusCode may be any integer-valued JSON number from 100 to 599") {
  const std::vector<std::pair<json, unsigned>> cases = {
      {json(200), 200}, {json(404u), 404}, {json(200.0), 200},
      {json(100), 100}, {json(599), 599},  {json(nullptr), 200},
  };
  for (const auto& entry : cases) {
    const auto& status = entry.first;
    const auto& expected = entry.second;
    CAPTURE(status);
    const HttpResponse response = map_ok(json{{"statusCode", status}});
    CHECK(response.result_int() == expected);
  }
}

TEST_CASE("a status code Beast has no name for still gets a reason phrase") {
  const HttpResponse response = map_ok(json{{"statusCode", 555}});
  CHECK(response.result_int() == 555);
  CHECK(response.reason() == "Unknown");
}

TEST_CASE("header values that are numbers or booleans are sent as text") {
  const HttpResponse response = map_ok(json::parse(R"({
    "headers": {"X-Int": 5, "X-Negative": -3, "X-Float": 1.5, "X-True": true, "X-False": false}
  })"));
  CHECK(response["X-Int"] == "5");
  CHECK(response["X-Negative"] == "-3");
  CHECK(response["X-Float"] == "1.5");
  CHECK(response["X-True"] == "true");
  CHECK(response["X-False"] == "false");
}

TEST_CASE("multiValueHeaders sends every value, and replaces headers' value for the same name") {
  const HttpResponse response = map_ok(json::parse(R"({
    "headers": {"X-Both": "from-headers", "X-Single": "one"},
    "multiValueHeaders": {
      "Set-Cookie": ["a=1", "b=2"],
      "x-both": ["m1", 2],
      "X-Empty": []
    }
  })"));
  CHECK(values_of(response, "Set-Cookie") == std::vector<std::string>{"a=1", "b=2"});
  CHECK(values_of(response, "X-Both") == std::vector<std::string>{"m1", "2"});
  CHECK(values_of(response, "X-Single") == std::vector<std::string>{"one"});
  CHECK(values_of(response, "X-Empty").empty());
}

TEST_CASE("a Content-Type given in multiValueHeaders replaces the default") {
  const HttpResponse response =
      map_ok(json::parse(R"({"multiValueHeaders": {"content-type": ["text/html"]}})"));
  CHECK(values_of(response, "Content-Type") == std::vector<std::string>{"text/html"});
}

TEST_CASE("isBase64Encoded bodies are decoded, and Content-Length counts the bytes") {
  const std::string bytes("\x89PNG\r\n\x1a\n\0\xFF", 10);
  const HttpResponse response = map_ok(json{{"statusCode", 200},
                                            {"headers", {{"Content-Type", "image/png"}}},
                                            {"body", base64::encode(bytes)},
                                            {"isBase64Encoded", true}});
  CHECK(response.body() == bytes);
  CHECK(response[http::field::content_length] == "10");
  CHECK(response[http::field::content_type] == "image/png");
}

TEST_CASE("base64 decoding follows RFC 4648 and accepts missing padding") {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},
      {"Zg==", "f"},
      {"Zm8=", "fo"},
      {"Zm9v", "foo"},
      {"Zm9vYg==", "foob"},
      {"Zm9vYmE=", "fooba"},
      {"Zm9vYmFy", "foobar"},
      {"Zg", "f"},
      {"Zm8", "fo"},
      {"//4A", std::string("\xFF\xFE\x00", 3)},
  };
  for (const auto& entry : vectors) {
    const auto& text = entry.first;
    const auto& bytes = entry.second;
    CAPTURE(text);
    const auto decoded = base64::decode(text);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == bytes);
  }
  for (const char* invalid : {"Z", "Zg=", "Zg===", "Z===", "Zm9v!", "Zm 9v", "Zg==Zg==", "-_8="}) {
    CAPTURE(invalid);
    CHECK_FALSE(base64::decode(invalid).has_value());
  }
}

TEST_CASE("keys whose value is null count as absent") {
  const HttpResponse response = map_ok(json::parse(
      R"({"statusCode": null, "headers": null, "multiValueHeaders": null, "body": null,
          "isBase64Encoded": null})"));
  CHECK(response.result_int() == 200);
  CHECK(response.body().empty());
  CHECK(response[http::field::content_type] == "application/json");
}

TEST_CASE("1xx, 204 and 304 responses carry no body and no Content-Length") {
  for (const unsigned status : {101u, 204u, 304u}) {
    CAPTURE(status);
    const HttpResponse response = map_ok(
        json{{"statusCode", status}, {"body", "ignored"}, {"headers", {{"Content-Length", "7"}}}});
    CHECK(response.result_int() == status);
    CHECK(response.body().empty());
    CHECK(response.find(http::field::content_length) == response.end());
  }
}

TEST_CASE("a Content-Length set by the handler is replaced by the body's real length") {
  const HttpResponse response =
      map_ok(json{{"body", "abc"}, {"headers", {{"Content-Length", "999"}}}});
  CHECK(values_of(response, "Content-Length") == std::vector<std::string>{"3"});
}

TEST_CASE("every malformed proxy response is an Error saying what is wrong") {
  struct Case {
    std::string result;   // the handler's JSON
    std::string message;  // the whole message
  };
  const std::vector<Case> cases = {
      {R"([])", "the handler returned an array, not a proxy response object"},
      {R"("ok")", "the handler returned a string, not a proxy response object"},
      {R"(42)", "the handler returned a number, not a proxy response object"},
      {R"(null)", "the handler returned null, not a proxy response object"},
      {R"(true)", "the handler returned a boolean, not a proxy response object"},
      {R"({"statusCode": 200, "cookies": ["a=b"]})",
       "unexpected key \"cookies\" in the proxy response; the allowed keys are statusCode, "
       "headers, multiValueHeaders, body and isBase64Encoded"},
      {R"({"StatusCode": 200})",
       "unexpected key \"StatusCode\" in the proxy response; the allowed keys are statusCode, "
       "headers, multiValueHeaders, body and isBase64Encoded"},
      {R"({"statusCode": "abc"})",
       "statusCode must be an integer between 100 and 599, got \"abc\""},
      {R"({"statusCode": "200"})",
       "statusCode must be an integer between 100 and 599, got \"200\""},
      {R"({"statusCode": 99})", "statusCode must be an integer between 100 and 599, got 99"},
      {R"({"statusCode": 600})", "statusCode must be an integer between 100 and 599, got 600"},
      {R"({"statusCode": -200})", "statusCode must be an integer between 100 and 599, got -200"},
      {R"({"statusCode": 200.5})", "statusCode must be an integer between 100 and 599, got 200.5"},
      {R"({"statusCode": true})", "statusCode must be an integer between 100 and 599, got true"},
      {R"({"statusCode": [200]})", "statusCode must be an integer between 100 and 599, got [200]"},
      {R"({"body": {"a": 1}})",
       "body must be a string; got an object — serialize it with JSON first"},
      {R"({"body": [1, 2]})", "body must be a string; got an array — serialize it with JSON first"},
      {R"({"body": 5})", "body must be a string; got a number — serialize it with JSON first"},
      {R"({"body": false})", "body must be a string; got a boolean — serialize it with JSON first"},
      {R"({"isBase64Encoded": "true"})", "isBase64Encoded must be a boolean, got \"true\""},
      {R"({"isBase64Encoded": 1})", "isBase64Encoded must be a boolean, got 1"},
      {R"({"isBase64Encoded": true, "body": "not base64!"})",
       "isBase64Encoded is true but body is not valid base64 (\"not base64!\")"},
      {R"({"headers": ["X-A", "1"]})",
       "headers must be an object of header names to values, got [\"X-A\",\"1\"]"},
      {R"({"headers": "X-A: 1"})",
       "headers must be an object of header names to values, got \"X-A: 1\""},
      {R"({"headers": {"X-A": null}})",
       "headers \"X-A\" must be a string, number or boolean, got null"},
      {R"({"headers": {"X-A": {"b": 1}}})",
       "headers \"X-A\" must be a string, number or boolean, got {\"b\":1}"},
      {R"({"headers": {"X-A": ["1"]}})",
       "headers \"X-A\" must be a string, number or boolean, got [\"1\"]"},
      {R"({"headers": {"Bad Name": "v"}})",
       "header name \"Bad Name\" is not a valid HTTP field name (RFC 9110 token characters only)"},
      {R"({"headers": {"": "v"}})",
       "header name \"\" is not a valid HTTP field name (RFC 9110 token characters only)"},
      {R"({"headers": {"X-A": "a\r\nX-Injected: 1"}})",
       "headers \"X-A\" contains a CR, LF or NUL character, which HTTP does not allow"},
      {R"({"multiValueHeaders": "x"})",
       "multiValueHeaders must be an object of header names to arrays of values, got \"x\""},
      {R"({"multiValueHeaders": {"X-A": "1"}})",
       "multiValueHeaders \"X-A\" must be an array of strings, numbers or booleans, got \"1\""},
      {R"({"multiValueHeaders": {"X-A": ["1", null]}})",
       "multiValueHeaders \"X-A\"[1] must be a string, number or boolean, got null"},
      {R"({"multiValueHeaders": {"X-A": [["1"]]}})",
       "multiValueHeaders \"X-A\"[0] must be a string, number or boolean, got [\"1\"]"},
      {R"({"multiValueHeaders": {"X A": ["1"]}})",
       "header name \"X A\" is not a valid HTTP field name (RFC 9110 token characters only)"},
      {R"({"multiValueHeaders": {"X-A": ["\n"]}})",
       "multiValueHeaders \"X-A\"[0] contains a CR, LF or NUL character, which HTTP does not "
       "allow"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.result);
    const Result<HttpResponse> mapped = map_proxy_response(json::parse(c.result), 11);
    REQUIRE_FALSE(mapped.ok());
    CHECK(mapped.error().code == "MalformedLambdaProxyResponse");
    CHECK(mapped.error().message == c.message);
  }
}

TEST_CASE("a long offending value is cut short in the message") {
  const Result<HttpResponse> mapped =
      map_proxy_response(json{{"statusCode", std::string(500, 'x')}}, 11);
  REQUIRE_FALSE(mapped.ok());
  CHECK(mapped.error().message.size() < 200);
  CHECK(mapped.error().message.ends_with("..."));
}

}  // namespace emu::apigw
