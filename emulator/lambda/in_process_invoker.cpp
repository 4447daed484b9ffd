#include "emulator/lambda/in_process_invoker.h"

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/core/demangle.hpp>
#include <cstdio>
#include <mutex>
#include <typeinfo>

#include "emulator/core/ids.h"
#include "emulator/core/log.h"
#include "emulator/lambda/in_process_context.h"
#include "emulator/lambda/invocation_log.h"

namespace emu::lambda {
namespace {

using Clock = std::chrono::steady_clock;

// One invocation's shared state: whichever of the handler and the deadline timer settles it
// first reports; the other only cleans up.
struct Invocation {
  Invocation(boost::asio::any_io_executor executor, FunctionVersionPtr v, InvokeCallback d)
      : strand(boost::asio::make_strand(executor)), timer(strand), version(std::move(v)),
        done(std::move(d)) {}

  boost::asio::strand<boost::asio::any_io_executor> strand;
  boost::asio::steady_timer timer;  // touched only on `strand`
  FunctionVersionPtr version;
  InvokeCallback done;
  std::string request_id = ids::new_request_id();
  Clock::time_point started = Clock::now();
  std::atomic<bool> settled{false};
  // After a timeout, both the deadline (once its worker is abandoned) and the late handler
  // (once it returns) count here; whichever comes second releases the abandoned worker.
  std::atomic<int> overrun_handshake{0};

  void overrun_step(WorkerPool& pool) {
    if (overrun_handshake.fetch_add(1) == 1) pool.release_abandoned();
  }

  double elapsed_ms() const {
    return std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  }

  // Writes `line` to the emulator's output (with the function's prefix) and to this
  // invocation's own log. The handler's thread and the deadline may write concurrently.
  void write_log(std::string_view line, bool emulator_output = true) {
    if (emulator_output) log::info(function_line(*version, line));
    std::lock_guard lock(log_mutex);
    log_text.append(line).push_back('\n');
  }
  std::string take_log() {
    std::lock_guard lock(log_mutex);
    return std::move(log_text);
  }

  std::mutex log_mutex;
  std::string log_text;
};

// Lines as Lambda writes them, without the emulator's "[LogicalId] " prefix.
std::string unprefixed(const std::string& line, const FunctionVersion& version) {
  return line.substr(version.logical_id.size() + 3);
}

std::string timeout_message(int seconds) {
  char text[64];
  std::snprintf(text, sizeof text, "Task timed out after %d.00 seconds", seconds);
  return text;
}

void finish(Invocation& invocation, InvokeResult result) {
  const auto& version = *invocation.version;
  for (const auto& line : {end_line(version, invocation.request_id),
                           report_line(version, invocation.request_id, result.duration_ms)}) {
    log::info(line);
    invocation.write_log(unprefixed(line, version), false);
  }
  result.log = invocation.take_log();
  invocation.done(std::move(result));
}

void on_deadline(const std::shared_ptr<Invocation>& invocation, WorkerPool& pool) {
  if (invocation->settled.exchange(true)) return;
  const auto& version = *invocation->version;
  auto outcome = pool.abandon_one();
  invocation->overrun_step(pool);
  std::string message = timeout_message(version.timeout_seconds);
  invocation->write_log(invocation->request_id + " " + message);
  if (outcome.replaced) {
    log::warn(version.logical_id + " (version " + version.version +
              "): the handler is still running after its Timeout and cannot be stopped in "
              "process; its worker thread was replaced (" +
              std::to_string(outcome.abandoned) + " handler(s) stuck now)");
  } else {
    log::error(version.logical_id + ": " + std::to_string(outcome.abandoned) +
               " handlers are stuck past their Timeout; no more worker threads are added, so "
               "invocations may queue. Fix the handler, or use --invoke-mode runtime-api, "
               "which kills a stuck process.");
  }
  InvokeResult result;
  result.outcome = InvokeResult::Outcome::kTimeout;
  result.payload = error_payload("Sandbox.Timedout", message);
  result.request_id = invocation->request_id;
  result.executed_version = version.version;
  result.duration_ms = version.timeout_seconds * 1000.0;
  finish(*invocation, std::move(result));
}

}  // namespace

nlohmann::json error_payload(const std::string& type, const std::string& message) {
  return {{"errorMessage", message}, {"errorType", type}, {"stackTrace", nlohmann::json::array()}};
}

nlohmann::json run_handler(const FunctionVersion& version, const nlohmann::json& event,
                           const lambda_runtime::Context& context, bool& failed) {
  failed = true;
  try {
    nlohmann::json result = version.handler(event, context);
    failed = false;
    return result;
  } catch (const lambda_runtime::FunctionError& e) {
    return error_payload(e.type(), e.what());
  } catch (const std::exception& e) {
    return error_payload(boost::core::demangle(typeid(e).name()), e.what());
  } catch (...) {
    return error_payload("Unknown", "the handler threw something that is not a std::exception");
  }
}

void InProcessInvoker::invoke(FunctionVersionPtr version, nlohmann::json event,
                              std::string invoked_arn, InvokeCallback done) {
  auto invocation =
      std::make_shared<Invocation>(timer_executor_, std::move(version), std::move(done));
  const auto& config = *invocation->version;
  auto start = start_line(config, invocation->request_id);
  log::info(start);
  invocation->write_log(unprefixed(start, config), false);
  auto timeout = std::chrono::seconds(config.timeout_seconds);

  boost::asio::post(invocation->strand, [invocation, timeout, this] {
    invocation->timer.expires_at(invocation->started + timeout);
    invocation->timer.async_wait([invocation, this](boost::system::error_code ec) {
      if (!ec) on_deadline(invocation, pool_);
    });
  });

  pool_.submit([invocation, event = std::move(event), invoked_arn = std::move(invoked_arn),
                deadline = invocation->started + timeout, this]() mutable {
    const auto& version_config = *invocation->version;
    InProcessContext context(version_config, invocation->request_id, std::move(invoked_arn),
                             deadline, [&invocation](std::string_view line) {
                               invocation->write_log(line, false);
                             });
    bool failed = false;
    nlohmann::json payload = run_handler(version_config, event, context, failed);
    if (invocation->settled.exchange(true)) {
      invocation->overrun_step(pool_);
      log::warn(version_config.logical_id + " request " + invocation->request_id +
                ": the handler returned " + std::to_string(invocation->elapsed_ms() / 1000.0) +
                " s after it started, past its Timeout; its result was discarded");
      return;
    }
    boost::asio::post(invocation->strand, [invocation] { invocation->timer.cancel(); });
    if (failed) {
      invocation->write_log(invocation->request_id + " ERROR " + payload.dump());
    }
    InvokeResult result;
    result.outcome =
        failed ? InvokeResult::Outcome::kFunctionError : InvokeResult::Outcome::kSuccess;
    result.payload = std::move(payload);
    result.request_id = invocation->request_id;
    result.executed_version = version_config.version;
    result.duration_ms = invocation->elapsed_ms();
    finish(*invocation, std::move(result));
  });
}

}  // namespace emu::lambda
