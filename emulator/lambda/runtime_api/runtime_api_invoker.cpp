#include "emulator/lambda/runtime_api/runtime_api_invoker.h"

#include <algorithm>

#include "emulator/core/ids.h"
#include "emulator/core/log.h"
#include "emulator/lambda/event_recycler.h"
#include "emulator/lambda/invocation_log.h"
#include "emulator/lambda/runtime_api/runtime_api_handler.h"
#include "runtime/json_text.h"

namespace emu::lambda {
namespace {

using Deferred = std::vector<std::function<void()>>;
using Clock = std::chrono::steady_clock;
// How long the oldest waiting invocation may wait for an environment of its own version before
// one of another version is ended to make room for it.
constexpr auto kMaxWaitBeforeReplacing = std::chrono::milliseconds(100);

// environment_key(a) == environment_key(b), without building the keys.
bool same_environment(const FunctionVersion& a, const FunctionVersion& b) {
  return &a == &b || (a.version == b.version && a.revision_id == b.revision_id &&
                      a.code_sha256 == b.code_sha256);
}

void erase(std::vector<EnvironmentPtr>& list, const EnvironmentPtr& environment) {
  list.erase(std::remove(list.begin(), list.end(), environment), list.end());
}

}  // namespace

std::string environment_key(const FunctionVersion& version) {
  return version.version + "#" + version.revision_id + "#" + version.code_sha256;
}

RuntimeApiInvoker::RuntimeApiInvoker(boost::asio::io_context& io, ProcessSpawner& spawner,
                                     RuntimeApiLimits limits, EventRecycler* recycler)
    : io_(io), spawner_(spawner), limits_(limits), recycler_(recycler) {}

RuntimeApiInvoker::~RuntimeApiInvoker() {
  std::map<std::string, FunctionPool> pools;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    pools.swap(pools_);
  }
  for (auto& [name, pool] : pools)
    for (auto& environment : pool.environments) environment->shut_down("the emulator is stopping");
}

int RuntimeApiInvoker::cap_of(const FunctionVersion& version) const {
  // ReservedConcurrentExecutions: 0 would throttle every invocation on AWS; here it still allows
  // one environment (docs/runtime-api.md).
  return version.reserved_concurrency ? std::max(1, *version.reserved_concurrency)
                                      : limits_.default_concurrency;
}

