// whodis with CHECKIP_URL: it GETs the URL (2 s limit) and reports the trimmed body as its
// location; when the call fails API Gateway answers 502. The check-IP service is a local server.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "emulator_process.h"
#include "http_client.h"
#include "local_http_server.h"
#include "templates.h"

namespace {

using nlohmann::json;

std::vector<std::string> check_ip_override(const std::string& url) {
  return {"--parameter-overrides", "CheckIpUrl=" + url};
}

}  // namespace

TEST_CASE("whodis reports the check-IP service's trimmed answer as its location") {
  it::LocalHttpServer check_ip(200, "203.0.113.7\n");
  it::EmulatorProcess emulator(it::test_template("faults.yaml"), check_ip_override(check_ip.url()));
  auto response = it::get(emulator.url("/Prod/whodis"));
  CHECK(response.status == 200);
  CHECK(json::parse(response.body) == json{{"message", "Whoop whoop! This is the sound of the Python"},
                                           {"version", "faults"},
                                           {"location", "203.0.113.7"}});
  CHECK(check_ip.requests_received() == 1);
}

TEST_CASE("whodis without CHECKIP_URL reports the caller's source IP without calling out") {
  it::LocalHttpServer check_ip(200, "203.0.113.7\n");
  it::EmulatorProcess emulator(it::test_template("faults.yaml"));  // CheckIpUrl defaults to ""
  auto response = it::get(emulator.url("/whodis"));
  CHECK(response.status == 200);
  CHECK(json::parse(response.body).value("location", "") == "127.0.0.1");
  CHECK(check_ip.requests_received() == 0);
}

TEST_CASE("a failing check-IP call answers 502 Internal server error") {
  it::LocalHttpServer failing(500, "upstream broke\n");
  it::ClosedPort refusing;
  struct Case {
    const char* description;
    std::string url;
  };
  const Case cases[] = {
      {"the service answers 500", failing.url()},
      {"nothing listens on the port", refusing.url()},
  };
  for (const auto& c : cases) {
    INFO("description: " << std::string(c.description));
    it::EmulatorProcess emulator(it::test_template("faults.yaml"), check_ip_override(c.url));
    auto response = it::get(emulator.url("/whodis"));
    CHECK(response.status == 502);
    CHECK(json::parse(response.body) == json{{"message", "Internal server error"}});
    CHECK(response.header("x-amzn-ErrorType") == "InternalServerErrorException");
    // The emulator says why, naming the function.
    CHECK(emulator.child().wait_for_stderr_text("WhoDisFunction", std::chrono::seconds(2)));
    CAPTURE(emulator.stderr_text());
    CHECK(emulator.stderr_text().find("CheckIpError") != std::string::npos);
  }
  CHECK(failing.requests_received() == 1);
}
