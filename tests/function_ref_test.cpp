#include "emulator/lambda/model/function_ref.h"

#include <doctest/doctest.h>

using emu::lambda::parse_function_ref;

TEST_CASE("every name format Lambda accepts gives the name and qualifier") {
  struct Case {
    const char* text;
    const char* query;
    const char* name;
    const char* qualifier;
  };
  const Case cases[] = {
      {"my-function", "", "my-function", ""},
      {"my-function:live", "", "my-function", "live"},
      {"my-function", "7", "my-function", "7"},
      {"my-function:$LATEST", "", "my-function", "$LATEST"},
      {"123456789012:function:my-function", "", "my-function", ""},
      {"123456789012:function:my-function:3", "", "my-function", "3"},
      {"arn:aws:lambda:us-east-1:123456789012:function:my-function", "", "my-function", ""},
      {"arn:aws:lambda:us-east-1:123456789012:function:my-function:live", "live", "my-function",
       "live"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto ref = parse_function_ref(c.text, c.query);
    REQUIRE(ref.ok());
    CHECK(ref->name == c.name);
    CHECK(ref->qualifier == c.qualifier);
  }
}

TEST_CASE("malformed names and conflicting qualifiers are errors as Lambda reports them") {
  struct Case {
    const char* text;
    const char* query;
    const char* code;
  };
  const Case cases[] = {
      {"", "", "ValidationException"},
      {"bad name!", "", "ValidationException"},
      {"fn:", "", "ValidationException"},
      {"a:b:c", "", "ValidationException"},
      {"arn:aws:s3:us-east-1:123456789012:function:fn", "", "ValidationException"},
      {"fn:1", "2", "InvalidParameterValueException"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto ref = parse_function_ref(c.text, c.query);
    REQUIRE_FALSE(ref.ok());
    CHECK(ref.error().code == c.code);
  }
}