void RuntimeApiInvoker::start_environment(FunctionPool& pool, PendingInvocation invocation,
                                          Deferred& deferred) {
  auto version = invocation.version;
  auto environment = ExecutionEnvironment::start(
      io_, spawner_, version, [this](const EnvironmentPtr& e) { on_available(e); },
      [this](const EnvironmentPtr& e) { on_ended(e); });
  if (!environment.ok()) {
    // Lambda's error when the runtime cannot be started (bootstrap missing or not executable).
    auto message = "RequestId: " + invocation.request_id +
                   " Error: cannot start the bootstrap: " + environment.error().message;
    log::error(function_line(*version, message));
    InvokeResult result;
    result.outcome = InvokeResult::Outcome::kFunctionError;
    result.payload = error_payload("Runtime.InvalidEntrypoint", message);
    result.request_id = invocation.request_id;
    result.executed_version = version->version;
    deferred.push_back([done = std::move(invocation.done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
    return;
  }
  ++cold_starts_;
  pool.environments.push_back(environment.value());
  deferred.push_back([environment = environment.value(), invocation = std::move(invocation)]() mutable {
    environment->assign(std::move(invocation));
  });
}

void RuntimeApiInvoker::invoke(FunctionVersionPtr version, nlohmann::json event,
                               std::string invoked_arn, InvokeCallback done) {
  PendingInvocation invocation{version, lambda_runtime::dump_json(event), std::move(invoked_arn),
                               std::move(done), ids::new_request_id(), Clock::now()};
  // Only its text goes on: the value can be overwritten by the next request's event.
  if (recycler_) recycler_->put(std::move(event));
  if (invocation.event.size() > kRuntimeResponseLimit) {
    // Lambda refuses a synchronous request payload over 6 MB before any runtime sees it (AWS
    // Lambda developer guide, "Lambda quotas"; the Invoke API answers RequestEntityTooLarge).
    InvokeResult result;
    result.outcome = InvokeResult::Outcome::kFunctionError;
    result.payload = error_payload("RequestEntityTooLarge",
                                   "Request must be smaller than 6291456 bytes for the "
                                   "InvokeFunction operation (this event has " +
                                       std::to_string(invocation.event.size()) + " bytes)");
    result.request_id = invocation.request_id;
    result.executed_version = version->version;
    return invocation.done(std::move(result));
  }
  Deferred deferred;
  {
    std::lock_guard lock(mutex_);
    auto& pool = pools_[version->function_name];
    auto warm = std::find_if(pool.available.begin(), pool.available.end(),
                             [&](const EnvironmentPtr& e) {
                               return same_environment(*e->version(), *version);
                             });
    if (warm != pool.available.end()) {
      auto environment = *warm;
      pool.available.erase(warm);
      deferred.push_back([environment, invocation = std::move(invocation)]() mutable {
        environment->assign(std::move(invocation));
      });
    } else if (static_cast<int>(pool.environments.size()) < cap_of(*version)) {
      start_environment(pool, std::move(invocation), deferred);
    } else if (!pool.available.empty()) {
      // Full, but an environment of another version or configuration is idle: make room.
      auto idle = pool.available.front();
      pool.available.erase(pool.available.begin());
      erase(pool.environments, idle);
      deferred.push_back([idle] { idle->shut_down("replaced by an environment of another version"); });
      start_environment(pool, std::move(invocation), deferred);
    } else {
      pool.waiting.push_back(std::move(invocation));
    }
  }
  for (auto& action : deferred) action();
}

void RuntimeApiInvoker::on_available(const EnvironmentPtr& environment) {
  Deferred deferred;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    auto& pool = pools_[environment->version()->function_name];
    if (std::find(pool.environments.begin(), pool.environments.end(), environment) ==
        pool.environments.end())
      return;  // already replaced
    const auto& own = *environment->version();
    // Oldest first, but without churning processes: the oldest waiting invocation takes this
    // environment when it is of the same version, or when its version has no environment at all
    // or has waited too long; otherwise the oldest invocation of this environment's own version
    // runs here (the versions with environments serve their own queue, so none starves).
    auto same = std::find_if(pool.waiting.begin(), pool.waiting.end(), [&](const PendingInvocation& p) {
      return same_environment(*p.version, own);
    });
    const bool head_needs_room =
        !pool.waiting.empty() && !same_environment(*pool.waiting.front().version, own) &&
        (Clock::now() - pool.waiting.front().queued > kMaxWaitBeforeReplacing ||
         std::none_of(pool.environments.begin(), pool.environments.end(),
                      [&](const EnvironmentPtr& e) {
                        return same_environment(*e->version(), *pool.waiting.front().version);
                      }));
    if (same != pool.waiting.end() && !head_needs_room) {
      auto invocation = std::move(*same);
      pool.waiting.erase(same);
      deferred.push_back([environment, invocation = std::move(invocation)]() mutable {
        environment->assign(std::move(invocation));
      });
    } else if (!pool.waiting.empty()) {
      // The oldest invocation is of another version: this environment gives its place up.
      erase(pool.environments, environment);
      deferred.push_back([environment] {
        environment->shut_down("replaced by an environment of another version");
      });
      auto invocation = std::move(pool.waiting.front());
      pool.waiting.pop_front();
      start_environment(pool, std::move(invocation), deferred);
    } else {
      pool.available.push_back(environment);
    }
  }
  for (auto& action : deferred) action();
}

void RuntimeApiInvoker::on_ended(const EnvironmentPtr& environment) {
  Deferred deferred;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    auto& pool = pools_[environment->version()->function_name];
    erase(pool.environments, environment);
    erase(pool.available, environment);
    if (!pool.waiting.empty()) {
      auto invocation = std::move(pool.waiting.front());
      pool.waiting.pop_front();
      start_environment(pool, std::move(invocation), deferred);
    }
  }
  for (auto& action : deferred) action();
}

std::vector<RuntimeApiInvoker::EnvironmentInfo> RuntimeApiInvoker::environments() const {
  std::vector<EnvironmentPtr> all;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, pool] : pools_)
      all.insert(all.end(), pool.environments.begin(), pool.environments.end());
  }
  std::vector<EnvironmentInfo> infos;
  for (const auto& environment : all) {
    infos.push_back({environment->version()->function_name, environment->version()->version,
                     environment->pid(), environment->invocations()});
  }
  return infos;
}

std::size_t RuntimeApiInvoker::cold_starts() const {
  std::lock_guard lock(mutex_);
  return cold_starts_;
}

}  // namespace emu::lambda
