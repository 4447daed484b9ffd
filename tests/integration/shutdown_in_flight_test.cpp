// Graceful shutdown cuts no response off in the middle: when SIGTERM arrives, a slow handler still
// running (well within its Timeout) and a large response the client is still reading slowly both
// complete in full, byte for byte, before the emulator exits 0. (shutdown_test.cpp covers a
// request answered by its Timeout, 504, and the second signal.)
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "http_client.h"
#include "keep_alive_connection.h"
#include "templates.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct SlowAnswer {
  it::HttpResponse response;
  Clock::time_point at;  // when it was answered
  std::string error;     // why there was no response
};

struct SlowRead {
  std::string head;
  std::string body;
  std::size_t content_length = 0;
  bool complete = false;  // the whole Content-Length arrived
  bool closed = false;    // the server closed the connection (after or before the end)
};

// Reads the rest of one response `already` began, `step` bytes at a time with a pause between
// reads, as a slow client on a slow network would.
SlowRead read_slowly(it::KeepAliveConnection& connection, std::string already, std::size_t step,
                     std::chrono::milliseconds pause, std::chrono::milliseconds timeout) {
  SlowRead read;
  std::string text = std::move(already);
  const auto deadline = Clock::now() + timeout;
  std::size_t head_end = std::string::npos;
  while (Clock::now() < deadline) {
    if (head_end == std::string::npos && (head_end = text.find("\r\n\r\n")) != std::string::npos) {
      read.head = text.substr(0, head_end);
      auto at = read.head.find("Content-Length: ");
      if (at != std::string::npos) read.content_length = std::stoul(read.head.substr(at + 16));
    }
    if (head_end != std::string::npos && text.size() >= head_end + 4 + read.content_length) {
      read.complete = true;
      break;
    }
    auto bytes = connection.read_some(step, 1s);
    if (bytes.empty() && connection.peer_closed()) {
      read.closed = true;
      break;
    }
    text += bytes;
    std::this_thread::sleep_for(pause);
  }
  if (head_end != std::string::npos) read.body = text.substr(head_end + 4);
  return read;
}

}  // namespace

TEST_CASE(
    "SIGTERM cuts no response off: a slow handler and a large response being read slowly "
    "both complete in full") {
  it::EmulatorProcess emulator(it::test_template("shutdown.yaml"));

  // 1. A slow handler (6 s of its 12 s Timeout) in flight.
  auto slow = std::async(std::launch::async, [&] {
    SlowAnswer answer;
    try {
      answer.response = it::request("GET", emulator.url("/slow"), {}, {}, 20s);
      answer.at = Clock::now();
    } catch (const std::exception& error) {  // no (complete) response
      answer.error = error.what();
    }
    return answer;
  });
  REQUIRE(emulator.child().wait_for_stdout_line("[SlowFunction] START", 5s));

  // 2. A 5 MiB echo, its response read through a small receive window: once the first bytes are
  // in, the server cannot have written the rest (beyond what socket buffers hold) until the
  // client reads it.
  const std::string sent(5 * 1024 * 1024, 'z');
  it::KeepAliveConnection echo(emulator.port(), 8 * 1024);
  echo.send(
      "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: " +
      std::to_string(sent.size()) + "\r\n\r\n" + sent);
  std::string first = echo.read_some(1024, 10s);
  REQUIRE_MESSAGE(!first.empty(), "the echo response did not begin" << emulator.stderr_text());
  std::this_thread::sleep_for(300ms);  // let the socket buffers fill up

  // 3. SIGTERM while both are in flight.
  REQUIRE(::kill(emulator.pid(), SIGTERM) == 0);
  const auto signalled = Clock::now();
  auto finishing = emulator.child().wait_for_stdout_line("request(s) in flight", 5s);

  // 4. The client goes on reading slowly: 16 KiB every 2 ms (about 1 s for 5 MiB).
  auto echoed = read_slowly(echo, first, 16 * 1024, 2ms, 15s);
  const auto echo_done = Clock::now();
  const SlowAnswer slow_answer = slow.get();

  auto code = emulator.child().wait_for_exit(15s);
  emulator.child().wait_for_output_closed(2s);
  INFO("--- emulator stderr ---\n" << emulator.stderr_text());

  // Both were in flight when the signal came.
  REQUIRE(finishing.has_value());
  CHECK(finishing->find("finishing 2 request(s) in flight") != std::string::npos);

  // The echo: every byte its Content-Length announced, and the event holds exactly what was sent.
  INFO("echo head: " << echoed.head << "\nreceived " << echoed.body.size() << " of "
                     << echoed.content_length << " body bytes; closed early: " << echoed.closed);
  CHECK(echoed.head.rfind("HTTP/1.1 200 OK", 0) == 0);
  CHECK(echoed.content_length > sent.size());
  CHECK(echoed.complete);
  CHECK(echoed.body.size() == echoed.content_length);
  auto event = json::parse(echoed.body, nullptr, false);
  REQUIRE(event.is_object());
  CHECK(event["body"].is_string());
  CHECK((event["body"].is_string() && event["body"].get<std::string>() == sent));
  CHECK(echo_done - signalled > 200ms);  // it really was being read after the signal

  // The slow handler: answered 200 with its result, after the signal.
  CHECK_MESSAGE(slow_answer.error.empty(), "GET /slow: " << slow_answer.error);
  CHECK(slow_answer.response.status == 200);
  CHECK(slow_answer.response.body == R"({"slept_ms":6000})");
  CHECK(slow_answer.at > signalled);

  // Then the emulator stopped cleanly.
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  CHECK(emulator.stdout_text().find("Stopped: served 2 HTTP responses, 2 invocations") !=
        std::string::npos);
}

// server/http_session.cpp counts a request in flight from its header on, so the drain waits for it.
TEST_CASE("SIGTERM while a request body is still arriving: the request is still answered") {
  it::EmulatorProcess emulator(it::test_template("shutdown.yaml"));
  const std::string body(100'000, 'u');
  it::KeepAliveConnection connection(emulator.port());
  connection.send(
      "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2));
  std::this_thread::sleep_for(300ms);  // the emulator has read the head and half the body
  REQUIRE(::kill(emulator.pid(), SIGTERM) == 0);
  auto finishing = emulator.child().wait_for_stdout_line("request(s) in flight", 5s);
  std::string outcome;
  try {
    connection.send(body.substr(body.size() / 2));
    auto response = connection.read_response(15s);
    outcome = response.status_line;
    auto event = json::parse(response.body, nullptr, false);
    CHECK(response.status == 200);
    CHECK((event.is_object() && event["body"] == body));
  } catch (const std::exception& error) {
    outcome = error.what();
  }
  INFO("outcome: " << outcome.substr(0, 300) << "\n--- emulator stdout ---\n"
                   << emulator.stdout_text());
  CHECK(outcome.rfind("HTTP/1.1 200", 0) == 0);
  REQUIRE(finishing.has_value());
  CHECK(finishing->find("finishing 1 request(s) in flight") != std::string::npos);
  auto code = emulator.child().wait_for_exit(15s);
  REQUIRE(code.has_value());
  CHECK(*code == 0);
}
