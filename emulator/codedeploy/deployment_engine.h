// DeploymentEngine: runs CodeDeploy deployments of Lambda aliases on the virtual Clock.
//
// Lifecycle (CodeDeploy user guide, "What happens during an AWS Lambda deployment"):
//   BeforeAllowTraffic  invokes the PreTraffic hook (asynchronously, with {"DeploymentId",
//                       "LifecycleEventHookExecutionId"}) and waits for its
//                       PutLifecycleEventHookExecutionStatus; no traffic reaches the new
//                       version before it succeeds.
//   AllowTraffic        shifts the alias's weights along the configuration's timeline.
//   AfterAllowTraffic   invokes the PostTraffic hook the same way.
// A hook reporting Failed, a hook invocation that errors, or no report within one hour of
// virtual time fails the event. A failed or stopped deployment with auto-rollback returns the
// alias to 100 % of the old version at once and records a rollback deployment, as CodeDeploy
// does; its status is Failed (Stopped for StopDeployment).
//
// Thread-safe: every state change happens under one mutex; alias changes go through the
// FunctionStore, which publishes them atomically, so a request sees exactly one routing.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "emulator/codedeploy/deployment.h"
#include "emulator/core/clock.h"
#include "emulator/core/result.h"
#include "emulator/lambda/lambda_service.h"

namespace emu::codedeploy {

struct DeploymentRequest {
  std::string application_name;
  std::string group_name;
  DeploymentConfig config;
  std::string function_name;      // as the FunctionStore knows it
  std::string alias;
  std::string from_version;
  std::string to_version;
  std::string pre_traffic_hook;   // function name, "" = none
  std::string post_traffic_hook;  // function name, "" = none
  bool auto_rollback = true;      // SAM's DEPLOYMENT_FAILURE / STOP_ON_REQUEST events
  // The deployment group's CloudWatch alarms (DeploymentPreference.Alarms): one in ALARM stops
  // the deployment and, as SAM enables DEPLOYMENT_STOP_ON_ALARM, rolls it back.
  std::vector<std::string> alarms;
  std::string description;
};

// How long CodeDeploy waits for a hook's status (CodeDeploy user guide: a Lambda hook must
// report within one hour).
inline constexpr std::chrono::milliseconds kHookTimeout = std::chrono::hours(1);

class DeploymentEngine {
 public:
  // Both must outlive the engine.
  DeploymentEngine(Clock& clock, lambda::LambdaService& lambda);
  ~DeploymentEngine();

  // Creates the deployment and starts it at once. Refused (DeploymentLimitExceededException)
  // while another deployment of the same function is in progress.
  Result<std::string> start(DeploymentRequest request);

  // Errors: DeploymentDoesNotExistException, InvalidDeploymentIdException.
  Result<Deployment> get(const std::string& id) const;
  std::vector<Deployment> list() const;  // oldest first
  // The id of the deployment of `function_name` in progress, if any.
  std::optional<std::string> in_progress(const std::string& function_name) const;

  // A hook's report. Errors as CodeDeploy's: DeploymentDoesNotExistException,
  // InvalidLifecycleEventHookExecutionIdException, LifecycleEventAlreadyCompletedException,
  // InvalidLifecycleEventHookExecutionStatusException (status must be Succeeded or Failed).
  Result<bool> put_hook_status(const std::string& deployment_id, const std::string& execution_id,
                               const std::string& status);

  // Which of `alarms` is in ALARM now, with its StateReason ("" when none is). Set once, before
  // the first start(); without it alarms are not checked at start.
  using AlarmCheck = std::function<std::optional<std::pair<std::string, std::string>>(
      const std::vector<std::string>& alarms)>;
  void set_alarm_check(AlarmCheck check) { alarm_check_ = std::move(check); }
  // An alarm went to ALARM: every deployment in progress that it guards stops with
  // ALARM_ACTIVE and rolls back. Returns how many it stopped.
  std::size_t alarm_fired(const std::string& alarm_name, const std::string& reason);

  // StopDeployment. Errors: DeploymentDoesNotExistException, DeploymentAlreadyCompletedException.
  Result<bool> stop(const std::string& deployment_id, bool auto_rollback);

  // Increases on every change of any deployment; wait_for_change blocks (not on an I/O thread!)
  // until it differs from `seen` or `timeout` passes, and returns the current value.
  std::uint64_t generation() const;
  std::uint64_t wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout) const;

  Clock& clock() { return clock_; }

 private:
  struct Record;
  void begin_event(Record& record, std::size_t index);
  void run_hook(Record& record, std::size_t index);
  void start_traffic(Record& record);
  void apply_step(Record& record, std::size_t step);
  void succeed_event(Record& record, std::size_t index);
  // Ends the deployment as Failed (or Stopped). `rollback` decides whether the alias returns to
  // the old version; unset, the deployment's own auto-rollback setting decides.
  void fail(Record& record, const std::string& code, const std::string& message,
            bool stopped = false, std::optional<bool> rollback = std::nullopt);
  void finish(Record& record, DeploymentStatus status);
  // Stops with ALARM_ACTIVE and rolls back; `reason` (the alarm's StateReason) becomes the
  // stopped event's diagnostics.
  void stop_on_alarm(Record& record, const std::string& alarm, const std::string& reason);
  Result<bool> set_weight(Record& record, double weight);
  void changed();
  // Runs the record's deferred work (hook invocations) with the mutex released, then retakes
  // it: an invoker may answer synchronously and its callback locks the engine.
  void run_deferred(std::unique_lock<std::mutex>& lock, Record& record);

  Clock& clock_;
  lambda::LambdaService& lambda_;
  AlarmCheck alarm_check_;
  mutable std::mutex mutex_;
  mutable std::condition_variable change_;
  std::uint64_t generation_ = 0;
  std::map<std::string, std::unique_ptr<Record>> records_;  // by id
  std::vector<std::string> order_;                          // ids, oldest first
};

}  // namespace emu::codedeploy
