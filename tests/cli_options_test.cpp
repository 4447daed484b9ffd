#include "emulator/cli/options.h"

#include <doctest/doctest.h>

using emu::cli::parse_options;

TEST_CASE("command line defaults match SAM CLI's local start-api") {
  auto options = parse_options({});
  REQUIRE(options.ok());
  CHECK(options->template_path == "template.yaml");
  CHECK(options->host == "127.0.0.1");
  CHECK(options->port == 3000);
  CHECK(options->aws_port == 3001);
  CHECK(options->region == "us-east-1");
}

TEST_CASE("--parameter-overrides takes every value up to the next flag") {
  auto options = parse_options({"t.yaml", "--parameter-overrides", "AppVersion=v2",
                                "ParameterKey=Environment,ParameterValue=qa", "--port", "0"});
  REQUIRE(options.ok());
  CHECK(options->template_path == "t.yaml");
  CHECK(options->port == 0);
  REQUIRE(options->parameter_overrides.size() == 2);
  CHECK(options->parameter_overrides[1] == "ParameterKey=Environment,ParameterValue=qa");
}

TEST_CASE("bad command lines are errors that say what is wrong") {
  struct Case {
    std::vector<std::string> arguments;
    const char* message;
  };
  const Case cases[] = {
      {{"--bogus"}, "unknown option --bogus"},
      {{"--port"}, "--port needs a value"},
      {{"--port", "70000"}, "--port 70000: expected a port number from 0 to 65535"},
      {{"--port", "abc"}, "--port abc: expected a port number from 0 to 65535"},
      {{"--parameter-overrides", "--port", "1"}, "--parameter-overrides needs at least one"},
      {{"a.yaml", "b.yaml"}, "unexpected argument b.yaml"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.message);
    auto options = parse_options(c.arguments);
    REQUIRE_FALSE(options.ok());
    CHECK(options.error().message.find(c.message) == 0);
  }
}
