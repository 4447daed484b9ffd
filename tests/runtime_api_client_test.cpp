// The Runtime API client and loop (functions/runtime/runtime_api_*.h) against a scripted fake
// Runtime API on 127.0.0.1 and a free port: what run() asks, what it POSTs, what the handler sees.
#include "runtime/runtime_api_client.h"

#include <doctest/doctest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/runtime_api_context.h"
#include "runtime/runtime_api_loop.h"
#include "tests/support/fake_aws_server.h"

using lambda_runtime::FunctionError;
using lambda_runtime::RunOptions;
using test_support::ClosedPort;
using test_support::FakeAwsServer;
using test_support::RecordedRequest;
using test_support::ScriptedResponse;

namespace {

using Clock = std::chrono::system_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kArn = "arn:aws:lambda:eu-west-1:123456789012:function:whodis:live";
constexpr const char* kTraceId =
    "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1";
constexpr const char* kNextTarget = "/2018-06-01/runtime/invocation/next";

// Sets (a value) or unsets (nullopt) environment variables for one test, and puts back what was
// there before at destruction.
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::map<std::string, std::optional<std::string>>& values) {
    for (const auto& [name, value] : values) {
      const char* old = std::getenv(name.c_str());
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      apply(name, value);
    }
  }
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) apply(it->first, it->second);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  static void apply(const std::string& name, const std::optional<std::string>& value) {
    if (value) {
      setenv(name.c_str(), value->c_str(), 1);
    } else {
      unsetenv(name.c_str());
    }
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// "127.0.0.1:PORT", as Lambda writes AWS_LAMBDA_RUNTIME_API.
std::string endpoint_of(const std::string& url) {
  return url.substr(std::string("http://").size());
}

// The environment Lambda gives a function, pointing at `api_url`; `overrides` win.
std::map<std::string, std::optional<std::string>> lambda_env(
    const std::string& api_url, std::map<std::string, std::optional<std::string>> overrides = {}) {
  std::map<std::string, std::optional<std::string>> env = {
      {"AWS_LAMBDA_RUNTIME_API", endpoint_of(api_url)},
      {"AWS_LAMBDA_FUNCTION_NAME", "whodis"},
      {"AWS_LAMBDA_FUNCTION_VERSION", "7"},
      {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"},
      {"APP_VERSION", "v3"},
      {"_X_AMZN_TRACE_ID", std::nullopt},
  };
  for (auto& [name, value] : overrides) env[name] = std::move(value);
  return env;
}

std::string epoch_ms(Clock::time_point when) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count());
}

// An answer to GET next, with the headers Lambda sends.
ScriptedResponse next_event(const std::string& request_id, std::string event,
                            Clock::time_point deadline = Clock::now() + std::chrono::seconds(60),
                            const std::string& trace_id = kTraceId) {
  Headers headers = {{"Lambda-Runtime-Aws-Request-Id", request_id},
                     {"Lambda-Runtime-Deadline-Ms", epoch_ms(deadline)},
                     {"Lambda-Runtime-Invoked-Function-Arn", kArn}};
  if (!trace_id.empty()) headers.emplace_back("Lambda-Runtime-Trace-Id", trace_id);
  return {200, std::move(event), std::move(headers)};
}

ScriptedResponse accepted() { return {202, R"({"status":"OK"})", {}}; }

// What the handlers below saw, for the test to check. Reset by each test.
struct Seen {
  int calls = 0;
  nlohmann::json event;
  std::string request_id;
  std::string function_name;
  std::string function_version;
  std::string invoked_arn;
  int memory_mb = 0;
  std::chrono::milliseconds remaining{-1};
  std::optional<std::string> app_version;
  std::vector<std::optional<std::string>> trace_ids;  // _X_AMZN_TRACE_ID, one per call
};

Seen& seen() {
  static Seen instance;
  return instance;
}

nlohmann::json recording_handler(const nlohmann::json& event,
                                 const lambda_runtime::Context& context) {
  auto& s = seen();
  ++s.calls;
  s.event = event;
  s.request_id = context.aws_request_id();
  s.function_name = context.function_name();
  s.function_version = context.function_version();
  s.invoked_arn = context.invoked_function_arn();
  s.memory_mb = context.memory_limit_mb();
  s.remaining = context.remaining_time();
  s.app_version = context.env("APP_VERSION");
  s.trace_ids.push_back(context.env("_X_AMZN_TRACE_ID"));
  return {{"statusCode", 200}, {"body", "hi " + event.value("name", std::string("?"))}};
}

