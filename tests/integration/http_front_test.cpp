// The HTTP front's edge cases, on the real binary over raw sockets.
#include <doctest/doctest.h>

#include "http_client.h"
#include "raw_connection.h"
#include "templates.h"

namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("pipelined requests are answered in order on one connection") {
  it::EmulatorProcess emulator(it::seed_template());
  it::RawConnection connection(emulator.port());
  connection.send(
      "GET /whodis HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /dev/oleoleole HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto text = connection.read_all();
  auto first = text.find("Whoop whoop");
  auto second = text.find("Missing Authentication Token");
  auto third = text.find("Feelin' hot hot hot!");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  REQUIRE(third != std::string::npos);
  CHECK(first < second);
  CHECK(second < third);
  CHECK(count(text, "HTTP/1.1 200 OK") == 2);
  CHECK(count(text, "HTTP/1.1 403 Forbidden") == 1);
}

TEST_CASE("HTTP/1.0 without a Host header is served and the connection closed") {
  it::EmulatorProcess emulator(it::seed_template());
  it::RawConnection connection(emulator.port());
  connection.send("GET /whodis HTTP/1.0\r\n\r\n");
  auto text = connection.read_all();
  CHECK(text.rfind("HTTP/1.0 200 OK", 0) == 0);
  CHECK(text.find("\"version\":\"v1\"") != std::string::npos);
}

TEST_CASE("Expect: 100-continue gets 100 Continue before the body is sent") {
  it::EmulatorProcess emulator(it::seed_template());
  it::RawConnection connection(emulator.port());
  connection.send(
      "GET /whodis HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  auto interim = connection.read_until("\r\n\r\n");
  CHECK(interim.rfind("HTTP/1.1 100 Continue", 0) == 0);
  connection.send("hello");
  auto text = connection.read_until("location");
  CHECK(text.find("HTTP/1.1 200 OK") != std::string::npos);
}

TEST_CASE("a body declared over 10 MB is refused with 413 before it is sent") {
  it::EmulatorProcess emulator(it::seed_template());
  it::RawConnection connection(emulator.port());
  connection.send("POST /whodis HTTP/1.1\r\nHost: x\r\nContent-Length: 10485761\r\n\r\n");
  auto text = connection.read_until("}");
  CHECK(text.rfind("HTTP/1.1 413", 0) == 0);
  CHECK(text.find("Request Too Long") != std::string::npos);
}

TEST_CASE("a header value over 10,240 bytes is refused with 431 and a JSON message") {
  it::EmulatorProcess emulator(it::seed_template());
  auto response = it::request("GET", emulator.url("/whodis"),
                              {{"X-Big", std::string(10241, 'a')}});
  CHECK(response.status == 431);
  CHECK(response.body.find("10240") != std::string::npos);
  auto fine = it::request("GET", emulator.url("/whodis"), {{"X-Big", std::string(10240, 'a')}});
  CHECK(fine.status == 200);
  // Written before the 431, but read from the pipe by the test's own thread: wait for it.
  CHECK(emulator.child().wait_for_stderr_text("header X-Big is over 10240 bytes",
                                              std::chrono::seconds(5)));
}

TEST_CASE("a malformed request line gets 400 and the emulator keeps serving") {
  it::EmulatorProcess emulator(it::seed_template());
  {
    it::RawConnection connection(emulator.port());
    connection.send("THIS IS NOT HTTP\r\n\r\n");
    auto text = connection.read_all();
    CHECK(text.rfind("HTTP/1.1 400", 0) == 0);
  }
  CHECK(it::request("GET", emulator.url("/whodis")).status == 200);
}

TEST_CASE("HEAD answers the headers GET would, with no body") {
  it::EmulatorProcess emulator(it::test_template("faults.yaml"));
  it::RawConnection connection(emulator.port());
  connection.send("HEAD /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto text = connection.read_all();
  CHECK(text.rfind("HTTP/1.1 403", 0) == 0);
  CHECK(text.find("Content-Length: 42") != std::string::npos);
  CHECK(text.find("Missing Authentication Token") == std::string::npos);
}
