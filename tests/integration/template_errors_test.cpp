// Start-up failures: a template or command line the emulator cannot serve makes it print where
// the problem is ("error: <file>:<line>:<column>: ...") and exit with code 2, serving nothing.
#include <doctest/doctest.h>

#include <regex>
#include <string>
#include <vector>

#include "emulator_process.h"
#include "templates.h"

namespace {

constexpr int kExitBadInput = 2;

std::string regex_escape(const std::string& text) {
  static const std::regex kSpecial(R"([.^$|()\[\]{}*+?\\])");
  return std::regex_replace(text, kSpecial, R"(\$&)");
}

void check_refused_to_serve(const it::ExitResult& result) {
  CAPTURE(result.stdout_text);
  CAPTURE(result.stderr_text);
  CHECK_FALSE(result.timed_out);
  CHECK(result.exit_code == kExitBadInput);
  CHECK(result.stdout_text.find("API Gateway listening") == std::string::npos);
  CHECK(result.stdout_text.find("Mounting") == std::string::npos);
}

}  // namespace

TEST_CASE("template errors name file, line and column and exit 2") {
  struct Case {
    const char* name;
    int line;
    int column;       // 0: any column
    const char* what; // a word the message must contain
  };
  const Case cases[] = {
      {"timeout-not-an-integer.yaml", 12, 16, "Timeout"},
      {"unknown-handler.yaml", 9, 16, "no-such-handler"},
      {"undefined-ref.yaml", 14, 0, "NoSuchParameter"},
      {"yaml-syntax-error.yaml", 0, 0, ""},
  };
  for (const auto& c : cases) {
    INFO("name: " << std::string(c.name));
    const std::string path = it::test_template(c.name);
    auto result = it::run_to_exit({path, "--port", "0", "--aws-port", "0"});
    check_refused_to_serve(result);
    CAPTURE(result.stderr_text);
    std::string location = "error: " + path + ":";
    if (c.line > 0) location += std::to_string(c.line) + ":";
    if (c.column > 0) location += std::to_string(c.column) + ":";
    CHECK(result.stderr_text.find(location) != std::string::npos);
    // Whatever the case, the message carries a line and a column.
    CHECK(std::regex_search(result.stderr_text,
                            std::regex("error: " + regex_escape(path) + R"(:\d+:\d+: )")));
    CHECK(result.stderr_text.find(c.what) != std::string::npos);
  }
}

TEST_CASE("bad parameter overrides are refused with exit code 2") {
  struct Case {
    const char* override_argument;
    const char* what;  // the message must name it
  };
  const Case cases[] = {
      {"NoSuchParameter=1", "NoSuchParameter"},         // not declared by the template
      {"AppVersion", "AppVersion"},                     // neither K=V nor SAM's form
      {"PostTrafficHookResult=Maybe", "PostTrafficHookResult"},  // not in AllowedValues
  };
  for (const auto& c : cases) {
    INFO("override_argument: " << std::string(c.override_argument));
    auto result = it::run_to_exit({it::seed_template(), "--port", "0", "--aws-port", "0",
                                   "--parameter-overrides", c.override_argument});
    check_refused_to_serve(result);
    CAPTURE(result.stderr_text);
    CHECK(result.stderr_text.rfind("error: ", 0) == 0);
    CHECK(result.stderr_text.find(c.what) != std::string::npos);
  }
}

TEST_CASE("a value outside AllowedValues points at the parameter's declaration") {
  const std::string path = it::seed_template();
  auto result = it::run_to_exit({path, "--port", "0", "--aws-port", "0", "--parameter-overrides",
                                 "PostTrafficHookResult=Maybe"});
  check_refused_to_serve(result);
  CAPTURE(result.stderr_text);
  // template.yaml declares PostTrafficHookResult on lines 17 to 21.
  std::smatch match;
  REQUIRE(std::regex_search(result.stderr_text, match, std::regex(R"(template\.yaml:(\d+):\d+: )")));
  int line = std::stoi(match[1].str());
  CHECK(line >= 17);
  CHECK(line <= 21);
}

TEST_CASE("unknown flags and bad option values print usage and exit 2") {
  struct Case {
    std::vector<std::string> arguments;
    const char* what;
  };
  const Case cases[] = {
      {{"--bogus"}, "unknown option --bogus"},
      {{"--port", "not-a-port"}, "--port"},
      {{"--port", "70000"}, "--port"},
      {{"--port"}, "--port needs a value"},
      {{"--parameter-overrides"}, "--parameter-overrides"},
      {{"one.yaml", "two.yaml"}, "two.yaml"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> arguments = c.arguments;
    INFO("what: " << std::string(c.what));
    auto result = it::run_to_exit(arguments);
    check_refused_to_serve(result);
    CAPTURE(result.stderr_text);
    CHECK(result.stderr_text.find(c.what) != std::string::npos);
    CHECK(result.stderr_text.find("usage: emulator") != std::string::npos);
  }
}

TEST_CASE("an unreadable --env-vars file is refused with exit code 2") {
  const std::string missing = it::source_path("tests/templates/no-such-env-vars.json");
  auto result = it::run_to_exit(
      {it::seed_template(), "--port", "0", "--aws-port", "0", "--env-vars", missing});
  check_refused_to_serve(result);
  CAPTURE(result.stderr_text);
  CHECK(result.stderr_text.find("no-such-env-vars.json") != std::string::npos);
}
