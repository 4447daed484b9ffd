// Deployment: one CodeDeploy deployment of a Lambda alias, as a value (a copy of the engine's
// record at one instant). Field meanings follow botocore's `codedeploy` DeploymentInfo.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "emulator/codedeploy/deployment_config.h"

namespace emu::codedeploy {

enum class DeploymentStatus { kCreated, kInProgress, kSucceeded, kFailed, kStopped };
std::string to_string(DeploymentStatus status);  // "Created", "InProgress", ...

// The Lambda lifecycle events, in order (CodeDeploy user guide, "AppSpec 'hooks' section for an
// AWS Lambda deployment").
inline constexpr const char* kBeforeAllowTraffic = "BeforeAllowTraffic";
inline constexpr const char* kAllowTraffic = "AllowTraffic";
inline constexpr const char* kAfterAllowTraffic = "AfterAllowTraffic";

struct LifecycleEvent {
  std::string name;
  std::string status = "Pending";  // Pending, InProgress, Succeeded, Failed, Skipped
  std::optional<std::chrono::milliseconds> start_time;  // virtual
  std::optional<std::chrono::milliseconds> end_time;
  std::string hook_function;       // the hook's function name, "" when none
  std::string hook_execution_id;   // LifecycleEventHookExecutionId given to the hook
  std::string diagnostics;         // why it failed, for people
};

struct Deployment {
  std::string id;                  // "d-" + 9 upper-case alphanumerics
  std::string application_name;
  std::string group_name;
  DeploymentConfig config;
  std::string description;
  std::string creator = "user";    // "codeDeployRollback" for a rollback deployment

  std::string function_name;
  std::string alias;
  std::string from_version;
  std::string to_version;

  DeploymentStatus status = DeploymentStatus::kCreated;
  std::chrono::milliseconds create_time{0};   // virtual time
  std::optional<std::chrono::milliseconds> start_time;
  std::optional<std::chrono::milliseconds> complete_time;

  std::vector<LifecycleEvent> events;
  double new_version_weight = 0;   // the to_version's share of the alias now
  std::optional<std::chrono::milliseconds> next_shift_at;  // virtual time of the next step
  std::optional<double> next_weight;                       // the share after that step

  bool auto_rollback = true;
  std::vector<std::string> alarms;  // the group's alarms that stop it (AlarmConfiguration)
  std::string error_code;          // ErrorCode: HOOK_EXECUTION_FAILURE, MANUAL_STOP, TIMEOUT...
  std::string error_message;
  std::string rollback_deployment_id;            // set on the deployment that was rolled back
  std::string rollback_triggering_deployment_id; // set on the rollback deployment
  std::string rollback_message;

  bool finished() const {
    return status == DeploymentStatus::kSucceeded || status == DeploymentStatus::kFailed ||
           status == DeploymentStatus::kStopped;
  }
};

}  // namespace emu::codedeploy
