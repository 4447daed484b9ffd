#include "emulator/lambda/in_process_invoker.h"

#include <doctest/doctest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <thread>

#include "emulator/core/log.h"

using namespace emu::lambda;
using namespace std::chrono_literals;

namespace {

// An io_context running on its own thread for the deadline timers, stopped by RAII.
struct TimerThread {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::thread thread{[this] { io.run(); }};
  ~TimerThread() {
    guard.reset();
    io.stop();
    thread.join();
  }
};

FunctionVersionPtr version_with(lambda_runtime::Handler handler, int timeout_seconds = 3) {
  auto version = std::make_shared<FunctionVersion>();
  version->logical_id = "TestFunction";
  version->function_name = "test-function";
  version->version = "7";
  version->handler = handler;
  version->timeout_seconds = timeout_seconds;
  version->runtime_environment = {{"APP_VERSION", "v7"}};
  return version;
}

InvokeResult invoke_and_wait(Invoker& invoker, FunctionVersionPtr version) {
  std::promise<InvokeResult> promise;
  invoker.invoke(std::move(version), nlohmann::json{{"x", 1}}, "arn:test:7",
                 [&promise](InvokeResult result) { promise.set_value(std::move(result)); });
  auto future = promise.get_future();
  REQUIRE(future.wait_for(10s) == std::future_status::ready);
  return future.get();
}

nlohmann::json env_echo(const nlohmann::json& event, const lambda_runtime::Context& context) {
  return {{"event", event},
          {"version", context.env("APP_VERSION").value_or("?")},
          {"arn", context.invoked_function_arn()},
          {"home", context.env("HOME").has_value()}};
}
nlohmann::json throws_function_error(const nlohmann::json&, const lambda_runtime::Context&) {
  throw lambda_runtime::FunctionError("MyError", "custom failure");
}
nlohmann::json throws_runtime_error(const nlohmann::json&, const lambda_runtime::Context&) {
  throw std::runtime_error("plain failure");
}
nlohmann::json throws_int(const nlohmann::json&, const lambda_runtime::Context&) { throw 7; }
nlohmann::json sleeps_3s(const nlohmann::json&, const lambda_runtime::Context&) {
  std::this_thread::sleep_for(3s);
  return {{"late", true}};
}

struct Fixture {
  Fixture() { emu::log::set_quiet(true); }
  ~Fixture() { emu::log::set_quiet(false); }
  TimerThread timers;
  WorkerPool pool{2, 4};
  InProcessInvoker invoker{timers.io.get_executor(), pool};
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "a handler sees its version's environment, not the process's") {
  auto result = invoke_and_wait(invoker, version_with(env_echo));
  CHECK(result.outcome == InvokeResult::Outcome::kSuccess);
  CHECK(result.executed_version == "7");
  CHECK(result.request_id.size() == 36);
  CHECK(result.payload["event"] == nlohmann::json{{"x", 1}});
  CHECK(result.payload["version"] == "v7");
  CHECK(result.payload["arn"] == "arn:test:7");
  CHECK(result.payload["home"] == false);
}

TEST_CASE_FIXTURE(Fixture, "exceptions become Lambda's error payload with the right errorType") {
  struct Case {
    lambda_runtime::Handler handler;
    const char* type;
    const char* message;
  };
  const Case cases[] = {
      {throws_function_error, "MyError", "custom failure"},
      {throws_runtime_error, "std::runtime_error", "plain failure"},
      {throws_int, "Unknown", "the handler threw something that is not a std::exception"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.type);
    auto result = invoke_and_wait(invoker, version_with(c.handler));
    CHECK(result.outcome == InvokeResult::Outcome::kFunctionError);
    CHECK(result.payload["errorType"] == c.type);
    CHECK(result.payload["errorMessage"] == c.message);
    CHECK(result.payload["stackTrace"].is_array());
  }
}

TEST_CASE_FIXTURE(Fixture, "a handler past its Timeout is answered at the deadline and replaced") {
  auto started = std::chrono::steady_clock::now();
  auto result = invoke_and_wait(invoker, version_with(sleeps_3s, 1));
  auto waited = std::chrono::steady_clock::now() - started;
  CHECK(result.outcome == InvokeResult::Outcome::kTimeout);
  CHECK(result.payload["errorMessage"] == "Task timed out after 1.00 seconds");
  CHECK(result.payload["errorType"] == "Sandbox.Timedout");
  CHECK(waited < 2500ms);  // answered at the deadline, not when the handler returned
  CHECK(pool.abandoned() == 1);

  // The pool still serves while the stuck handler runs.
  auto next = invoke_and_wait(invoker, version_with(env_echo));
  CHECK(next.outcome == InvokeResult::Outcome::kSuccess);

  // When the late handler returns, its worker is released.
  for (int i = 0; i < 250 && pool.abandoned() != 0; ++i) std::this_thread::sleep_for(20ms);
  CHECK(pool.abandoned() == 0);
}
