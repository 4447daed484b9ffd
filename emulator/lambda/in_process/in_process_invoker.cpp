#include "emulator/lambda/in_process/in_process_invoker.h"

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/core/demangle.hpp>
#include <cstdio>
#include <mutex>
#include <typeinfo>
#include <vector>

#include "emulator/core/ids.h"
#include "emulator/core/io_threads.h"
#include "emulator/core/log.h"
#include "emulator/lambda/event_recycler.h"
#include "emulator/lambda/in_process/in_process_context.h"
#include "emulator/lambda/invocation_log.h"

namespace emu::lambda {
namespace {

using Clock = std::chrono::steady_clock;

// One invocation's shared state: whichever of the handler and the deadline settles it first
// reports; the other only cleans up.
struct Invocation : std::enable_shared_from_this<Invocation> {
  Invocation(FunctionVersionPtr v, InvokeCallback d, nlohmann::json e, std::string arn,
             std::shared_ptr<InProcessInvoker::Deadlines> dl)
      : version(std::move(v)),
        done(std::move(d)),
        event(std::move(e)),
        invoked_arn(std::move(arn)),
        deadlines(std::move(dl)),
        deadline(started + std::chrono::seconds(version->timeout_seconds)) {}

  FunctionVersionPtr version;
  InvokeCallback done;
  nlohmann::json event;
  std::string invoked_arn;
  std::shared_ptr<InProcessInvoker::Deadlines> deadlines;
  std::string request_id = ids::new_request_id();
  Clock::time_point started = Clock::now();
  Clock::time_point deadline;
  std::atomic<bool> settled{false};

  // Links in Deadlines' lane of this invocation's Timeout; under Deadlines::mutex.
  Invocation* previous = nullptr;
  Invocation* next = nullptr;
  bool linked = false;

  double elapsed_ms() const {
    return std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  }

  // Writes `line` to the emulator's output (with the function's prefix) and to this
  // invocation's own log. The handler's thread and the deadline may write concurrently.
  void write_log(std::string_view line, bool emulator_output = true) {
    if (emulator_output) log::info_soon(function_line(*version, line));
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

}  // namespace

// The invocations in flight, in deadline order, and the one timer that fires at the earliest
// deadline. The timer is touched only on `strand`; the lanes and `armed` under `mutex`.
struct InProcessInvoker::Deadlines : std::enable_shared_from_this<InProcessInvoker::Deadlines> {
  Deadlines(const boost::asio::any_io_executor& executor, EventRecycler* event_recycler)
      : strand(boost::asio::make_strand(executor)), timer(strand), recycler(event_recycler) {}

  // Invocations of one Timeout, oldest first: deadlines ascend (up to the microseconds by which
  // two threads' clock readings and insertions may cross).
  struct Lane {
    int timeout_seconds = 0;
    Invocation* head = nullptr;
    Invocation* tail = nullptr;
  };

  boost::asio::strand<boost::asio::any_io_executor> strand;
  boost::asio::steady_timer timer;      // on `strand`
  std::atomic<std::size_t> overrun{0};  // handlers answered at their deadline, still running
  EventRecycler* recycler;              // where spent events go; may be null
  bool stopped = false;                 // on `strand`
  std::mutex mutex;
  std::vector<Lane> lanes;                             // under `mutex`; a few at most
  Clock::time_point armed = Clock::time_point::max();  // under `mutex`: when the timer fires

  void add(Invocation& invocation) {
    bool rearm = false;
    {
      std::lock_guard lock(mutex);
      Lane* lane = nullptr;
      for (auto& candidate : lanes)
        if (candidate.timeout_seconds == invocation.version->timeout_seconds) lane = &candidate;
      if (!lane) {
        lanes.push_back(Lane{invocation.version->timeout_seconds});
        lane = &lanes.back();
      }
      invocation.previous = lane->tail;
      invocation.next = nullptr;
      (lane->tail ? lane->tail->next : lane->head) = &invocation;
      lane->tail = &invocation;
      invocation.linked = true;
      if (invocation.deadline < armed) {
        armed = invocation.deadline;
        rearm = true;
      }
    }
    if (rearm) boost::asio::post(strand, [self = shared_from_this()] { self->arm(); });
  }

  void remove(Invocation& invocation) {
    std::lock_guard lock(mutex);
    unlink_locked(invocation);
  }

  void unlink_locked(Invocation& invocation) {
    if (!invocation.linked) return;
    for (auto& lane : lanes) {
      if (lane.timeout_seconds != invocation.version->timeout_seconds) continue;
      (invocation.previous ? invocation.previous->next : lane.head) = invocation.next;
      (invocation.next ? invocation.next->previous : lane.tail) = invocation.previous;
      break;
    }
    invocation.previous = invocation.next = nullptr;
    invocation.linked = false;
  }

  // On `strand`: sets the timer to `armed`.
  void arm() {
    if (stopped) return;
    Clock::time_point at;
    {
      std::lock_guard lock(mutex);
      at = armed;
    }
    if (at == Clock::time_point::max()) return;
    timer.expires_at(at);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->fire();
    });
  }

  // On `strand`, when the timer expires: takes the expired invocations, re-arms for the next
  // deadline, then answers the expired ones.
  void fire();

