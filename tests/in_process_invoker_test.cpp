#include "emulator/lambda/in_process/in_process_invoker.h"

#include <doctest/doctest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <thread>

#include "emulator/core/io_threads.h"
#include "emulator/core/log.h"

using namespace emu::lambda;
using namespace std::chrono_literals;

namespace {

// An io_context run by IoThreads (as serve runs it), stopped by RAII.
struct IoRunner {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  emu::IoThreads threads{io, emu::IoThreadsOptions{2}};
  IoRunner() { threads.start(); }
  ~IoRunner() {
    guard.reset();
    io.stop();
    threads.join();
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

std::atomic<bool> g_detached_returned{false};
std::atomic<bool> g_detached_seen_return{false};
nlohmann::json waits_for_return(const nlohmann::json&, const lambda_runtime::Context&) {
  for (int i = 0; i < 500 && !g_detached_returned; ++i) std::this_thread::sleep_for(10ms);
  g_detached_seen_return = g_detached_returned.load();
  return nullptr;
}

struct Fixture {
  Fixture() { emu::log::set_quiet(true); }
  ~Fixture() { emu::log::set_quiet(false); }
  IoRunner runner;
  InProcessInvoker invoker{runner.io.get_executor()};
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
  CHECK(invoker.overrun() == 1);
  CHECK(runner.threads.blocked() == 1);

  // Another thread took the stuck one's place: the I/O threads still serve.
  auto next = invoke_and_wait(invoker, version_with(env_echo));
  CHECK(next.outcome == InvokeResult::Outcome::kSuccess);
  CHECK(runner.threads.started() == 3);

  // When the late handler returns, it is no longer counted.
  for (int i = 0; i < 250 && invoker.overrun() != 0; ++i) std::this_thread::sleep_for(20ms);
  CHECK(invoker.overrun() == 0);
}

TEST_CASE_FIXTURE(Fixture, "on an I/O thread the handler runs in place; detached it does not") {
  // invoke() from an I/O thread: the result is there before invoke() returns, same thread.
  std::promise<std::pair<bool, bool>> in_place;
  boost::asio::post(runner.io, [&] {
    const auto caller = std::this_thread::get_id();
    bool answered = false, same_thread = false;
    invoker.invoke(version_with(env_echo), nlohmann::json::object(), "arn:test:7",
                   [&](InvokeResult) {
                     answered = true;
                     same_thread = std::this_thread::get_id() == caller;
                   });
    in_place.set_value({answered, same_thread});
  });
  auto [answered, same_thread] = in_place.get_future().get();
  CHECK(answered);
  CHECK(same_thread);

  // invoke_detached() from an I/O thread returns first: its handler waits (up to 5 s) to see
  // that it has; run in place it could not.
  g_detached_returned = false;
  boost::asio::post(runner.io, [&] {
    invoker.invoke_detached(version_with(waits_for_return), nlohmann::json::object(),
                            "arn:test:7", [](InvokeResult) {});
    g_detached_returned = true;
  });
  for (int i = 0; i < 300 && !g_detached_seen_return; ++i) std::this_thread::sleep_for(20ms);
  CHECK(g_detached_seen_return);
}
