// RuntimeApiInvoker: runs every invocation in an ExecutionEnvironment — the function's real
// `bootstrap` as a child process speaking the Lambda Runtime API — as Lambda scales a function
// (Lambda developer guide, "Understanding Lambda function scaling"):
//
//   - an invocation goes to an available (warm) environment of the same version and
//     configuration; if there is none, a new environment starts (cold start, "Init Duration" in
//     REPORT);
//   - a function has at most `cap` environments at once: ReservedConcurrentExecutions where set,
//     else RuntimeApiLimits::default_concurrency. Beyond it invocations wait (in order) for an
//     environment instead of being throttled; an available environment of another version is
//     ended to make room;
//   - an environment that ends (timeout kill, crash, init error) is dropped; the next
//     invocation starts a fresh one.
//
// Destroying the invoker ends every environment (their processes are killed and reaped).
#pragma once

#include <boost/asio/io_context.hpp>
#include <deque>
#include <map>
#include <mutex>
#include <vector>

#include "emulator/lambda/runtime_api/execution_environment.h"
#include "emulator/lambda/event_recycler.h"
#include "emulator/lambda/invoker.h"
#include "emulator/lambda/runtime_api/process_spawner.h"

namespace emu::lambda {

struct RuntimeApiLimits {
  // Environments per function when it sets no ReservedConcurrentExecutions.
  int default_concurrency = 16;
};

class RuntimeApiInvoker final : public Invoker {
 public:
  // `io` runs the Runtime API listeners, timers and output readers; `spawner` starts the
  // processes; `recycler` (optional) takes each event back once its text is made. All must
  // outlive the invoker.
  RuntimeApiInvoker(boost::asio::io_context& io, ProcessSpawner& spawner,
                    RuntimeApiLimits limits = {}, EventRecycler* recycler = nullptr);
  ~RuntimeApiInvoker() override;

  void invoke(FunctionVersionPtr version, nlohmann::json event, std::string invoked_arn,
              InvokeCallback done) override;

  struct EnvironmentInfo {
    std::string function_name;
    std::string version;
    pid_t pid = 0;
    std::size_t invocations = 0;
  };
  // The live environments, for status reports and tests.
  std::vector<EnvironmentInfo> environments() const;
  // Environments started so far (cold starts).
  std::size_t cold_starts() const;

 private:
  struct FunctionPool {
    std::vector<EnvironmentPtr> environments;
    std::vector<EnvironmentPtr> available;
    std::deque<PendingInvocation> waiting;
  };

  // Under mutex_: starts an environment for `invocation` and assigns it, or fails it.
  void start_environment(FunctionPool& pool, PendingInvocation invocation,
                         std::vector<std::function<void()>>& deferred);
  void on_available(const EnvironmentPtr& environment);
  void on_ended(const EnvironmentPtr& environment);
  int cap_of(const FunctionVersion& version) const;

  boost::asio::io_context& io_;
  ProcessSpawner& spawner_;
  RuntimeApiLimits limits_;
  EventRecycler* recycler_;
  mutable std::mutex mutex_;
  std::map<std::string, FunctionPool> pools_;  // by function name
  std::size_t cold_starts_ = 0;
  bool stopping_ = false;
};

// Which environments can serve an invocation of `version`: same version and configuration.
std::string environment_key(const FunctionVersion& version);

}  // namespace emu::lambda
