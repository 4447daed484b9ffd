// The real binary on every broken-template fixture in tests/templates/broken/: it prints the
// fixture's exact message ("error: <path as given>:<line>:<column>: ...") and exits with code 2 —
// never a signal, never a timeout — serving nothing. Each fixture's sidecar "<fixture>.expect"
// gives the message on line 1 (its file part being the fixture's name), then "code: <Code>" and
// optionally "overrides: K=V ..." (passed as --parameter-overrides);
// tests/broken_templates_test.cpp checks the scheme and the engine's messages in-process.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "emulator_process.h"

namespace {

namespace fs = std::filesystem;

constexpr int kExitBadInput = 2;
constexpr int kFirstSignalExitCode = 128;  // run_to_exit reports a signal as 128 + signal
constexpr std::size_t kMinimumFixtures = 30;
// A refusal takes tens of milliseconds; a fixture that loads would serve until stopped.
constexpr std::chrono::seconds kRunTimeout(5);
constexpr std::string_view kExpectSuffix = ".expect";

struct Expectation {
  std::string message;                 // line 1
  std::vector<std::string> overrides;  // "overrides: K=V K2=V2"
  std::vector<std::string> warnings;   // "warning: <text>", printed before the error
};

std::string read_bytes(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

Expectation parse_expectation(const std::string& text) {
  Expectation expectation;
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, expectation.message);
  while (std::getline(lines, line)) {
    if (line.starts_with("warning: ")) expectation.warnings.push_back(line.substr(9));
    if (!line.starts_with("overrides: ")) continue;
    std::istringstream words(line.substr(11));
    std::string word;
    while (words >> word) expectation.overrides.push_back(word);
  }
  return expectation;
}

fs::path broken_dir() { return fs::path(it::source_path("tests/templates/broken")); }

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(broken_dir())) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && !name.ends_with(kExpectSuffix)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("every broken-template fixture makes the emulator print its exact error and exit 2") {
  const std::vector<std::string> fixtures = fixture_names();
  REQUIRE(fixtures.size() >= kMinimumFixtures);
  for (const auto& name : fixtures) {
    INFO("fixture: " << name);
    const std::string path = (broken_dir() / name).string();
    const fs::path expect_path = broken_dir() / (name + std::string(kExpectSuffix));
    if (!fs::is_regular_file(expect_path)) {
      FAIL_CHECK("no " << expect_path.filename().string());
      continue;
    }
    const Expectation expectation = parse_expectation(read_bytes(expect_path));
    if (!expectation.message.starts_with(name + ":")) {
      FAIL_CHECK("line 1 of the .expect does not start with \"" << name << ":\"");
      continue;
    }
    // The binary names the template by the path it was given on the command line.
    const std::string expected_line =
        "error: " + path + expectation.message.substr(name.size()) + "\n";

    std::vector<std::string> arguments = {path, "--port", "0", "--aws-port", "0"};
    if (!expectation.overrides.empty()) {
      arguments.push_back("--parameter-overrides");
      arguments.insert(arguments.end(), expectation.overrides.begin(), expectation.overrides.end());
    }
    const auto result = it::run_to_exit(arguments, kRunTimeout);
    CAPTURE(result.stdout_text);
    CAPTURE(result.stderr_text);
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code < kFirstSignalExitCode);
    CHECK(result.exit_code == kExitBadInput);
    CHECK(result.stdout_text.find("listening") == std::string::npos);
    CHECK(result.stdout_text.find("Mounting") == std::string::npos);
    const auto error_at = result.stderr_text.find(expected_line);
    CHECK(error_at != std::string::npos);
    // The warnings that may explain the error come first, in order.
    std::size_t from = 0;
    for (const auto& warning : expectation.warnings) {
      const std::string warning_line =
          "warning: " + path + warning.substr(std::min(warning.size(), name.size())) + "\n";
      INFO("warning: " << warning_line);
      const auto at = result.stderr_text.find(warning_line, from);
      CHECK(at < error_at);
      from = at == std::string::npos ? from : at + warning_line.size();
    }
  }
}
