#include "emulator/server/browser_guard.h"

#include <doctest/doctest.h>

using namespace emu::server;
namespace http = boost::beast::http;

namespace {

HttpRequest request(http::verb method, std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest r(method, "/emulator/deploy", 11);
  for (const auto& [name, value] : headers) r.set(name, value);
  return r;
}

const BrowserPolicy kPolicy{{"devbox.lan"}, "s3cret"};

}  // namespace

TEST_CASE("browser guard: the AWS CLI, SDKs and emulator deploy (no Origin) pass under any loopback "
          "name, IP address or the --host name") {
  for (const char* host : {"127.0.0.1:3001", "localhost:3001", "LOCALHOST", "[::1]:3001",
                           "app.localhost:3001", "localhost.:3001", "10.1.2.3:3001",
                           "devbox.lan:3001"}) {
    INFO("Host: " << host);
    CHECK_FALSE(browser_refusal(request(http::verb::post, {{"Host", host}}), kPolicy));
    CHECK_FALSE(browser_refusal(request(http::verb::get, {{"Host", host}}), kPolicy));
  }
}

TEST_CASE("browser guard: a Host that is not this emulator's name is refused (DNS rebinding)") {
  for (const char* host : {"evil.example:3001", "localhost.evil.example", ":3001", "devbox.lan.evil"}) {
    INFO("Host: " << host);
    auto reason = browser_refusal(request(http::verb::get, {{"Host", host}}), kPolicy);
    REQUIRE(reason);
    CHECK(reason->starts_with("Host '" + std::string(host) + "' does not name this emulator"));
  }
}

TEST_CASE("browser guard: a foreign Origin is refused, also on the simple POST browsers send "
          "without a preflight") {
  auto reason = browser_refusal(request(http::verb::post, {{"Host", "127.0.0.1:3001"},
                                                           {"Origin", "http://evil.example"},
                                                           {"Content-Type", "text/plain"}}),
                                kPolicy);
  REQUIRE(reason);
  CHECK(*reason ==
        "Origin 'http://evil.example' may not call this endpoint: only the emulator's own "
        "console (http://127.0.0.1:3001) may, and the AWS CLI and SDKs send no Origin "
        "(docs/security.md)");
  // The same machine under another port is another origin too; so is "null" (sandboxed pages).
  CHECK(browser_refusal(request(http::verb::get, {{"Host", "127.0.0.1:3001"},
                                                  {"Origin", "http://127.0.0.1:3000"}}),
                        kPolicy));
  CHECK(browser_refusal(
      request(http::verb::get, {{"Host", "127.0.0.1:3001"}, {"Origin", "null"}}), kPolicy));
}

TEST_CASE("browser guard: a request without Host (HTTP/1.0; browsers always send one) passes") {
  HttpRequest r(http::verb::get, "/emulator/status", 10);
  CHECK_FALSE(browser_refusal(r, kPolicy));
}

TEST_CASE("browser guard: requests a browser marks cross-site are refused even without an Origin") {
  for (const char* site : {"cross-site", "same-site", "Cross-Site"}) {
    INFO("Sec-Fetch-Site: " << site);
    CHECK(browser_refusal(
        request(http::verb::get, {{"Host", "localhost:3001"}, {"Sec-Fetch-Site", site}}), kPolicy));
  }
  CHECK_FALSE(browser_refusal(
      request(http::verb::get, {{"Host", "localhost:3001"}, {"Sec-Fetch-Site", "none"}}), kPolicy));
}

TEST_CASE("browser guard: the console's own page reads freely and changes state only with the "
          "token") {
  const std::vector<std::pair<std::string, std::string>> same_origin = {
      {"Host", "127.0.0.1:3001"}, {"Origin", "http://127.0.0.1:3001"},
      {"Sec-Fetch-Site", "same-origin"}};
  CHECK_FALSE(browser_refusal(request(http::verb::get, same_origin), kPolicy));
  auto without = browser_refusal(request(http::verb::post, same_origin), kPolicy);
  REQUIRE(without);
  CHECK(*without ==
        "a change from a web page needs the emulator's per-run token in X-Emulator-Token, which "
        "only a page the emulator serves itself has (docs/security.md)");
  auto wrong = same_origin;
  wrong.emplace_back("X-Emulator-Token", "guess");
  CHECK(browser_refusal(request(http::verb::post, wrong), kPolicy));
  auto right = same_origin;
  right.emplace_back("X-Emulator-Token", "s3cret");
  CHECK_FALSE(browser_refusal(request(http::verb::post, right), kPolicy));
  // No token configured: no page may change anything.
  CHECK(browser_refusal(request(http::verb::post, right), BrowserPolicy{{}, ""}));
}

TEST_CASE("browser guard: a refused request gets the port's answer and never reaches the handler") {
  struct Counting final : RequestHandler {
    int calls = 0;
    void handle(HttpRequest, const ClientInfo&, Respond respond) override {
      ++calls;
      respond(HttpResponse(http::status::ok, 11));
    }
    HttpResponse rejection(Rejection, unsigned version) override {
      return HttpResponse(http::status::payload_too_large, version);
    }
  };
  auto inner = std::make_shared<Counting>();
  BrowserGuard guard(inner, kPolicy, [](const std::string& reason, unsigned version) {
    HttpResponse response(http::status::forbidden, version);
    response.body() = reason;
    return response;
  });
  std::optional<HttpResponse> answer;
  guard.handle(request(http::verb::post, {{"Host", "evil.example"}}), {"127.0.0.1", 1},
               [&](HttpResponse r) { answer = std::move(r); });
  REQUIRE(answer);
  CHECK(answer->result() == http::status::forbidden);
  CHECK(inner->calls == 0);
  guard.handle(request(http::verb::post, {{"Host", "localhost"}}), {"127.0.0.1", 1},
               [&](HttpResponse r) { answer = std::move(r); });
  CHECK(answer->result() == http::status::ok);
  CHECK(inner->calls == 1);
  CHECK(guard.rejection(Rejection::kBodyTooLarge, 11).result() == http::status::payload_too_large);
}