RunOptions once() {
  RunOptions options;
  options.max_invocations = 1;
  options.retry_pause = std::chrono::milliseconds(1);
  return options;
}

}  // namespace

TEST_CASE("run: the next event goes to the handler and its result is POSTed to /{id}/response") {
  seen() = {};
  FakeAwsServer api(
      {next_event("8476a536-e9f4-11e8-9739-2dfe598c3fcd", R"({"name":"Ana"})"), accepted()});
  ScopedEnv env(lambda_env(api.url()));

  CHECK(lambda_runtime::run(recording_handler, once()) == 0);

  auto requests = api.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].target == kNextTarget);
  CHECK(requests[1].method == "POST");
  CHECK(requests[1].target ==
        "/2018-06-01/runtime/invocation/8476a536-e9f4-11e8-9739-2dfe598c3fcd/response");
  CHECK(nlohmann::json::parse(requests[1].body) ==
        nlohmann::json{{"statusCode", 200}, {"body", "hi Ana"}});
  CHECK(requests[1].header("lambda-runtime-function-error-type").empty());

  CHECK(seen().calls == 1);
  CHECK(seen().event == nlohmann::json{{"name", "Ana"}});
  CHECK(seen().request_id == "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
  CHECK(seen().invoked_arn == kArn);
  CHECK(seen().function_name == "whodis");
  CHECK(seen().function_version == "7");
  CHECK(seen().memory_mb == 256);
  CHECK(seen().app_version == std::optional<std::string>("v3"));
}

TEST_CASE("run: remaining_time counts down to Lambda-Runtime-Deadline-Ms and stops at zero") {
  seen() = {};
  auto now = Clock::now();
  FakeAwsServer api({next_event("a", "{}", now + std::chrono::seconds(30)), accepted(),
                     next_event("b", "{}", now - std::chrono::seconds(5)), accepted()});
  ScopedEnv env(lambda_env(api.url()));
  auto options = once();
  options.max_invocations = 2;

  struct Capture {
    static nlohmann::json handler(const nlohmann::json& event, const lambda_runtime::Context& c) {
      auto result = recording_handler(event, c);
      if (seen().calls == 1) first_remaining() = seen().remaining;
      return result;
    }
    static std::chrono::milliseconds& first_remaining() {
      static std::chrono::milliseconds value{-1};
      return value;
    }
  };
  CHECK(lambda_runtime::run(Capture::handler, options) == 0);

  CHECK(Capture::first_remaining() > std::chrono::seconds(25));
  CHECK(Capture::first_remaining() <= std::chrono::seconds(30));
  CHECK(seen().remaining == std::chrono::milliseconds(0));
}

TEST_CASE("run: _X_AMZN_TRACE_ID follows Lambda-Runtime-Trace-Id and is unset when it is absent") {
  seen() = {};
  FakeAwsServer api({next_event("a", "{}", Clock::now() + std::chrono::seconds(60), kTraceId),
                     accepted(), next_event("b", "{}", Clock::now() + std::chrono::seconds(60), ""),
                     accepted()});
  ScopedEnv env(lambda_env(api.url(), {{"_X_AMZN_TRACE_ID", "Root=stale"}}));
  auto options = once();
  options.max_invocations = 2;

  CHECK(lambda_runtime::run(recording_handler, options) == 0);

  REQUIRE(seen().trace_ids.size() == 2);
  CHECK(seen().trace_ids[0] == std::optional<std::string>(kTraceId));
  CHECK(seen().trace_ids[1] == std::nullopt);
}

TEST_CASE("run: Lambda-Runtime-* header names match whatever their case") {
  seen() = {};
  FakeAwsServer api(
      {{200,
        "{}",
        {{"lambda-runtime-aws-request-id", "lower"},
         {"LAMBDA-RUNTIME-DEADLINE-MS", epoch_ms(Clock::now() + std::chrono::seconds(9))},
         {"lambda-runtime-invoked-function-arn", kArn}}},
       accepted()});
  ScopedEnv env(lambda_env(api.url()));

  CHECK(lambda_runtime::run(recording_handler, once()) == 0);

  CHECK(seen().request_id == "lower");
  CHECK(seen().invoked_arn == kArn);
  CHECK(seen().remaining > std::chrono::seconds(5));
  CHECK(api.requests().back().target == "/2018-06-01/runtime/invocation/lower/response");
}

