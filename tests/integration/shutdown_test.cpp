// Graceful shutdown of the real binary: SIGTERM lets requests in flight finish, a second signal
// exits at once.
#include <doctest/doctest.h>
#include <signal.h>

#include <future>

#include "http_client.h"
#include "templates.h"

using namespace std::chrono_literals;

TEST_CASE("SIGTERM lets a request in flight finish, prints a summary and exits 0") {
  it::EmulatorProcess emulator(it::test_template("faults.yaml"));
  // /linger has Timeout 5 and sleeps 15 s: in flight for five seconds, then answered 504.
  auto pending = std::async(std::launch::async, [&] {
    return it::request("GET", emulator.url("/linger"));
  });
  REQUIRE(emulator.child().wait_for_stdout_line("START RequestId", 5s));
  REQUIRE(::kill(emulator.pid(), SIGTERM) == 0);
  auto response = pending.get();  // throws if the connection was cut
  CHECK(response.status == 504);
  auto code = emulator.child().wait_for_exit(10s);
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  emulator.child().wait_for_output_closed(2s);
  CHECK(emulator.stdout_text().find("finishing 1 request(s) in flight") != std::string::npos);
  CHECK(emulator.stdout_text().find("Stopped: served 1 HTTP responses, 1 invocations") !=
        std::string::npos);
}

TEST_CASE("a second signal exits at once without waiting for requests in flight") {
  it::EmulatorProcess emulator(it::test_template("faults.yaml"));
  auto pending = std::async(std::launch::async, [&] {
    try {
      return it::request("GET", emulator.url("/linger")).status;
    } catch (const std::exception&) {
      return 0L;  // the connection is cut: expected here
    }
  });
  REQUIRE(emulator.child().wait_for_stdout_line("START RequestId", 5s));
  auto started = std::chrono::steady_clock::now();
  REQUIRE(::kill(emulator.pid(), SIGTERM) == 0);
  REQUIRE(emulator.child().wait_for_stdout_line("finishing 1 request(s)", 5s));
  REQUIRE(::kill(emulator.pid(), SIGTERM) == 0);
  auto code = emulator.child().wait_for_exit(5s);
  REQUIRE(code.has_value());
  CHECK(*code == 1);
  CHECK(std::chrono::steady_clock::now() - started < 4500ms);  // before the 5 s Timeout
  pending.get();
}

TEST_CASE("binding beyond loopback warns that the AWS endpoint becomes reachable") {
  auto result = it::run_to_exit({it::seed_template(), "--host", "0.0.0.0", "--port", "0",
                                 "--aws-port", "0"},
                                std::chrono::milliseconds(700));
  CHECK(result.stderr_text.find("warning: --host 0.0.0.0: the AWS-compatible endpoint") !=
        std::string::npos);
  auto local = it::run_to_exit({it::seed_template(), "--port", "0", "--aws-port", "0"},
                               std::chrono::milliseconds(700));
  CHECK(local.stderr_text.find("reachable from the network") == std::string::npos);
}
