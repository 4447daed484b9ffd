// --env-vars (SAM CLI's file): a function's own entry and "Parameters" override variables the
// template declares, the function's entry winning; variables the template does not declare are
// ignored, as SAM CLI ignores them.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "emulator_process.h"
#include "http_client.h"
#include "local_http_server.h"
#include "temp_file.h"
#include "templates.h"

namespace {

using nlohmann::json;

std::string version_at(const it::EmulatorProcess& emulator, const std::string& path) {
  auto response = it::get(emulator.url(path));
  REQUIRE(response.status == 200);
  return json::parse(response.body).value("version", "");
}

}  // namespace

TEST_CASE("env-vars file overrides declared variables per function and for all functions") {
  struct Case {
    const char* description;
    json file;
    const char* whodis_version;
    const char* oleoleole_version;
  };
  const Case cases[] = {
      {"a function's own entry", json{{"WhoDisFunction", {{"APP_VERSION", "from-file"}}}},
       "from-file", "v1"},
      {"Parameters applies to every function", json{{"Parameters", {{"APP_VERSION", "all"}}}},
       "all", "all"},
      {"the function's entry wins over Parameters",
       json{{"Parameters", {{"APP_VERSION", "all"}}},
            {"OleOleOleFunction", {{"APP_VERSION", "mine"}}}},
       "all", "mine"},
      {"a number is passed as its text", json{{"WhoDisFunction", {{"APP_VERSION", 42}}}}, "42",
       "v1"},
      {"an entry for an unknown function changes nothing",
       json{{"NoSuchFunction", {{"APP_VERSION", "x"}}}}, "v1", "v1"},
  };
  for (const auto& c : cases) {
    INFO("description: " << std::string(c.description));
    it::TempFile env_vars(c.file.dump(), ".json");
    it::EmulatorProcess emulator(it::seed_template(), {"--env-vars", env_vars.path()});
    CHECK(version_at(emulator, "/Prod/whodis") == c.whodis_version);
    CHECK(version_at(emulator, "/dev/oleoleole") == c.oleoleole_version);
  }
}

TEST_CASE("env-vars file sets CHECKIP_URL only where the template declares it") {
  it::LocalHttpServer check_ip(200, "203.0.113.7\n");
  it::TempFile env_vars(json{{"WhoDisFunction", {{"CHECKIP_URL", check_ip.url()}}}}.dump(),
                        ".json");

  SUBCASE("declared (tests/templates/faults.yaml): whodis calls the service") {
    it::EmulatorProcess emulator(it::test_template("faults.yaml"), {"--env-vars", env_vars.path()});
    auto response = it::get(emulator.url("/whodis"));
    REQUIRE(response.status == 200);
    CHECK(json::parse(response.body).value("location", "") == "203.0.113.7");
    CHECK(check_ip.requests_received() == 1);
  }
  SUBCASE("not declared (template.yaml): the override is ignored") {
    it::EmulatorProcess emulator(it::seed_template(), {"--env-vars", env_vars.path()});
    auto response = it::get(emulator.url("/whodis"));
    REQUIRE(response.status == 200);
    CHECK(json::parse(response.body).value("location", "") == "127.0.0.1");
    CHECK(check_ip.requests_received() == 0);
  }
}

TEST_CASE("a malformed env-vars file is refused with exit code 2") {
  struct Case {
    const char* description;
    const char* contents;
    const char* what;  // the message names it
  };
  const Case cases[] = {
      {"not JSON", "{not json", "error: "},
      {"a function entry that is not an object", R"({"WhoDisFunction": "v9"})", "WhoDisFunction"},
      {"a value that is an object", R"({"WhoDisFunction": {"APP_VERSION": {"a": 1}}})",
       "APP_VERSION"},
  };
  for (const auto& c : cases) {
    INFO("description: " << std::string(c.description));
    it::TempFile env_vars(c.contents, ".json");
    auto result = it::run_to_exit(
        {it::seed_template(), "--port", "0", "--aws-port", "0", "--env-vars", env_vars.path()});
    CAPTURE(result.stderr_text);
    CHECK(result.exit_code == 2);
    CHECK(result.stdout_text.find("API Gateway listening") == std::string::npos);
    CHECK(result.stderr_text.find(env_vars.path()) != std::string::npos);
    CHECK(result.stderr_text.find(c.what) != std::string::npos);
  }
}
