// --aws-port closed to other web pages (docs/security.md), on the real binary over raw sockets:
// a cross-site "simple" POST, a DNS-rebinding Host and a cross-site GET are refused with nothing
// changed, while clients that send no Origin (curl here, the AWS CLI in lambda_cli_test.cpp) keep
// working.
#include <doctest/doctest.h>

#include <cctype>

#include "aws_cli.h"
#include "raw_connection.h"
#include "templates.h"

namespace {

std::string send_raw(std::uint16_t port, const std::string& request) {
  it::RawConnection connection(port);
  connection.send(request);
  return connection.read_all();
}

std::string status_line(const std::string& response) { return response.substr(0, response.find('\r')); }

// How many versions WhoDisFunction has, read the way the AWS CLI does (no Origin).
std::size_t whodis_versions(std::uint16_t port) {
  auto response = send_raw(port,
                           "GET /2015-03-31/functions/WhoDisFunction/versions HTTP/1.1\r\n"
                           "Host: 127.0.0.1\r\nConnection: close\r\n\r\n");
  REQUIRE(status_line(response) == "HTTP/1.1 200 OK");
  auto body = nlohmann::json::parse(response.substr(response.find("\r\n\r\n") + 4));
  return body.at("Versions").size();
}

}  // namespace

TEST_CASE("a cross-site simple POST to /emulator/deploy is refused and deploys nothing") {
  it::EmulatorProcess emulator(it::seed_template());
  const auto port = it::aws_port_of(emulator);
  const auto versions = whodis_versions(port);
  const std::string body = R"({"parameterOverrides":["AppVersion=v2"]})";
  auto response = send_raw(port, "POST /emulator/deploy HTTP/1.1\r\nHost: 127.0.0.1:" +
                                     std::to_string(port) +
                                     "\r\nOrigin: http://evil.example\r\nContent-Type: text/plain"
                                     "\r\nContent-Length: " + std::to_string(body.size()) +
                                     "\r\nConnection: close\r\n\r\n" + body);
  CHECK(status_line(response) == "HTTP/1.1 403 Forbidden");
  CHECK(response.find("x-amzn-ErrorType: AccessDeniedException") != std::string::npos);
  CHECK(response.find("Origin 'http://evil.example' may not call this endpoint") !=
        std::string::npos);
  CHECK(whodis_versions(port) == versions);  // nothing was published
}

