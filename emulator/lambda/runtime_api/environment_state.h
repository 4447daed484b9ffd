// The inside of an ExecutionEnvironment, shared by the files that implement it and by nothing
// else: execution_environment.cpp (the process: start, output, exit, INIT limit),
// environment_backend.cpp (the Runtime API's requests) and environment_state.cpp (what both do
// to an invocation: deliver it, settle it, end the environment).
//
// Every function here takes the State with its mutex held. Callbacks the caller must run once
// the mutex is released are pushed onto a Deferred list (run_all).
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/lambda/runtime_api/execution_environment.h"
#include "emulator/lambda/runtime_api/runtime_api_handler.h"
#include "emulator/server/http_server.h"

namespace emu::lambda {

struct ExecutionEnvironment::State {
  explicit State(boost::asio::io_context& io)
      : out(io), err(io), exit(io), deadline_timer(io), init_timer(io), reap_timer(io) {}

  std::mutex mutex;
  std::unique_ptr<ChildProcess> child;
  std::unique_ptr<server::HttpServer> server;
  boost::asio::posix::stream_descriptor out;
  boost::asio::posix::stream_descriptor err;
  boost::asio::posix::stream_descriptor exit;
  boost::asio::steady_timer deadline_timer;
  boost::asio::steady_timer init_timer;
  boost::asio::steady_timer reap_timer;
  std::string out_line;
  std::string err_line;
  int open_streams = 2;

  Listener on_available;
  Listener on_ended;
  std::shared_ptr<RuntimeApiBackend> backend_keepalive;  // the listener holds it weakly

  std::chrono::steady_clock::time_point spawned = std::chrono::steady_clock::now();
  bool initialized = false;            // the runtime has asked for an event
  std::optional<double> init_ms;       // reported once, in the first REPORT
  std::optional<RuntimeError> init_error;
  std::optional<std::string> exit_status;  // "exit status 3", "signal: aborted", once reaped
  bool ended = false;
  std::size_t invocations = 0;
  std::optional<server::Respond> waiting_next;

  struct Current {
    PendingInvocation invocation;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    bool delivered = false;
    std::string log;
  };
  std::optional<Current> current;
};

namespace environment {

using Env = ExecutionEnvironment;
using State = ExecutionEnvironment::State;
using Clock = std::chrono::steady_clock;

// Work to do once the mutex is released: callbacks and the like.
using Deferred = std::vector<std::function<void()>>;
inline void run_all(Deferred& deferred) {
  for (auto& action : deferred) action();
}

double ms_since(Clock::time_point start);

// Lambda's function-error payload from what a runtime posted to .../error or /init/error: its
// JSON body when that is an object with errorType or errorMessage, else one built from the
// Lambda-Runtime-Function-Error-Type header (the API's documented default).
nlohmann::json error_from_runtime(const RuntimeError& error);

// Lambda's payload for an invocation whose runtime process ended: "RequestId: <id> Error:
// Runtime exited with error: exit status 3" (or "signal: aborted", ...).
nlohmann::json exit_error(const std::string& request_id, const std::string& reason);

// What an invocation gets from an environment whose process ended: the INIT error the runtime
// posted, if it did, else Lambda's Runtime.ExitError with `reason`.
nlohmann::json ended_payload(const State& s, const std::string& request_id,
                             const std::string& reason);

// One line of the function's output: to the emulator's log and, while an invocation runs, to its
// own log (Invoke's LogType Tail).
void emit_line(Env& env, State& s, std::string_view line);
// Appends output bytes to `partial` and emits every complete line (and pieces of a line longer
// than CloudWatch Logs' 256 KB event limit).
void take_output(Env& env, State& s, std::string& partial, const char* data, std::size_t size);
// Reads what one pipe holds now (up to a bound, so a process that never stops writing cannot hold
// the mutex) and emits its lines. Bytes are only ever read here, under the environment's mutex:
// a line the process wrote before answering can never be in flight elsewhere when the invocation
// settles. False once the pipe has reached its end (or failed): the process closed it.
bool read_available(Env& env, State& s, bool is_stdout);
// Reads whatever the process has written so far, so lines it wrote before answering belong to
// the invocation they came from.
void drain_output(Env& env, State& s);

// A failed invocation's result.
InvokeResult failure(InvokeResult::Outcome outcome, nlohmann::json payload, double duration_ms);
// Settles the current invocation with `result`; END and REPORT close its log.
void settle(Env& env, State& s, InvokeResult result, Deferred& deferred);
// Ends the environment: kills the process, closes the listener, fails the current invocation
// with `payload` (if any), tells the owner (unless `quiet`).
void end(const std::shared_ptr<Env>& self, State& s, const nlohmann::json& payload,
         Deferred& deferred, bool quiet = false);
// Answers the waiting GET next with the current invocation and starts its deadline.
void deliver(const std::shared_ptr<Env>& self, State& s);

}  // namespace environment
}  // namespace emu::lambda