TEST_CASE("run: an empty event is {}, as Invoke sends without a payload") {
  seen() = {};
  FakeAwsServer api({next_event("a", ""), accepted()});
  ScopedEnv env(lambda_env(api.url()));

  CHECK(lambda_runtime::run(recording_handler, once()) == 0);

  CHECK(seen().event == nlohmann::json::object());
}

TEST_CASE("run: a request id is one percent-encoded path segment") {
  FakeAwsServer api({next_event("a/b c", "{}"), accepted()});
  ScopedEnv env(lambda_env(api.url()));

  CHECK(lambda_runtime::run(recording_handler, once()) == 0);

  CHECK(api.requests().back().target == "/2018-06-01/runtime/invocation/a%2Fb%20c/response");
}

namespace {

nlohmann::json throws_function_error(const nlohmann::json&, const lambda_runtime::Context&) {
  throw FunctionError("InvalidEvent", "the event lacks DeploymentId");
}
nlohmann::json throws_runtime_error(const nlohmann::json&, const lambda_runtime::Context&) {
  throw std::runtime_error("boom");
}
nlohmann::json throws_out_of_range(const nlohmann::json&, const lambda_runtime::Context&) {
  throw std::out_of_range("index 9");
}
nlohmann::json throws_int(const nlohmann::json&, const lambda_runtime::Context&) { throw 42; }
nlohmann::json returns_invalid_utf8(const nlohmann::json&, const lambda_runtime::Context&) {
  return std::string("caf\xE9");
}

}  // namespace

TEST_CASE("run: a failed invocation POSTs /{id}/error with its errorType in header and body") {
  struct Case {
    const char* name;
    lambda_runtime::Handler handler;
    std::string event;
    std::string error_type;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {"FunctionError", throws_function_error, "{}", "InvalidEvent", "lacks DeploymentId"},
      {"std::runtime_error", throws_runtime_error, "{}", "std::runtime_error", "boom"},
      {"std::out_of_range", throws_out_of_range, "{}", "std::out_of_range", "index 9"},
      {"not a std::exception", throws_int, "{}", "Unknown", "not a std::exception"},
      {"result not UTF-8", returns_invalid_utf8, "{}", "Runtime.MarshalError", "UTF-8"},
      {"event not JSON", recording_handler, "{not json", "Runtime.UnmarshalError", "{not json"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    seen() = {};
    FakeAwsServer api({next_event("req-9", c.event), accepted()});
    ScopedEnv env(lambda_env(api.url()));

    CHECK(lambda_runtime::run(c.handler, once()) == 0);

    auto requests = api.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].method == "POST");
    CHECK(requests[1].target == "/2018-06-01/runtime/invocation/req-9/error");
    CHECK(requests[1].header("lambda-runtime-function-error-type") == c.error_type);
    auto body = nlohmann::json::parse(requests[1].body);
    CHECK(body["errorType"] == c.error_type);
    CHECK(body["errorMessage"].get<std::string>().find(c.message_part) != std::string::npos);
    CHECK(body["stackTrace"] == nlohmann::json::array());
    CHECK(seen().calls == 0);  // recording_handler is only the not-JSON case's, never called
  }
}

