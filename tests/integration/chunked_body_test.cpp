// Request bodies sent with Transfer-Encoding: chunked, over raw sockets to EchoFunction (/echo in
// tests/templates/faults.yaml, which answers with the proxy event it received): the handler gets
// the body de-chunked; a chunked body over API Gateway's 10 MB payload limit is refused with 413; a
// malformed chunk gets 400. Neither refusal reaches the handler, and the emulator keeps serving.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "http_client.h"
#include "keep_alive_connection.h"
#include "raw_connection.h"
#include "templates.h"

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr std::size_t kBodyLimit = 10 * 1024 * 1024;  // API Gateway: 10 MB (docs/limits.md)

std::string chunk(const std::string& data, const std::string& extension = "") {
  char size[32];
  std::snprintf(size, sizeof size, "%zX", data.size());
  return size + extension + "\r\n" + data + "\r\n";
}

std::string chunked_post(const std::string& path, const std::string& chunks,
                         const std::string& extra_headers = "") {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n" +
         extra_headers + "Transfer-Encoding: chunked\r\n\r\n" + chunks;
}

// The proxy event EchoFunction received, from its 200 response.
json echoed_event(const it::WireResponse& response) {
  INFO(response.status_line << "\n" << response.body.substr(0, 500));
  REQUIRE(response.status == 200);
  auto event = json::parse(response.body, nullptr, false);
  REQUIRE(event.is_object());
  return event;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE(
    "a chunked request body reaches the handler de-chunked, and the connection stays usable") {
  it::EmulatorProcess emulator(it::test_template("faults.yaml"));
  it::KeepAliveConnection connection(emulator.port());

  // Chunks of several sizes (hex digits upper and lower case), a chunk extension (to be ignored),
  // bytes that look like chunk framing inside the data, and a 100 KiB chunk.
  const std::string big(100 * 1024, 'x');
  const std::string tricky = "0\r\n\r\nnot the end";
  const std::string expected = "Hello, " + std::string("chunked") + " world! " + tricky + big +
                               "abcdefghijklmnopqrstuvwxyz0123456789";
  const std::string chunks = chunk("Hello, ") + chunk("chunked", ";name=value") +
                             chunk(" world! ") + chunk(tricky) + chunk(big) +
                             "24\r\nabcdefghijklmnopqrstuvwxyz0123456789\r\n" + "0\r\n\r\n";
  connection.send(chunked_post("/echo", chunks));
  auto event = echoed_event(connection.read_response());
  CHECK(event["httpMethod"] == "POST");
  CHECK(event["isBase64Encoded"] == false);
  REQUIRE(event["body"].is_string());
  const auto body = event["body"].get<std::string>();
  CHECK(body.size() == expected.size());
  CHECK(body == expected);

  // A second chunked request on the same connection, ending with a trailer field: the first
  // request's framing ended exactly where it should.
  connection.send(chunked_post(
      "/echo", chunk("second") + chunk(" request") + "0\r\nX-Trailer: ignored\r\n\r\n"));
  auto second = echoed_event(connection.read_response());
  CHECK(second["body"] == "second request");

  // An empty chunked body: just the last chunk.
  connection.send(chunked_post("/echo", "0\r\n\r\n"));
  auto empty = echoed_event(connection.read_response());
  CHECK((empty["body"].is_null() || empty["body"] == ""));
}

TEST_CASE("a chunked request body over 10 MB is refused with 413 and never reaches the handler") {
  it::EmulatorProcess emulator(it::test_template("faults.yaml"));
  it::RawConnection connection(emulator.port());
  // Eleven 1 MiB chunks: the body passes the 10 MiB limit with the eleventh chunk. No
  // Content-Length announces it, so the limit must be enforced while the chunks arrive.
  const std::string mebibyte(1024 * 1024, 'a');
  std::string request = chunked_post("/echo", "");
  bool sent_all = true;
  std::string send_error;
  try {
    connection.send(request);
    for (int i = 0; i < 11; ++i) connection.send(chunk(mebibyte));
    connection.send("0\r\n\r\n");
  } catch (const std::exception& error) {
    // The server may stop reading once it has refused; what it answered is what matters.
    sent_all = false;
    send_error = error.what();
  }
  auto text = connection.read_until("}", 10s);
  INFO("sent all: " << sent_all << " " << send_error << "\nresponse: " << text.substr(0, 500)
                    << "\n--- emulator stderr ---\n"
                    << emulator.stderr_text());
  CHECK(text.rfind("HTTP/1.1 413", 0) == 0);
  CHECK(text.find(R"({"message":"Request Too Long"})") != std::string::npos);
  CHECK(text.find("x-amzn-ErrorType: RequestTooLongException") != std::string::npos);
  CHECK(emulator.stdout_text().find("[EchoFunction] START") == std::string::npos);
  static_assert(11 * 1024 * 1024 > kBodyLimit);

  // The emulator keeps serving, and a chunked body just under the limit would not be refused for
  // its size (here 1 MiB, to keep the echo small).
  it::KeepAliveConnection next(emulator.port());
  next.send(chunked_post("/echo", chunk(mebibyte) + "0\r\n\r\n"));
  auto event = echoed_event(next.read_response(20s));
  CHECK(event["body"].get<std::string>().size() == mebibyte.size());
}

TEST_CASE("a malformed chunk gets 400 and the connection closed; the emulator keeps serving") {
  it::EmulatorProcess emulator(it::test_template("faults.yaml"));
  struct Case {
    const char* what;
    std::string chunks;
  };
  const Case cases[] = {
      {"a chunk size that is not hexadecimal", "zz\r\nhello\r\n0\r\n\r\n"},
      {"more data than the chunk size says", "3\r\nhello\r\n0\r\n\r\n"},
      {"a negative chunk size", "-5\r\nhello\r\n0\r\n\r\n"},
      {"a chunk size too large for any integer", "1FFFFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n"},
      {"no CRLF after the chunk size", "5 hello\r\n0\r\n\r\n"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    it::RawConnection connection(emulator.port());
    connection.send(chunked_post("/echo", c.chunks));
    auto text = connection.read_all(5s);  // the server must answer, then close
    INFO("response: " << text.substr(0, 400));
    CHECK(text.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(text.find(R"({"message":"Bad Request"})") != std::string::npos);
    CHECK(count(text, "HTTP/1.1 ") == 1);  // one answer; the rest of the bytes are not a request
  }
  CHECK(emulator.stdout_text().find("[EchoFunction] START") == std::string::npos);
  // Each warning is written before its 400, but read from the pipe by the test's own thread.
  auto warnings = [&] {
    return count(emulator.stderr_text(), "malformed HTTP request from 127.0.0.1");
  };
  for (int i = 0; i < 250 && warnings() < std::size(cases); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(warnings() >= std::size(cases));
  auto still = it::request("POST", emulator.url("/echo"), {}, "fine");
  CHECK(still.status == 200);
}