  void stop() {
    boost::asio::post(strand, [self = shared_from_this()] {
      self->stopped = true;
      self->timer.cancel();
    });
  }
};

namespace {

void finish(Invocation& invocation, InvokeResult result) {
  const auto& version = *invocation.version;
  // END and REPORT in one append to the log writer; the invocation's own log (what Invoke's
  // LogType Tail returns) has them without the "[LogicalId] " prefix.
  std::string lines = end_line(version, invocation.request_id);
  const std::size_t prefix = line_prefix_length(version);
  const std::size_t end_length = lines.size();
  lines.push_back('\n');
  lines += report_line(version, invocation.request_id, result.duration_ms);
  log::info_soon(lines);
  {
    std::lock_guard lock(invocation.log_mutex);
    auto& text = invocation.log_text;
    text.append(lines, prefix, end_length + 1 - prefix);
    text.append(lines, end_length + 1 + prefix, std::string::npos).push_back('\n');
    result.log = std::move(text);
  }
  invocation.done(std::move(result));
}

void on_deadline(const std::shared_ptr<Invocation>& invocation) {
  if (invocation->settled.exchange(true)) return;
  const auto& version = *invocation->version;
  const std::size_t overrun = invocation->deadlines->overrun.fetch_add(1) + 1;
  std::string message = timeout_message(version.timeout_seconds);
  invocation->write_log(invocation->request_id + " " + message);
  log::warn(version.logical_id + " (version " + version.version +
            "): the handler is still running after its Timeout and cannot be stopped in "
            "process; it keeps its thread, and another takes its place (" +
            std::to_string(overrun) + " handler(s) past their Timeout now)");
  InvokeResult result;
  result.outcome = InvokeResult::Outcome::kTimeout;
  result.payload = error_payload("Sandbox.Timedout", message);
  result.request_id = invocation->request_id;
  result.executed_version = version.version;
  result.duration_ms = version.timeout_seconds * 1000.0;
  result.handler_still_running = true;
  finish(*invocation, std::move(result));
}

// On an I/O thread, inside a blocking scope (IoThreads adds a thread while it blocks): runs the
// handler and, unless the deadline answered first, reports its result.
void run_invocation(const std::shared_ptr<Invocation>& invocation) {
  IoThreads::BlockingScope may_block;
  const auto& version_config = *invocation->version;
  InProcessContext context(
      version_config, invocation->request_id, std::move(invocation->invoked_arn),
      invocation->deadline,
      [&invocation](std::string_view line) { invocation->write_log(line, false); });
  bool failed = false;
  nlohmann::json payload = run_handler(version_config, invocation->event, context, failed);
  if (auto* recycler = invocation->deadlines->recycler) recycler->put(std::move(invocation->event));
  if (invocation->settled.exchange(true)) {
    invocation->deadlines->overrun.fetch_sub(1);
    log::warn(version_config.logical_id + " request " + invocation->request_id +
              ": the handler returned " + std::to_string(invocation->elapsed_ms() / 1000.0) +
              " s after it started, past its Timeout; its result was discarded");
    return;
  }
  invocation->deadlines->remove(*invocation);
  if (failed) {
    invocation->write_log(invocation->request_id + " ERROR " + payload.dump());
  }
  InvokeResult result;
  result.outcome = failed ? InvokeResult::Outcome::kFunctionError : InvokeResult::Outcome::kSuccess;
  result.payload = std::move(payload);
  result.request_id = invocation->request_id;
  result.executed_version = version_config.version;
  result.duration_ms = invocation->elapsed_ms();
  finish(*invocation, std::move(result));
}

}  // namespace

void InProcessInvoker::Deadlines::fire() {
  std::vector<std::shared_ptr<Invocation>> expired;
  const auto now = Clock::now();
  {
    std::lock_guard lock(mutex);
    Clock::time_point next = Clock::time_point::max();
    for (auto& lane : lanes) {
      while (lane.head && lane.head->deadline <= now) {
        Invocation& invocation = *lane.head;
        unlink_locked(invocation);
        // A linked invocation is always held by the task running it (which unlinks it before it
        // lets go), so this does not fail; checked all the same.
        if (auto held = invocation.weak_from_this().lock()) expired.push_back(std::move(held));
      }
      if (lane.head && lane.head->deadline < next) next = lane.head->deadline;
    }
    armed = next;
  }
  arm();
  for (const auto& invocation : expired) on_deadline(invocation);
}

InProcessInvoker::InProcessInvoker(boost::asio::any_io_executor executor,
                                   EventRecycler* recycler)
    : deadlines_(std::make_shared<Deadlines>(executor, recycler)),
      executor_(std::move(executor)) {}

InProcessInvoker::~InProcessInvoker() { deadlines_->stop(); }

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

std::size_t InProcessInvoker::overrun() const { return deadlines_->overrun.load(); }

void InProcessInvoker::invoke(FunctionVersionPtr version, nlohmann::json event,
                              std::string invoked_arn, InvokeCallback done) {
  start(std::move(version), std::move(event), std::move(invoked_arn), std::move(done), false);
}

void InProcessInvoker::invoke_detached(FunctionVersionPtr version, nlohmann::json event,
                                       std::string invoked_arn, InvokeCallback done) {
  start(std::move(version), std::move(event), std::move(invoked_arn), std::move(done), true);
}

void InProcessInvoker::start(FunctionVersionPtr version, nlohmann::json event,
                             std::string invoked_arn, InvokeCallback done, bool detached) {
  auto invocation = std::make_shared<Invocation>(
      std::move(version), std::move(done), std::move(event), std::move(invoked_arn), deadlines_);
  const auto& config = *invocation->version;
  std::string start = start_line(config, invocation->request_id);
  log::info_soon(start);
  invocation->log_text.reserve(256);
  invocation->log_text.append(start, line_prefix_length(config)).push_back('\n');
  deadlines_->add(*invocation);
  // In place on an I/O thread: no hand-off to another thread and back (see IoThreads). Detached
  // invocations, and calls from other threads, are posted to the I/O threads instead.
  if (!detached && IoThreads::on_io_thread()) return run_invocation(invocation);
  boost::asio::post(executor_,
                    [invocation = std::move(invocation)] { run_invocation(invocation); });
}

}  // namespace emu::lambda
