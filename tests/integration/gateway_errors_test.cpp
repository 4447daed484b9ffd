// API Gateway's own answers when a request never reaches a function or the function fails:
// 403 Missing Authentication Token, 502 Internal server error, 504 Endpoint request timed out and
// 413 for a body over 10 MB, each with API Gateway's body, error type and request ids.
#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "emulator_process.h"
#include "http_client.h"
#include "templates.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Every answer, error or not, carries both ids (API Gateway developer guide, "Monitoring REST API
// execution with Amazon CloudWatch metrics": x-amzn-RequestId, x-amz-apigw-id).
void check_request_ids(const it::HttpResponse& response) {
  CHECK_FALSE(response.header("x-amzn-RequestId").empty());
  CHECK_FALSE(response.header("x-amz-apigw-id").empty());
}

void check_gateway_error(const it::HttpResponse& response, long status, const char* message,
                         const char* error_type) {
  CHECK(response.status == status);
  CHECK(response.header("Content-Type") == "application/json");
  CHECK(json::parse(response.body) == json{{"message", message}});
  CHECK(response.header("x-amzn-ErrorType") == error_type);
  check_request_ids(response);
}

}  // namespace

TEST_CASE("unknown paths and wrong methods answer 403 Missing Authentication Token") {
  it::EmulatorProcess emulator(it::seed_template());
  struct Case {
    const char* method;
    const char* path;
  };
  const Case cases[] = {
      {"GET", "/"},                {"GET", "/nope"},           {"GET", "/Prod/nope"},
      {"GET", "/Prod"},            {"GET", "/Prod/"},          {"GET", "/whodis/extra"},
      {"GET", "/prod/whodis"},     {"GET", "/dev/whodis"},     {"GET", "/Prod/oleoleole"},
      {"GET", "/qa/oleoleole"},    {"GET", "/WHODIS"},         {"POST", "/whodis"},
      {"PUT", "/Prod/whodis"},     {"DELETE", "/dev/oleoleole"}, {"PATCH", "/oleoleole"},
  };
  for (const auto& c : cases) {
    INFO("method: " << std::string(c.method));
    INFO("path: " << std::string(c.path));
    auto response = it::request(c.method, emulator.url(c.path));
    check_gateway_error(response, 403, "Missing Authentication Token",
                        "MissingAuthenticationTokenException");
  }
}

TEST_CASE("a function that fails or returns an invalid proxy response answers 502") {
  it::EmulatorProcess emulator(it::test_template("faults.yaml"));
  struct Case {
    const char* path;
    const char* function;  // named in the emulator's error log line
  };
  const Case cases[] = {
      {"/throw", "ThrowFunction"},
      {"/Prod/throw-non-std", "ThrowNonStdFunction"},
      {"/invalid-response", "InvalidResponseFunction"},
      {"/Prod/not-an-object", "NotAnObjectFunction"},
  };
  for (const auto& c : cases) {
    INFO("path: " << std::string(c.path));
    auto response = it::get(emulator.url(c.path));
    check_gateway_error(response, 502, "Internal server error", "InternalServerErrorException");
    CHECK(emulator.child().wait_for_stderr_text(c.function, std::chrono::seconds(2)));
  }
  // The failures hurt nobody else.
  CHECK(it::get(emulator.url("/whodis")).status == 200);
  CAPTURE(emulator.stderr_text());
  CHECK(emulator.stderr_text().find("bogus") != std::string::npos);  // the invalid key is named
}

TEST_CASE("a function past its Timeout answers 504 and the emulator keeps serving") {
  it::EmulatorProcess emulator(it::test_template("faults.yaml"));
  auto started = Clock::now();
  auto response = it::get(emulator.url("/sleep"));
  auto elapsed = Clock::now() - started;
  check_gateway_error(response, 504, "Endpoint request timed out", "InternalServerErrorException");
  // Timeout is 1 s and the handler sleeps 3 s: the answer comes at the timeout, not the end.
  CHECK(elapsed >= std::chrono::milliseconds(900));
  CHECK(elapsed < std::chrono::milliseconds(2500));
  // In process the stuck handler keeps its connection's strand: the answer closes the
  // connection, so the client's next request goes to a fresh one. (A killed process frees it.)
  if (!it::runtime_api_mode()) CHECK(response.header("Connection") == "close");

  // The abandoned handler is still sleeping; others are served meanwhile.
  auto whodis = it::get(emulator.url("/whodis"));
  CHECK(whodis.status == 200);
  CHECK(json::parse(whodis.body).value("location", "") == "127.0.0.1");
  auto nap = it::get(emulator.url("/nap"));
  CHECK(nap.status == 200);
  CHECK(json::parse(nap.body) == json{{"slept_ms", 50}});
}

TEST_CASE("a body over 10 MiB answers 413 Request Too Long; within it, Lambda's 6 MB limits apply") {
  // API Gateway's payload quota is 10 MB (API Gateway developer guide, "Amazon API Gateway quotas").
  constexpr std::size_t kLimit = 10 * 1024 * 1024;
  it::EmulatorProcess emulator(it::test_template("faults.yaml"));
  struct Case {
    const char* description;
    std::size_t size;
    it::HeaderList extra_headers;
    long status;
  };
  // Over-limit requests ask for 100-continue, as curl and most clients do for large bodies, so the
  // 413 arrives before the body is sent. (A client that sends the body straight away may see the
  // connection reset instead of the 413: the emulator closes without draining the unread body.)
  const it::HeaderList expect_continue = {{"Expect", "100-continue"}};
  // A body at API Gateway's limit passes API Gateway, but not Lambda's 6 MB limits: in Runtime API
  // mode the event is refused before the function runs; in process the function echoes it and
  // its result is over the response limit. Either way: 502 (docs/limits.md).
  const Case cases[] = {
      {"half the limit", kLimit / 2 - 4096, {}, 200},
      {"exactly the limit", kLimit, {}, 502},
      {"one byte over", kLimit + 1, expect_continue, 413},
      {"11 MiB", 11 * 1024 * 1024, expect_continue, 413},
  };
  for (const auto& c : cases) {
    INFO("description: " << std::string(c.description));
    it::HeaderList headers = {{"Content-Type", "text/plain"}};
    headers.insert(headers.end(), c.extra_headers.begin(), c.extra_headers.end());
    const std::string body(c.size, 'x');
    auto response =
        it::request("POST", emulator.url("/echo"), headers, body, std::chrono::seconds(20));
    if (c.status == 413) {
      check_gateway_error(response, 413, "Request Too Long", "RequestTooLongException");
    } else if (c.status == 502) {
      CHECK(response.status == 502);
    } else {
      REQUIRE(response.status == 200);
      auto event = json::parse(response.body);
      CHECK(event["body"].get<std::string>() == body);
      CHECK(event["isBase64Encoded"] == false);
    }
  }
  // Only requests within the limits reached the function.
  const std::string out = emulator.stdout_text();
  std::size_t starts = 0;
  for (auto at = out.find("[EchoFunction] START"); at != std::string::npos;
       at = out.find("[EchoFunction] START", at + 1))
    ++starts;
  CHECK(starts == (it::runtime_api_mode() ? 1 : 2));
  CHECK(it::get(emulator.url("/whodis")).status == 200);
}
