// --parameter-overrides against the seed template: AppVersion reaches every function's
// APP_VERSION, Environment renames OleoleoleApi's stage; both of SAM CLI's syntaxes are accepted.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emulator_process.h"
#include "http_client.h"
#include "templates.h"

namespace {

using nlohmann::json;

struct Expectation {
  const char* path;
  long status;
  const char* version;  // of a 200 body; nullptr for an error
};

struct Case {
  const char* description;
  std::vector<std::string> overrides;
  std::vector<Expectation> expectations;
};

}  // namespace

TEST_CASE("parameter overrides change the version and the oleoleole stage") {
  const Case cases[] = {
      {"AppVersion in Key=Value form",
       {"AppVersion=v9"},
       {{"/whodis", 200, "v9"}, {"/Prod/whodis", 200, "v9"}, {"/dev/oleoleole", 200, "v9"}}},
      {"AppVersion in SAM's ParameterKey/ParameterValue form",
       {"ParameterKey=AppVersion,ParameterValue=v9"},
       {{"/Prod/whodis", 200, "v9"}, {"/oleoleole", 200, "v9"}}},
      {"a value containing '='",
       {"AppVersion=build=42"},
       {{"/Prod/whodis", 200, "build=42"}}},
      {"Environment moves oleoleole to the qa stage",
       {"Environment=qa"},
       {{"/qa/oleoleole", 200, "v1"},
        {"/qa/oleoleole/", 200, "v1"},
        {"/oleoleole", 200, "v1"},
        {"/dev/oleoleole", 403, nullptr},
        {"/Prod/whodis", 200, "v1"},
        {"/qa/whodis", 403, nullptr}}},
      {"Environment in SAM's form",
       {"ParameterKey=Environment,ParameterValue=qa"},
       {{"/qa/oleoleole", 200, "v1"}, {"/dev/oleoleole", 403, nullptr}}},
      {"two overrides after one flag",
       {"AppVersion=v9", "Environment=qa"},
       {{"/qa/oleoleole", 200, "v9"}, {"/Prod/whodis", 200, "v9"}, {"/dev/oleoleole", 403, nullptr}}},
      {"no overrides: the defaults",
       {},
       {{"/dev/oleoleole", 200, "v1"}, {"/qa/oleoleole", 403, nullptr}}},
  };
  for (const auto& c : cases) {
    INFO("description: " << std::string(c.description));
    std::vector<std::string> arguments;
    if (!c.overrides.empty()) {
      arguments.push_back("--parameter-overrides");
      arguments.insert(arguments.end(), c.overrides.begin(), c.overrides.end());
    }
    it::EmulatorProcess emulator(it::seed_template(), arguments);
    for (const auto& expectation : c.expectations) {
      INFO("path: " << std::string(expectation.path));
      auto response = it::get(emulator.url(expectation.path));
      CHECK(response.status == expectation.status);
      if (expectation.version != nullptr && response.status == 200) {
        auto body = json::parse(response.body);
        CHECK(body.value("version", "") == expectation.version);
      } else if (expectation.version == nullptr) {
        CHECK(json::parse(response.body) == json{{"message", "Missing Authentication Token"}});
      }
    }
  }
}

TEST_CASE("overridden Environment appears in the start-up report's mount lines") {
  it::EmulatorProcess emulator(it::seed_template(), {"--parameter-overrides", "Environment=qa"});
  const std::string out = emulator.stdout_text();
  CAPTURE(out);
  CHECK(out.find("Mounting OleOleOleFunction at " + emulator.base_url() + "/qa/oleoleole [GET]") !=
        std::string::npos);
  CHECK(out.find(emulator.base_url() + "/dev/oleoleole") == std::string::npos);
}
