// functions/runtime/json_text.h: parse_json and dump_json give what nlohmann's parse and dump give,
// on their fast path and off it.
#include "runtime/json_text.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using lambda_runtime::dump_json;
using lambda_runtime::parse_json;
using nlohmann::json;

namespace {

// Same value, same types all the way down (1 as unsigned vs integer), same text when dumped.
void check_parse(const std::string& text) {
  CAPTURE(text);
  json expected = json::parse(text, nullptr, false);
  json actual = parse_json(text);
  CHECK(actual.is_discarded() == expected.is_discarded());
  if (expected.is_discarded()) return;
  CHECK(actual == expected);
  CHECK(actual.dump() == expected.dump());
  // The types, which == does not tell apart for numbers.
  std::vector<std::pair<const json*, const json*>> stack{{&actual, &expected}};
  while (!stack.empty()) {
    auto [a, e] = stack.back();
    stack.pop_back();
    REQUIRE(a->type() == e->type());
    if (a->is_structured()) {
      REQUIRE(a->size() == e->size());
      auto ia = a->begin();
      for (auto ie = e->begin(); ie != e->end(); ++ie, ++ia) stack.emplace_back(&*ia, &*ie);
    }
  }
}

void check_dump(const json& value) {
  CAPTURE(value.dump(-1, ' ', false, json::error_handler_t::replace));
  std::string expected;
  bool expected_throws = false;
  try {
    expected = value.dump();
  } catch (const json::type_error&) {
    expected_throws = true;
  }
  if (expected_throws) {
    CHECK_THROWS_AS(dump_json(value), json::type_error);
    return;
  }
  CHECK(dump_json(value) == expected);
  std::string appended = "x";
  dump_json(value, appended);
  CHECK(appended == "x" + expected);
}

}  // namespace

TEST_CASE("parse_json: the same values as nlohmann::json::parse") {
  const std::vector<std::string> texts = {
      "{}", "[]", "null", "true", "false", "0", "-0", "7", "-7", "\"\"", "\"a\"",
      R"({"a":1,"b":[1,2,{"c":null}],"d":"e","f":true,"g":false})",
      " \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } } \n",
      R"({"resource":"/whodis","path":"/whodis","httpMethod":"GET","headers":{"Host":"127.0.0.1:3000","User-Agent":"curl/7.88.1"},"multiValueHeaders":{"Host":["127.0.0.1:3000"]},"queryStringParameters":null,"body":null,"isBase64Encoded":false,"requestContext":{"requestTimeEpoch":1700000000000,"identity":{"sourceIp":"127.0.0.1"}}})",
      R"({"a":1,"a":2})",                                   // the last of a repeated key
      R"("esc \" \\ \/ \b \f \n \r \t \u0041 \u00e9 \u20ac \ud83d\ude00 \u0000")",
      "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"",      // UTF-8 as is
      "18446744073709551615", "18446744073709551616",    // the largest unsigned, then a float
      "-9223372036854775808", "-9223372036854775809",    // the smallest integer, then a float
      "1.5", "-2.25e3", "1e400", "[1.0,2]", R"({"x":0.1})",
      // Not JSON (nlohmann discards them), or not on the fast path.
      "", " ", "{", "}", "[1,]", "{\"a\":}", "{\"a\" 1}", "{a:1}", "01", "-", "+1", "1.", ".5",
      "tru", "nul", "[1 2]", "{} x", "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"",
      "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"", "\"tab\there\"",
      "\"\xC3\"", "\"\xC0\xAF\"", "\"\xED\xA0\x80\"", "\"\xF4\x90\x80\x80\"", "\"\xFF\"",
      "\xEF\xBB\xBF{\"bom\":1}", "[[[[[[[[[[1]]]]]]]]]]", "{\"a\":[]}", "[{},[],\"\"]",
  };
  for (const auto& text : texts) check_parse(text);

  std::string deep(1000, '[');
  deep += std::string(1000, ']');
  check_parse(deep);  // deeper than the fast path goes
}

TEST_CASE("dump_json: the same text as nlohmann's dump()") {
  check_dump(json());
  check_dump(json::object());
  check_dump(json::array());
  check_dump(true);
  check_dump(false);
  check_dump(0);
  check_dump(-12);
  check_dump(static_cast<std::uint64_t>(18446744073709551615ULL));
  check_dump(static_cast<std::int64_t>(-9223372036854775807LL - 1));
  check_dump(1.5);
  check_dump(0.1);
  check_dump(std::nan(""));
  check_dump(json{{"statusCode", 200}, {"body", "{\"message\":\"hi\"}"}, {"headers", {{"a", "b"}}}});
  check_dump(json{{"ratio", 0.5}, {"n", 1}});  // a float anywhere: nlohmann's writer
  std::string controls;
  for (int c = 0; c < 0x20; ++c) controls.push_back(static_cast<char>(c));
  controls += "\"\\/\x7F";
  check_dump(controls);
  check_dump(json{{controls, controls}});
  check_dump("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  check_dump("caf\xE9");                  // not UTF-8: type_error 316, as nlohmann throws
  check_dump(json{{"k", {1, "\xC0\xAF"}}});
  check_dump(json::binary({1, 2, 3}));
  json deep = 1;
  for (int i = 0; i < 600; ++i) deep = json::array({deep});
  check_dump(deep);
}

TEST_CASE("dump_json: an ordered_json keeps insertion order, as its dump() does") {
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  body["message"] = "Whoop whoop!";
  body["version"] = "v1";
  body["location"] = "127.0.0.1";
  body["zero"] = nlohmann::ordered_json{{"b", 1}, {"a", {true, nullptr}}};
  CHECK(dump_json(body) == body.dump());
  CHECK(dump_json(body).find("\"message\"") < dump_json(body).find("\"location\""));
  body["ratio"] = 0.25;  // off the fast path
  CHECK(dump_json(body) == body.dump());
  body["bad"] = "caf\xE9";
  CHECK_THROWS_AS(dump_json(body), nlohmann::ordered_json::type_error);
}

TEST_CASE("parse_json and dump_json: a proxy event goes round unchanged") {
  const std::string text =
      R"({"body":null,"headers":{"Accept":"*/*","Host":"127.0.0.1:3000"},"httpMethod":"GET","isBase64Encoded":false,"multiValueHeaders":{"Accept":["*/*"],"Host":["127.0.0.1:3000"]},"multiValueQueryStringParameters":null,"path":"/whodis","pathParameters":null,"queryStringParameters":null,"requestContext":{"accountId":"123456789012","requestTimeEpoch":1764471600000},"resource":"/whodis","stageVariables":null})";
  auto value = parse_json(text);
  CHECK(dump_json(value) == text);
  CHECK(value == json::parse(text));
}