TEST_CASE("run: incomplete function settings are reported to /runtime/init/error and exit 1") {
  struct Case {
    const char* variable;
    std::optional<std::string> value;
  };
  const std::vector<Case> cases = {{"AWS_LAMBDA_FUNCTION_NAME", std::nullopt},
                                   {"AWS_LAMBDA_FUNCTION_VERSION", ""},
                                   {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "lots"},
                                   {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0"}};
  for (const auto& c : cases) {
    CAPTURE(c.variable);
    FakeAwsServer api({accepted()});
    ScopedEnv env(lambda_env(api.url(), {{c.variable, c.value}}));

    CHECK(lambda_runtime::run(recording_handler, once()) == 1);

    auto requests = api.requests();
    REQUIRE(requests.size() == 1);  // no GET next after a failed start
    CHECK(requests[0].method == "POST");
    CHECK(requests[0].target == "/2018-06-01/runtime/init/error");
    CHECK(requests[0].header("lambda-runtime-function-error-type") == "Runtime.InvalidEnvironment");
    auto body = nlohmann::json::parse(requests[0].body);
    CHECK(body["errorType"] == "Runtime.InvalidEnvironment");
    CHECK(body["errorMessage"].get<std::string>().find(c.variable) != std::string::npos);
    CHECK(body["stackTrace"] == nlohmann::json::array());
  }
}

TEST_CASE("run: without AWS_LAMBDA_RUNTIME_API it exits 1 at once") {
  ScopedEnv env({{"AWS_LAMBDA_RUNTIME_API", std::nullopt}});
  CHECK(lambda_runtime::run(recording_handler, once()) == 1);
}

TEST_CASE("run: an unreachable Runtime API is retried, then the runtime exits 1") {
  ClosedPort closed;
  ScopedEnv env(lambda_env(closed.url()));
  auto options = once();
  options.max_consecutive_failures = 3;
  auto started = std::chrono::steady_clock::now();

  CHECK(lambda_runtime::run(recording_handler, options) == 1);

  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

TEST_CASE("run: a 500 from GET next ends the runtime at once with 1") {
  FakeAwsServer api({{500, R"({"errorMessage":"broken","errorType":"Container"})", {}}});
  ScopedEnv env(lambda_env(api.url()));
  auto options = once();
  options.max_consecutive_failures = 100;

  CHECK(lambda_runtime::run(recording_handler, options) == 1);

  CHECK(api.requests().size() == 1);
}

TEST_CASE("run: a refused or unusable GET next is asked again, and the loop goes on") {
  seen() = {};
  FakeAwsServer api({
      {403, R"({"errorMessage":"not now"})", {}},
      {200, "{}", {{"Lambda-Runtime-Deadline-Ms", "1"}}},               // no request id
      {200, "{}", {{"Lambda-Runtime-Aws-Request-Id", "no-deadline"}}},  // no deadline
      next_event("good", "{}"),
      accepted(),
  });
  ScopedEnv env(lambda_env(api.url()));
  auto options = once();
  options.max_consecutive_failures = 4;

  CHECK(lambda_runtime::run(recording_handler, options) == 0);

  auto requests = api.requests();
  REQUIRE(requests.size() == 5);
  for (int i = 0; i < 4; ++i) CHECK(requests[i].target == kNextTarget);
  CHECK(requests[4].target == "/2018-06-01/runtime/invocation/good/response");
  CHECK(seen().calls == 1);
}

TEST_CASE("run: as many failed GET nexts in a row as allowed end the runtime with 1") {
  FakeAwsServer api({{403, "{}", {}}, {403, "{}", {}}, next_event("late", "{}"), accepted()});
  ScopedEnv env(lambda_env(api.url()));
  auto options = once();
  options.max_consecutive_failures = 2;

  CHECK(lambda_runtime::run(recording_handler, options) == 1);

  CHECK(api.requests().size() == 2);
}

TEST_CASE("run: a response the API refuses with 413 is logged and the next invocation served") {
  seen() = {};
  FakeAwsServer api(
      {next_event("big", "{}"),
       {413, R"({"errorMessage":"too large","errorType":"RequestEntityTooLarge"})", {}},
       next_event("small", "{}"),
       accepted()});
  ScopedEnv env(lambda_env(api.url()));
  auto options = once();
  options.max_invocations = 2;

  CHECK(lambda_runtime::run(recording_handler, options) == 0);

  CHECK(seen().calls == 2);
  CHECK(api.requests().back().target == "/2018-06-01/runtime/invocation/small/response");
}

TEST_CASE("run: a 500 to a POSTed response ends the runtime with 1") {
  FakeAwsServer api({next_event("a", "{}"), {500, "{}", {}}, next_event("b", "{}"), accepted()});
  ScopedEnv env(lambda_env(api.url()));
  auto options = once();
  options.max_invocations = 2;

  CHECK(lambda_runtime::run(recording_handler, options) == 1);

  CHECK(api.requests().size() == 2);
}

TEST_CASE("RuntimeApiClient: next() reports the event, id, deadline, ARN and trace id") {
  auto deadline = Clock::time_point(std::chrono::milliseconds(1'542'409'706'888));
  FakeAwsServer api({next_event("id-1", R"({"k":1})", deadline)});
  lambda_runtime::RuntimeApiClient client(endpoint_of(api.url()));

  auto next = client.next();

  REQUIRE(std::holds_alternative<lambda_runtime::Invocation>(next));
  const auto& invocation = std::get<lambda_runtime::Invocation>(next);
  CHECK(invocation.request_id == "id-1");
  CHECK(invocation.deadline == deadline);
  CHECK(invocation.invoked_function_arn == kArn);
  CHECK(invocation.trace_id == kTraceId);
  CHECK(invocation.event == R"({"k":1})");
}

TEST_CASE("RuntimeApiClient: a failure says whether the runtime must exit") {
  ClosedPort closed;
  lambda_runtime::RuntimeApiClient unreachable(endpoint_of(closed.url()));
  auto no_answer = unreachable.post_response("id", "{}");
  REQUIRE(no_answer.has_value());
  CHECK(no_answer->status == 0);
  CHECK_FALSE(no_answer->fatal());
  CHECK(no_answer->message.find("POST http://127.0.0.1:") == 0);

  FakeAwsServer api({{400, R"({"errorMessage":"bad id"})", {}}, {500, "{}", {}}});
  lambda_runtime::RuntimeApiClient client(endpoint_of(api.url()));
  auto bad_request = client.post_response("id", "{}");
  REQUIRE(bad_request.has_value());
  CHECK(bad_request->status == 400);
  CHECK_FALSE(bad_request->fatal());
  CHECK(bad_request->message.find("bad id") != std::string::npos);
  auto container_error = client.post_init_error({"Runtime.X", "y"});
  REQUIRE(container_error.has_value());
  CHECK(container_error->fatal());
}

namespace {

// A one-connection Runtime API that keeps the connection alive: it reads until `requests` whole
// requests have arrived (heads ending in a blank line, bodies by Content-Length), records the
// bytes, then writes `answer` and waits for the client to close.
class KeepAliveApi {
 public:
  KeepAliveApi(int requests, std::string answer)
      : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        thread_([this, requests, answer = std::move(answer)] { serve(requests, answer); }) {}
  ~KeepAliveApi() { thread_.join(); }
  std::string endpoint() const {
    return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  std::string received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  int connections() const { return connections_; }

 private:
  static int complete_requests(const std::string& text) {
    int count = 0;
    std::size_t at = 0;
    for (;;) {
      auto head_end = text.find("\r\n\r\n", at);
      if (head_end == std::string::npos) return count;
      std::size_t length = 0;
      auto header = text.find("Content-Length: ", at);
      if (header != std::string::npos && header < head_end)
        length = std::stoul(text.substr(header + 16));
      if (text.size() < head_end + 4 + length) return count;
      at = head_end + 4 + length;
      ++count;
    }
  }
  void serve(int requests, const std::string& answer) {
    boost::asio::ip::tcp::socket socket(io_);
    acceptor_.accept(socket);
    ++connections_;
    std::string text;
    char buffer[4096];
    boost::system::error_code error;
    while (complete_requests(text) < requests) {
      auto n = socket.read_some(boost::asio::buffer(buffer), error);
      if (error) return;
      text.append(buffer, n);
    }
    {
      std::lock_guard lock(mutex_);
      received_ = text;
    }
    boost::asio::write(socket, boost::asio::buffer(answer), error);
    while (!error) socket.read_some(boost::asio::buffer(buffer), error);  // until the client closes
  }

  mutable std::mutex mutex_;
  std::string received_;
  std::atomic<int> connections_{0};
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

}  // namespace

TEST_CASE("RuntimeApiClient: a response's POST carries the next GET; 1xx and chunked answers") {
  const std::string answer =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
      R"({"status":"OK"})"
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nLambda-Runtime-Aws-Request-Id: next-1\r\n"
      "Lambda-Runtime-Deadline-Ms: 1542409706888\r\n\r\n"
      "4\r\n{\"k\"\r\n3;ext=1\r\n:1}\r\n0\r\nTrailer: x\r\n\r\n";
  std::optional<lambda_runtime::Invocation> invocation;
  std::string received;
  int connections = 0;
  {
    KeepAliveApi api(2, answer);
    lambda_runtime::RuntimeApiClient client(api.endpoint());
    CHECK_FALSE(client.post_response("id-0", R"({"ok":true})", /*then_next=*/true).has_value());
    auto next = client.next();
    REQUIRE(std::holds_alternative<lambda_runtime::Invocation>(next));
    invocation = std::get<lambda_runtime::Invocation>(next);
    received = api.received();
    connections = api.connections();
  }  // the client closes, then the API's thread ends
  CHECK(invocation->request_id == "next-1");
  CHECK(invocation->event == R"({"k":1})");
  CHECK(connections == 1);
  auto post = received.find("POST /2018-06-01/runtime/invocation/id-0/response HTTP/1.1\r\n");
  auto get = received.find("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n");
  CHECK(post == 0);
  CHECK(get != std::string::npos);
  CHECK(received.find("Content-Length: 11\r\n") < get);
  CHECK(received.find(R"({"ok":true})") < get);
}