TEST_CASE("a request under a rebinding Host name cannot read /emulator/status or invoke") {
  it::EmulatorProcess emulator(it::seed_template());
  const auto port = it::aws_port_of(emulator);
  auto status = send_raw(port, "GET /emulator/status HTTP/1.1\r\nHost: evil.example:" +
                                   std::to_string(port) + "\r\nConnection: close\r\n\r\n");
  CHECK(status_line(status) == "HTTP/1.1 403 Forbidden");
  CHECK(status.find("\"deployments\"") == std::string::npos);
  CHECK(status.find("Host 'evil.example:" + std::to_string(port) + "' does not name this emulator") !=
        std::string::npos);
  auto invoke = send_raw(port,
                         "POST /2015-03-31/functions/WhoDisFunction/invocations HTTP/1.1\r\n"
                         "Host: evil.example\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
  CHECK(status_line(invoke) == "HTTP/1.1 403 Forbidden");
  CHECK(emulator.stdout_text().find("START RequestId") == std::string::npos);  // never invoked
}

TEST_CASE("a GET a browser marks cross-site is refused; the same GET without browser headers is "
          "served") {
  it::EmulatorProcess emulator(it::seed_template());
  const auto port = it::aws_port_of(emulator);
  auto refused = send_raw(port, "GET /emulator/status HTTP/1.1\r\nHost: localhost\r\n"
                                "Sec-Fetch-Site: cross-site\r\nConnection: close\r\n\r\n");
  CHECK(status_line(refused) == "HTTP/1.1 403 Forbidden");
  auto served = send_raw(port, "GET /emulator/status HTTP/1.1\r\nHost: localhost\r\n"
                               "Connection: close\r\n\r\n");
  CHECK(status_line(served) == "HTTP/1.1 200 OK");
}

TEST_CASE("the API Gateway port serves any Host and Origin, as execute-api does") {
  it::EmulatorProcess emulator(it::seed_template());
  auto response = send_raw(emulator.port(), "GET /whodis HTTP/1.1\r\nHost: evil.example\r\n"
                                            "Origin: http://evil.example\r\nConnection: close\r\n\r\n");
  CHECK(status_line(response) == "HTTP/1.1 200 OK");
  CHECK(response.find("Access-Control-Allow-Origin") == std::string::npos);  // no CORS configured
}

namespace {

// The per-run token from the "Console: <url>#token=<token>" line.
std::string console_token(it::EmulatorProcess& emulator) {
  auto line = emulator.child().wait_for_stdout_line("Console: ", std::chrono::seconds(2));
  REQUIRE(line);
  auto token = line->substr(line->find("#token=") + 7);
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  return token;
}

std::string deploy_from_page(std::uint16_t port, const std::string& token) {
  const std::string body = R"({"parameterOverrides":{"AppVersion":"v2"}})";
  const std::string host = "127.0.0.1:" + std::to_string(port);
  return send_raw(port, "POST /emulator/deploy HTTP/1.1\r\nHost: " + host + "\r\nOrigin: http://" +
                            host + "\r\nSec-Fetch-Site: same-origin\r\nContent-Type: "
                            "application/json\r\n" +
                            (token.empty() ? "" : "X-Emulator-Token: " + token + "\r\n") +
                            "Content-Length: " + std::to_string(body.size()) +
                            "\r\nConnection: close\r\n\r\n" + body);
}

}  // namespace

TEST_CASE("the console's state and live feed are closed to other pages and rebinding names") {
  it::EmulatorProcess emulator(it::seed_template());
  const auto port = it::aws_port_of(emulator);
  auto cross_origin = send_raw(port, "GET /console/api/state HTTP/1.1\r\nHost: 127.0.0.1:" +
                                         std::to_string(port) +
                                         "\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n");
  CHECK(status_line(cross_origin) == "HTTP/1.1 403 Forbidden");
  CHECK(cross_origin.find("\"functions\"") == std::string::npos);
  auto rebinding = send_raw(port, "GET /console/api/events HTTP/1.1\r\nHost: evil.example:" +
                                      std::to_string(port) + "\r\nConnection: close\r\n\r\n");
  CHECK(status_line(rebinding) == "HTTP/1.1 403 Forbidden");
  CHECK(rebinding.find("text/event-stream") == std::string::npos);
  // The page itself under its own name: served, and not to be framed by another page.
  auto page = send_raw(port, "GET /console/ HTTP/1.1\r\nHost: localhost:" + std::to_string(port) +
                                 "\r\nConnection: close\r\n\r\n");
  CHECK(status_line(page) == "HTTP/1.1 200 OK");
  CHECK(page.find("X-Frame-Options: DENY") != std::string::npos);
  // The live feed: a snapshot at once, then an update every second.
  it::RawConnection feed(port);
  feed.send("GET /console/api/events HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
            "\r\nAccept: text/event-stream\r\n\r\n");
  auto events = feed.read_until("event: update", std::chrono::seconds(5));
  CHECK(status_line(events) == "HTTP/1.1 200 OK");
  CHECK(events.find("Content-Type: text/event-stream; charset=utf-8") != std::string::npos);
  CHECK(events.find("event: snapshot\ndata: {") != std::string::npos);
  CHECK(events.find("event: update\n") != std::string::npos);
}

TEST_CASE("a deploy from the console's own page needs the per-run token the emulator printed") {
  it::EmulatorProcess emulator(it::seed_template());
  const auto port = it::aws_port_of(emulator);
  const auto token = console_token(emulator);
  CHECK(token.size() == 32);
  const auto versions = whodis_versions(port);
  for (const std::string& wrong : {std::string(), std::string(32, '0')}) {
    auto refused = deploy_from_page(port, wrong);
    CHECK(status_line(refused) == "HTTP/1.1 403 Forbidden");
    CHECK(refused.find("per-run token") != std::string::npos);
  }
  CHECK(whodis_versions(port) == versions);
  auto accepted = deploy_from_page(port, token);
  CHECK(status_line(accepted) == "HTTP/1.1 200 OK");
  CHECK(whodis_versions(port) == versions + 1);
  // The token is printed once, in the Console line, and in no request's log line.
  const auto out = emulator.stdout_text();
  CHECK(out.find(token) == out.rfind(token));
}
