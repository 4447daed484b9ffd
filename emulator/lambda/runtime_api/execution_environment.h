// ExecutionEnvironment: one Lambda execution environment in Runtime API mode — a `bootstrap`
// child process, the Runtime API listener (127.0.0.1, a port of its own) it talks to, and at most
// one invocation at a time, as Lambda runs them (Lambda developer guide, "Lambda execution
// environment lifecycle"):
//
//   INIT    the process starts; its first GET .../invocation/next ends INIT (at most 10 s, the
//           INIT limit). POST /runtime/init/error, an exit or the 10 s limit fail the waiting
//           invocation as Lambda reports them, and the environment ends.
//   INVOKE  an assigned invocation is the answer to GET next; its deadline (Timeout) starts
//           then. .../response or .../error settles it and the environment is available again
//           (warm); past the deadline the process is killed (Sandbox.Timedout) and the
//           environment ends; an exit mid-invocation gives Runtime.ExitError and ends it.
//
// The process's stdout and stderr become the function's log lines (emulator output with the
// "[LogicalId] " prefix, and the invocation's own log for Invoke's LogType Tail).
//
// Threads: everything is driven by the io_context's threads under one mutex; the owner's
// callbacks (`on_available`, `on_ended`) and each invocation's `done` run with no lock held.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "emulator/core/result.h"
#include "emulator/lambda/invoker.h"
#include "emulator/lambda/runtime_api/process_spawner.h"

namespace emu::lambda {

// An invocation waiting for, or assigned to, an environment.
struct PendingInvocation {
  FunctionVersionPtr version;
  std::string event;        // the payload as JSON text
  std::string invoked_arn;
  InvokeCallback done;
  std::string request_id;
  std::chrono::steady_clock::time_point queued = std::chrono::steady_clock::now();
};

class ExecutionEnvironment : public std::enable_shared_from_this<ExecutionEnvironment> {
 public:
  using Listener = std::function<void(const std::shared_ptr<ExecutionEnvironment>&)>;

  // Starts the version's bootstrap with its Runtime API listener. `on_available` runs after an
  // invocation settled and the environment can take another; `on_ended` once, when it can take
  // no more (its process exited or was killed).
  static Result<std::shared_ptr<ExecutionEnvironment>> start(boost::asio::io_context& io,
                                                             ProcessSpawner& spawner,
                                                             FunctionVersionPtr version,
                                                             Listener on_available,
                                                             Listener on_ended);
  ~ExecutionEnvironment();

  // Runs `invocation` next. Precondition: the environment is available (new, or handed back
  // through on_available) and has not ended.
  void assign(PendingInvocation invocation);
  // Kills the process; an invocation in progress fails with Runtime.ExitError. Does not call
  // the listeners. Idempotent.
  void shut_down(const std::string& why);

  const FunctionVersionPtr& version() const { return version_; }
  pid_t pid() const;
  std::uint16_t runtime_api_port() const;
  std::size_t invocations() const;

  struct State;  // the mutable part, defined (and only usable) in the .cpp
  State& state() { return *state_; }

 private:
  ExecutionEnvironment(FunctionVersionPtr version, std::unique_ptr<State> state);
  FunctionVersionPtr version_;
  std::unique_ptr<State> state_;
};

using EnvironmentPtr = std::shared_ptr<ExecutionEnvironment>;

// The process environment Lambda gives a bootstrap (developer guide, "Defined runtime
// environment variables"): the version's variables plus AWS_LAMBDA_RUNTIME_API, PATH,
// LD_LIBRARY_PATH (the task root first), LANG and AWS_LAMBDA_INITIALIZATION_TYPE.
std::map<std::string, std::string> bootstrap_environment(const FunctionVersion& version,
                                                         const std::string& runtime_api);

}  // namespace emu::lambda
