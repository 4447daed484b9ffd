// The CodeDeploy API's response shapes as JSON (botocore model `codedeploy` 2014-10-06:
// DeploymentInfo, ApplicationInfo, DeploymentGroupInfo, DeploymentConfigInfo), for the Lambda
// compute platform as SAM sets it up.
//
// Timestamps are JSON 1.1's: epoch seconds as a number with a fractional part (milliseconds).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emulator/codedeploy/deployment.h"
#include "emulator/codedeploy/deployment_config.h"
#include "emulator/codedeploy/deployment_groups.h"
#include "emulator/core/clock.h"

namespace emu::codedeploy {

// Virtual time `at` of `clock` as a JSON 1.1 Timestamp.
double epoch_seconds(const Clock& clock, std::chrono::milliseconds at);

// A stable id in the lower-case 8-4-4-4-12 form of CodeDeploy's ids, derived from `seed`.
std::string stable_uuid(const std::string& seed);

// The AppSpec CloudFormation gives CodeDeploy for a SAM alias update (JSON, members in AppSpec
// order: version, Resources, Hooks), naming the function under `resource_name` (its logical id).
std::string appspec_content(const Deployment& deployment, const std::string& resource_name);

// DeploymentInfo. `resource_name`: the function's logical id, for the AppSpec.
//   deploymentOverview counts the one Lambda "instance" (the function) under the bucket of the
//   deployment's status: Created -> Pending, InProgress, Succeeded, and Failed for both Failed
//   and Stopped (the new version did not finish taking the traffic).
nlohmann::json deployment_info(const Deployment& deployment, const std::string& resource_name,
                               const Clock& clock);

// ApplicationInfo; `create_time` as a Timestamp.
nlohmann::json application_info(const Application& application, double create_time);

// DeploymentGroupInfo. `deployments`: the engine's deployments of this group, oldest first; the
// newest gives lastAttemptedDeployment, the newest Succeeded one lastSuccessfulDeployment.
nlohmann::json deployment_group_info(const Application& application, const DeploymentGroup& group,
                                     const std::vector<Deployment>& deployments,
                                     const Clock& clock);

// DeploymentConfigInfo; `create_time` as a Timestamp.
nlohmann::json deployment_config_info(const DeploymentConfig& config, double create_time);

// SAM's deployment groups roll back on all three events (SAM docs, "DeploymentPreference").
nlohmann::json auto_rollback_configuration(bool enabled);

}  // namespace emu::codedeploy
