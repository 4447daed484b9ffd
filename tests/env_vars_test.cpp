#include "emulator/lambda/model/env_vars.h"

#include <doctest/doctest.h>

using emu::lambda::apply_env_vars;
using emu::lambda::parse_env_vars;

TEST_CASE("env-vars file overrides only variables the template declares") {
  auto file = parse_env_vars(
      R"({"Parameters": {"APP_VERSION": "p", "SHARED": 7},
          "WhoDisFunction": {"APP_VERSION": "w", "NEW_ONE": "x"},
          "CodeDeployHook_preTrafficHook": {"APP_VERSION": "h"}})",
      "env.json");
  REQUIRE(file.ok());
  std::map<std::string, std::string> declared = {{"APP_VERSION", "v1"}, {"SHARED", "s"}};

  auto whodis = apply_env_vars(file.value(), "WhoDisFunction", "stack-WhoDis-X", declared);
  CHECK(whodis.at("APP_VERSION") == "w");   // the function's own entry wins over Parameters
  CHECK(whodis.at("SHARED") == "7");        // numbers become their JSON text
  CHECK(whodis.count("NEW_ONE") == 0);      // undeclared: not added, as SAM CLI

  auto hook = apply_env_vars(file.value(), "PreHook", "CodeDeployHook_preTrafficHook", declared);
  CHECK(hook.at("APP_VERSION") == "h");     // by FunctionName too

  auto other = apply_env_vars(file.value(), "Other", "other", declared);
  CHECK(other.at("APP_VERSION") == "p");
}

TEST_CASE("env-vars file errors name the file, the key and what was expected") {
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"{", "env.json: not valid JSON"},
      {"[1]", "env.json: expected a JSON object"},
      {R"({"Fn": 3})", "env.json: \"Fn\" must map to an object of variables"},
      {R"({"Fn": {"A": [1]}})", "env.json: \"Fn\".A must be a string, number or boolean, got array"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto result = parse_env_vars(c.text, "env.json");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message.find(c.expected) == 0);
  }
}
