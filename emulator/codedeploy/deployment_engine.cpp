#include "emulator/codedeploy/deployment_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "emulator/core/ids.h"
#include "emulator/core/log.h"

namespace emu::codedeploy {

using std::chrono::milliseconds;

// One deployment's state: the public value plus what the engine needs to drive it. Guarded by
// the engine's mutex.
struct DeploymentEngine::Record {
  Deployment deployment;
  DeploymentRequest request;
  std::vector<TrafficStep> timeline;
  std::vector<Clock::TimerId> timers;  // cancelled when the deployment ends
  milliseconds traffic_start{0};
  // Work to do after the engine's mutex is released (invocations whose callbacks may lock it).
  std::vector<std::function<void()>> deferred;
};

namespace {

constexpr const char* kEvents[] = {kBeforeAllowTraffic, kAllowTraffic, kAfterAllowTraffic};

std::string percent(double weight) {
  char text[16];
  std::snprintf(text, sizeof text, "%g%%", std::round(weight * 1000.0) / 10.0);
  return text;
}

std::string split_text(const Deployment& d) {
  return "v" + d.from_version + " " + percent(1.0 - d.new_version_weight) + " | v" + d.to_version +
         " " + percent(d.new_version_weight);
}

bool valid_deployment_id(const std::string& id) {
  if (id.size() != 11 || id.rfind("d-", 0) != 0) return false;
  for (std::size_t i = 2; i < id.size(); ++i)
    if (!std::isupper(static_cast<unsigned char>(id[i])) &&
        !std::isdigit(static_cast<unsigned char>(id[i])))
      return false;
  return true;
}

std::string new_deployment_id() {
  return "d-" + ids::stable_id(ids::new_request_id(), 9, ids::kUpperAlnum);
}

// errorInformation.message of a deployment its alarms stopped (CodeDeploy's ALARM_ACTIVE, as
// recorded from real deployments: each alarm's name in <>). Why the alarm fired (its StateReason)
// goes into the failed lifecycle event's diagnostics.
std::string alarm_message(const std::vector<std::string>& alarms) {
  std::string message =
      "One or more alarms have been activated according to the Amazon CloudWatch metrics you "
      "selected, and the affected deployments have been stopped. Activated alarms:";
  for (const auto& alarm : alarms) message += " <" + alarm + ">";
  return message;
}

void log_event(const Deployment& d, const std::string& what) {
  log::info("[CodeDeploy " + d.id + " " + d.function_name + ":" + d.alias + "] " + what);
}

// A deployment with a new id, created and started at `now`, of what `source` deploys: its
// application, deployment group, configuration, function and alias. `source` is the
// DeploymentRequest, or for a rollback the Deployment it rolls back.
template <class Source>
Deployment new_deployment(const Source& source, milliseconds now) {
  Deployment d;
  d.id = new_deployment_id();
  d.application_name = source.application_name;
  d.group_name = source.group_name;
  d.config = source.config;
  d.function_name = source.function_name;
  d.alias = source.alias;
  d.create_time = now;
  d.start_time = now;
  return d;
}

}  // namespace

std::string to_string(DeploymentStatus status) {
  switch (status) {
    case DeploymentStatus::kCreated:
      return "Created";
    case DeploymentStatus::kInProgress:
      return "InProgress";
    case DeploymentStatus::kSucceeded:
      return "Succeeded";
    case DeploymentStatus::kFailed:
      return "Failed";
    case DeploymentStatus::kStopped:
      return "Stopped";
  }
  return "Unknown";
}

DeploymentEngine::DeploymentEngine(Clock& clock, lambda::LambdaService& lambda)
    : clock_(clock), lambda_(lambda) {}

DeploymentEngine::~DeploymentEngine() {
  std::lock_guard lock(mutex_);
  for (auto& [id, record] : records_)
    for (auto timer : record->timers) clock_.cancel(timer);
}

void DeploymentEngine::run_deferred(std::unique_lock<std::mutex>& lock, Record& record) {
  auto work = std::move(record.deferred);
  record.deferred.clear();
  lock.unlock();
  for (auto& item : work) item();
  lock.lock();
}

Result<std::string> DeploymentEngine::start(DeploymentRequest request) {
  std::unique_lock lock(mutex_);
  for (const auto& id : order_) {
    const auto& other = records_.at(id)->deployment;
    if (!other.finished() && other.function_name == request.function_name)
      return Error{"DeploymentLimitExceededException",
                   "Deployment " + other.id + " of " + other.function_name +
                       " is in progress; wait for it to end or stop it "
                       "(aws deploy stop-deployment --deployment-id " +
                       other.id + ")."};
  }
  auto record = std::make_unique<Record>();
  auto& d = record->deployment;
  d = new_deployment(request, clock_.now());
  d.description = request.description;
  d.from_version = request.from_version;
  d.to_version = request.to_version;
  d.auto_rollback = request.auto_rollback;
  d.alarms = request.alarms;
  d.status = DeploymentStatus::kInProgress;
  for (const char* name : kEvents) {
    d.events.emplace_back();
    d.events.back().name = name;
  }
  d.events[0].hook_function = request.pre_traffic_hook;
  d.events[2].hook_function = request.post_traffic_hook;
  record->timeline = request.config.timeline();
  record->request = std::move(request);
  std::string id = d.id;
  log_event(d, "created: " + d.config.name + ", version " + d.from_version + " -> " + d.to_version);

  Record& stored = *record;
  records_.emplace(id, std::move(record));
  order_.push_back(id);
  // An alarm already in ALARM stops the deployment before any traffic moves.
  if (auto firing = alarm_check_ && !stored.request.alarms.empty()
                        ? alarm_check_(stored.request.alarms)
                        : std::nullopt) {
    stop_on_alarm(stored, firing->first, firing->second);
    run_deferred(lock, stored);
    return id;
  }
  begin_event(stored, 0);
  changed();
  run_deferred(lock, stored);
  return id;
}

void DeploymentEngine::begin_event(Record& record, std::size_t index) {
  auto& d = record.deployment;
  if (index >= d.events.size()) return finish(record, DeploymentStatus::kSucceeded);
  auto& event = d.events[index];
  event.status = "InProgress";
  event.start_time = clock_.now();
  log_event(d, event.name + " InProgress");
  if (index == 1) return start_traffic(record);
  if (event.hook_function.empty()) return succeed_event(record, index);
  run_hook(record, index);
}

void DeploymentEngine::run_hook(Record& record, std::size_t index) {
  auto& d = record.deployment;
  auto& event = d.events[index];
  event.hook_execution_id = ids::new_short_id(64);
  auto target = lambda_.resolve(event.hook_function, "");
  if (!target.ok()) {
    return fail(record, "HOOK_EXECUTION_FAILURE",
                "The " + event.name + " hook function " + event.hook_function +
                    " could not be invoked: " + target.error().message);
  }
  std::string id = d.id;
  std::string execution_id = event.hook_execution_id;
  record.timers.push_back(clock_.schedule_at(clock_.now() + kHookTimeout, [this, id, index,
                                                                           execution_id] {
    std::unique_lock lock(mutex_);
    auto it = records_.find(id);
    if (it == records_.end()) return;
    auto& r = *it->second;
    const auto& e = r.deployment.events[index];
    if (r.deployment.finished() || e.status != "InProgress" || e.hook_execution_id != execution_id)
      return;
    fail(r, "TIMEOUT",
         "The " + e.name + " hook " + e.hook_function +
             " did not report PutLifecycleEventHookExecutionStatus within 1 hour.");
    run_deferred(lock, r);
  }));
  log_event(d, event.name + ": invoking hook " + event.hook_function);
  nlohmann::json payload = {{"DeploymentId", id}, {"LifecycleEventHookExecutionId", execution_id}};
  record.deferred.push_back([this, target = std::move(target).value(), payload, id, index,
                             execution_id]() mutable {
    // Detached: CodeDeploy invokes a hook asynchronously and waits for its
    // PutLifecycleEventHookExecutionStatus, not for the invocation.
    lambda_.invoke_detached(
        target, std::move(payload), [this, id, index, execution_id](lambda::InvokeResult result) {
          if (result.outcome == lambda::InvokeResult::Outcome::kSuccess) return;
          std::unique_lock lock(mutex_);
          auto it = records_.find(id);
          if (it == records_.end()) return;
          auto& r = *it->second;
          const auto& e = r.deployment.events[index];
          if (r.deployment.finished() || e.hook_execution_id != execution_id ||
              e.status != "InProgress")
            return;
          fail(r, "HOOK_EXECUTION_FAILURE",
               "The " + e.name + " hook function " + e.hook_function +
                   " failed: " + result.payload.value("errorType", std::string()) + ": " +
                   result.payload.value("errorMessage", std::string()));
          run_deferred(lock, r);
        });
  });
}

void DeploymentEngine::start_traffic(Record& record) {
  record.traffic_start = clock_.now();
  apply_step(record, 0);
}

void DeploymentEngine::apply_step(Record& record, std::size_t step) {
  auto& d = record.deployment;
  if (d.finished()) return;
  auto weight = record.timeline[step].weight;
  if (auto set = set_weight(record, weight); !set.ok()) {
    return fail(
        record, "INVALID_LAMBDA_CONFIGURATION",
        "Could not shift alias " + d.alias + " of " + d.function_name + ": " + set.error().message);
  }
  log_event(d, "AllowTraffic: " + split_text(d));
  if (step + 1 >= record.timeline.size()) {
    d.next_shift_at.reset();
    d.next_weight.reset();
    return succeed_event(record, 1);
  }
  const auto& next = record.timeline[step + 1];
  d.next_shift_at = record.traffic_start + next.at;
  d.next_weight = next.weight;
  std::string id = d.id;
  record.timers.push_back(clock_.schedule_at(*d.next_shift_at, [this, id, step] {
    std::unique_lock lock(mutex_);
    auto it = records_.find(id);
    if (it == records_.end()) return;
    apply_step(*it->second, step + 1);
    changed();
    run_deferred(lock, *it->second);
  }));
}

Result<bool> DeploymentEngine::set_weight(Record& record, double weight) {
  auto& d = record.deployment;
  lambda::AliasChange change;
  if (weight >= 1.0) {
    change.function_version = d.to_version;
    change.additional_weights = std::map<std::string, double>{};
  } else {
    change.function_version = d.from_version;
    change.additional_weights = std::map<std::string, double>{{d.to_version, weight}};
  }
  auto updated = lambda_.store().update_alias(d.function_name, d.alias, change, "");
  if (!updated.ok()) return updated.error();
  d.new_version_weight = weight;
  return true;
}

void DeploymentEngine::succeed_event(Record& record, std::size_t index) {
  auto& d = record.deployment;
  auto& event = d.events[index];
  event.status = "Succeeded";
  event.end_time = clock_.now();
  log_event(d, event.name + " Succeeded");
  begin_event(record, index + 1);
}

void DeploymentEngine::fail(Record& record, const std::string& code, const std::string& message,
                            bool stopped, std::optional<bool> rollback_choice) {
  auto& d = record.deployment;
  if (d.finished()) return;
  bool rollback = rollback_choice.value_or(d.auto_rollback);
  for (auto timer : record.timers) clock_.cancel(timer);
  record.timers.clear();
  for (auto& event : d.events) {
    if (event.status == "InProgress") {
      event.status = "Failed";
      event.end_time = clock_.now();
      event.diagnostics = message;
    } else if (event.status == "Pending") {
      event.status = "Skipped";
    }
  }
  d.error_code = code;
  d.error_message = message;
  d.next_shift_at.reset();
  d.next_weight.reset();
  log_event(d, (stopped ? "stopped: " : "failed: ") + code + ": " + message);

  if (rollback) {
    // CodeDeploy rolls back by redeploying the last good revision in a new deployment; for
    // Lambda that moves the alias back to the old version at once.
    auto rollback_record = std::make_unique<Record>();
    auto& r = rollback_record->deployment;
    r = new_deployment(d, clock_.now());
    r.creator = "codeDeployRollback";
    r.from_version = d.to_version;
    r.to_version = d.from_version;
    r.auto_rollback = false;
    r.complete_time = r.create_time;
    r.description = "Rollback of " + d.id;
    r.rollback_triggering_deployment_id = d.id;
    // rollbackInfo.rollbackMessage of both, in CodeDeploy's words (as recorded from real
    // deployments): "Deployment d-Y is triggered to roll back deployment d-X." and "Deployment d-X
    // terminated. Automatic rollback is triggered with a DeploymentId d-Y."
    r.rollback_message = "Deployment " + r.id + " is triggered to roll back deployment " + d.id + ".";
    lambda::AliasChange back;
    back.function_version = d.from_version;
    back.additional_weights = std::map<std::string, double>{};
    auto restored = lambda_.store().update_alias(d.function_name, d.alias, back, "");
    r.status = restored.ok() ? DeploymentStatus::kSucceeded : DeploymentStatus::kFailed;
    if (!restored.ok()) {
      r.error_code = "INVALID_LAMBDA_CONFIGURATION";
      r.error_message = restored.error().message;
    } else {
      d.new_version_weight = 0;
      r.new_version_weight = 1.0;  // the rollback's target (the old version) has all traffic
    }
    for (const char* name : kEvents) {
      LifecycleEvent event;
      event.name = name;
      event.status = std::string(name) == kAllowTraffic ? "Succeeded" : "Skipped";
      event.start_time = event.end_time = r.create_time;
      r.events.push_back(event);
    }
    d.rollback_deployment_id = r.id;
    d.rollback_message = "Deployment " + d.id +
                         " terminated. Automatic rollback is triggered with a DeploymentId " +
                         r.id + ".";
    log_event(d, "rolled back by " + r.id + ": " + split_text(d));
    order_.push_back(r.id);
    records_.emplace(r.id, std::move(rollback_record));
  }
  finish(record, stopped ? DeploymentStatus::kStopped : DeploymentStatus::kFailed);
}

void DeploymentEngine::finish(Record& record, DeploymentStatus status) {
  auto& d = record.deployment;
  for (auto timer : record.timers) clock_.cancel(timer);
  record.timers.clear();
  d.status = status;
  d.complete_time = clock_.now();
  log_event(d, to_string(status));
  changed();
}

void DeploymentEngine::changed() {
  ++generation_;
  change_.notify_all();
}

Result<Deployment> DeploymentEngine::get(const std::string& id) const {
  if (!valid_deployment_id(id))
    return Error{"InvalidDeploymentIdException",
                 "Specified DeploymentId is not in the valid format: " + id};
  std::lock_guard lock(mutex_);
  auto it = records_.find(id);
  if (it == records_.end())
    return Error{"DeploymentDoesNotExistException",
                 "The deployment " + id + " could not be found."};
  return it->second->deployment;
}

std::vector<Deployment> DeploymentEngine::list() const {
  std::lock_guard lock(mutex_);
  std::vector<Deployment> all;
  for (const auto& id : order_) all.push_back(records_.at(id)->deployment);
  return all;
}

std::optional<std::string> DeploymentEngine::in_progress(const std::string& function_name) const {
  std::lock_guard lock(mutex_);
  for (const auto& [id, record] : records_)
    if (!record->deployment.finished() && record->deployment.function_name == function_name)
      return id;
  return std::nullopt;
}

Result<bool> DeploymentEngine::put_hook_status(const std::string& deployment_id,
                                               const std::string& execution_id,
                                               const std::string& status) {
  if (auto found = get(deployment_id); !found.ok()) return found.error();
  if (status != "Succeeded" && status != "Failed")
    return Error{"InvalidLifecycleEventHookExecutionStatusException",
                 "The status " + status + " is not valid: a hook reports Succeeded or Failed."};
  std::unique_lock lock(mutex_);
  auto& record = *records_.at(deployment_id);
  auto& d = record.deployment;
  for (std::size_t i = 0; i < d.events.size(); ++i) {
    auto& event = d.events[i];
    if (event.hook_execution_id.empty() || event.hook_execution_id != execution_id) continue;
    if (event.status != "InProgress" || d.finished())
      return Error{"LifecycleEventAlreadyCompletedException",
                   "The lifecycle event " + event.name + " of deployment " + deployment_id +
                       " has already completed (" + event.status + ")."};
    log_event(d, event.name + ": hook " + event.hook_function + " reported " + status);
    if (status == "Succeeded") {
      succeed_event(record, i);
    } else {
      fail(record, "HOOK_EXECUTION_FAILURE",
           "The " + event.name + " hook " + event.hook_function + " reported Failed.");
    }
    changed();
    run_deferred(lock, record);
    return true;
  }
  return Error{"InvalidLifecycleEventHookExecutionIdException",
               "The lifecycle event hook execution id " + execution_id +
                   " is not valid for deployment " + deployment_id + "."};
}

Result<bool> DeploymentEngine::stop(const std::string& deployment_id, bool auto_rollback) {
  if (auto found = get(deployment_id); !found.ok()) return found.error();
  std::unique_lock lock(mutex_);
  auto& record = *records_.at(deployment_id);
  if (record.deployment.finished())
    return Error{"DeploymentAlreadyCompletedException",
                 "The deployment " + deployment_id + " has already completed."};
  fail(record, "MANUAL_STOP", "The deployment was stopped by request (StopDeployment).",
       /*stopped=*/true, auto_rollback);
  run_deferred(lock, record);
  return true;
}

void DeploymentEngine::stop_on_alarm(Record& record, const std::string& alarm,
                                     const std::string& reason) {
  auto& d = record.deployment;
  // The event that was running is the one the alarm stopped (AllowTraffic while traffic shifts).
  std::optional<std::size_t> running;
  for (std::size_t i = 0; i < d.events.size(); ++i)
    if (d.events[i].status == "InProgress") running = i;
  // SAM's deployment groups enable DEPLOYMENT_STOP_ON_ALARM: the deployment stops and rolls
  // back whatever its own auto-rollback setting.
  fail(record, "ALARM_ACTIVE", alarm_message({alarm}), /*stopped=*/true, /*rollback=*/true);
  std::string why = "Alarm " + alarm + " is in ALARM" + (reason.empty() ? "" : ": " + reason);
  if (running) d.events[*running].diagnostics = why;
  log_event(d, why);
}

std::size_t DeploymentEngine::alarm_fired(const std::string& alarm_name,
                                          const std::string& reason) {
  std::unique_lock lock(mutex_);
  std::vector<Record*> guarded;
  for (auto& [id, record] : records_) {
    const auto& alarms = record->request.alarms;
    if (!record->deployment.finished() &&
        std::find(alarms.begin(), alarms.end(), alarm_name) != alarms.end())
      guarded.push_back(record.get());
  }
  for (Record* record : guarded) {
    stop_on_alarm(*record, alarm_name, reason);
    run_deferred(lock, *record);
  }
  return guarded.size();
}

std::uint64_t DeploymentEngine::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

std::uint64_t DeploymentEngine::wait_for_change(std::uint64_t seen,
                                                std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  change_.wait_for(lock, timeout, [&] { return generation_ != seen; });
  return generation_;
}

}  // namespace emu::codedeploy
