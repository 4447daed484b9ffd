// The broken-template fixtures: every file in tests/templates/broken/ is a template the engine must
// refuse, and its sidecar "<fixture>.expect" says exactly how. The scheme, the same for every
// fixture (an empty file or binary junk cannot carry a comment, so none does):
//
//   line 1            the exact message, its file part being the fixture's own name, e.g.
//                     "empty.yaml:1:1: the template is empty; ..."
//   code: <Code>      the Error's code (TemplateError, ParameterError)
//   overrides: K=V …  optional: --parameter-overrides arguments to load it with
//   warning: <text>   optional, in order: each warning found before the error, which the
//                     emulator prints before it (its file part the fixture's name, as line 1's)
//
// A fixture without a .expect, a .expect without its fixture or a .expect that is not of this form
// fails the test, as does a fixture that loads or is refused in other words.
// tests/integration/broken_templates_test.cpp runs the real binary on the same fixtures.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "emulator/template/loader.h"

namespace {

namespace fs = std::filesystem;

fs::path broken_dir() { return fs::path(TEST_SOURCE_DIR) / "templates" / "broken"; }
constexpr std::size_t kMinimumFixtures = 30;
constexpr std::string_view kExpectSuffix = ".expect";

struct Expectation {
  std::string message;
  std::string code;
  std::vector<std::string> overrides;
  std::vector<std::string> warnings;
  std::string problem;  // non-empty: the .expect file is not of the expected form
};

std::string read_bytes(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

Expectation parse_expectation(const std::string& text) {
  Expectation expectation;
  std::istringstream lines(text);
  std::string line;
  if (!std::getline(lines, line) || line.empty()) {
    expectation.problem = "line 1 must be the exact message";
    return expectation;
  }
  expectation.message = line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    if (line.starts_with("code: ")) {
      expectation.code = line.substr(6);
    } else if (line.starts_with("overrides: ")) {
      std::istringstream words(line.substr(11));
      std::string word;
      while (words >> word) expectation.overrides.push_back(word);
    } else if (line.starts_with("warning: ")) {
      expectation.warnings.push_back(line.substr(9));
    } else {
      expectation.problem =
          "unknown line \"" + line + "\"; expected code:, overrides: or warning:";
    }
  }
  if (expectation.code.empty() && expectation.problem.empty())
    expectation.problem = "no \"code: <Code>\" line";
  return expectation;
}

bool is_expectation(const std::string& name) { return name.ends_with(kExpectSuffix); }

// Names of the regular files in the folder, sorted.
std::vector<std::string> folder_entries() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(broken_dir()))
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> fixture_names() {
  std::vector<std::string> names = folder_entries();
  std::erase_if(names, is_expectation);
  return names;
}

}  // namespace

TEST_SUITE_BEGIN("template");

TEST_CASE("template: broken fixtures: at least 30, each with a well-formed .expect naming it") {
  REQUIRE(fs::is_directory(broken_dir()));
  const std::vector<std::string> entries = folder_entries();
  const std::vector<std::string> fixtures = fixture_names();
  CHECK(fixtures.size() >= kMinimumFixtures);
  for (const auto& name : fixtures) {
    INFO("fixture: " << name);
    const fs::path expect_path = broken_dir() / (name + std::string(kExpectSuffix));
    if (!fs::is_regular_file(expect_path)) {
      FAIL_CHECK("no " << expect_path.filename().string());
      continue;
    }
    const Expectation expectation = parse_expectation(read_bytes(expect_path));
    CHECK_MESSAGE(expectation.problem.empty(), expectation.problem);
    // The message's file part is the fixture's own name, followed by its position.
    CHECK(expectation.message.starts_with(name + ":"));
  }
  for (const auto& name : entries) {
    if (!is_expectation(name)) continue;
    INFO("expectation: " << name);
    const std::string fixture = name.substr(0, name.size() - kExpectSuffix.size());
    CHECK_MESSAGE(std::find(fixtures.begin(), fixtures.end(), fixture) != fixtures.end(),
                  "no fixture " << fixture);
  }
}

TEST_CASE("template: every broken fixture is refused with exactly the message its .expect gives") {
  const std::vector<std::string> fixtures = fixture_names();
  REQUIRE(fixtures.size() >= kMinimumFixtures);
  for (const auto& name : fixtures) {
    INFO("fixture: " << name);
    const fs::path path = broken_dir() / name;
    const fs::path expect_path = broken_dir() / (name + std::string(kExpectSuffix));
    const Expectation expectation = parse_expectation(read_bytes(expect_path));
    if (!fs::is_regular_file(expect_path) || !expectation.problem.empty() ||
        !expectation.message.starts_with(name + ":")) {
      FAIL_CHECK("no well-formed " << expect_path.filename().string());
      continue;
    }
    CAPTURE(expectation.message);
    // The overrides as the command line gives them.
    auto overrides = emu::tmpl::parse_parameter_overrides(expectation.overrides);
    if (!overrides.ok()) {
      FAIL_CHECK("bad overrides: " << overrides.error().message);
      continue;
    }

    // From memory, named by the fixture's name: the message is the .expect's, byte for byte.
    emu::tmpl::LoadOptions from_string;
    from_string.stack_name = "broken";  // what the emulator derives from the fixture's folder
    from_string.parameter_overrides = overrides.value();
    std::vector<std::string> warnings;
    auto loaded =
        emu::tmpl::load_stack_from_string(read_bytes(path), name, from_string, &warnings);
    if (loaded.ok()) {
      FAIL_CHECK("the broken template loaded");
    } else {
      CHECK(loaded.error().message == expectation.message);
      CHECK(loaded.error().code == expectation.code);
      CHECK(warnings == expectation.warnings);
    }

    // From the file, as the emulator loads it: the same message, under the path given.
    emu::tmpl::LoadOptions from_file;
    from_file.template_path = path.string();
    from_file.parameter_overrides = overrides.value();
    std::vector<std::string> warnings_from_file;
    auto read = emu::tmpl::load_stack(from_file, &warnings_from_file);
    if (read.ok()) {
      FAIL_CHECK("the broken template loaded from its file");
    } else {
      CHECK(read.error().message == path.string() + expectation.message.substr(name.size()));
      CHECK(read.error().code == expectation.code);
    }
  }
}

TEST_SUITE_END();
