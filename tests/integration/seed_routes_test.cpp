// The seed application (template.yaml) served end to end: both functions at the root and at their
// stage URLs, the start-up report, and a clean stop on SIGTERM.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "emulator_process.h"
#include "http_client.h"
#include "templates.h"

namespace {

using nlohmann::json;

constexpr const char* kWhodisMessage = "Whoop whoop! This is the sound of the Python";
constexpr const char* kOleoleoleMessage = "Feelin' hot hot hot!";

}  // namespace

TEST_CASE("seed routes answer their greetings at the root and at their stage URLs") {
  it::EmulatorProcess emulator(it::seed_template());
  struct Case {
    const char* path;
    const char* message;
  };
  const Case cases[] = {
      {"/whodis", kWhodisMessage},         {"/whodis/", kWhodisMessage},
      {"/Prod/whodis", kWhodisMessage},    {"/Prod/whodis/", kWhodisMessage},
      {"/oleoleole", kOleoleoleMessage},   {"/oleoleole/", kOleoleoleMessage},
      {"/dev/oleoleole", kOleoleoleMessage}, {"/dev/oleoleole/", kOleoleoleMessage},
  };
  for (const auto& c : cases) {
    INFO("path: " << std::string(c.path));
    auto response = it::get(emulator.url(c.path));
    CHECK(response.status == 200);
    CHECK(response.header("Content-Type") == "application/json");
    CHECK(json::parse(response.body) ==
          json{{"message", c.message}, {"version", "v1"}, {"location", "127.0.0.1"}});
    CHECK_FALSE(response.header("x-amzn-RequestId").empty());
    CHECK_FALSE(response.header("x-amz-apigw-id").empty());
  }
}

TEST_CASE("whodis body is byte for byte the Python application's") {
  it::EmulatorProcess emulator(it::seed_template());
  auto response = it::get(emulator.url("/Prod/whodis"));
  CHECK(response.status == 200);
  CHECK(response.body ==
        R"({"message":"Whoop whoop! This is the sound of the Python","version":"v1","location":"127.0.0.1"})");
}

TEST_CASE("start-up report lists every mounted route and the outputs' local URLs") {
  it::EmulatorProcess emulator(it::seed_template());
  const std::string out = emulator.stdout_text();
  const std::string base = emulator.base_url();
  const std::string expected[] = {
      "Mounting WhoDisFunction at " + base + "/whodis [GET]",
      "Mounting WhoDisFunction at " + base + "/Prod/whodis [GET]",
      "Mounting OleOleOleFunction at " + base + "/oleoleole [GET]",
      "Mounting OleOleOleFunction at " + base + "/dev/oleoleole [GET]",
      "Outputs:",
      "(local: " + base + "/Prod/whodis/)",
      "(local: " + base + "/dev/oleoleole/)",
  };
  for (const auto& line : expected) {
    CAPTURE(line);
    CHECK(out.find(line) != std::string::npos);
  }
  CAPTURE(out);
  // Everything is reported before the emulator says it is ready.
  CHECK(out.find("Outputs:") < out.find("API Gateway listening on " + base));
}

TEST_CASE("SIGTERM stops the emulator with exit code 0 and closes its port") {
  it::EmulatorProcess emulator(it::seed_template());
  REQUIRE(it::get(emulator.url("/whodis")).status == 200);
  const std::string url = emulator.url("/whodis");
  CHECK(emulator.stop() == 0);
  CHECK(emulator.stdout_text().find("Received SIGTERM: no new connections") != std::string::npos);
  CHECK(emulator.stdout_text().find("Stopped: served 1 HTTP responses, 1 invocations") !=
        std::string::npos);
  CHECK_THROWS(it::request("GET", url, {}, {}, std::chrono::seconds(2)));
}
