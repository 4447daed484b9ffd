#include "emulator/codedeploy/codedeploy_shapes.h"

#include "emulator/core/ids.h"
#include "emulator/core/sha256.h"

namespace emu::codedeploy {
namespace {

using Json = nlohmann::json;

Json deployment_style() {
  return {{"deploymentType", "BLUE_GREEN"}, {"deploymentOption", "WITH_TRAFFIC_CONTROL"}};
}

// The hook a lifecycle event of `deployment` invokes, "" when none.
std::string hook_of(const Deployment& deployment, const char* event) {
  for (const auto& e : deployment.events)
    if (e.name == event) return e.hook_function;
  return "";
}

Json deployment_overview(DeploymentStatus status) {
  Json overview = {{"Pending", 0}, {"InProgress", 0}, {"Succeeded", 0},
                   {"Failed", 0},  {"Skipped", 0},    {"Ready", 0}};
  switch (status) {
    case DeploymentStatus::kCreated:
      overview["Pending"] = 1;
      break;
    case DeploymentStatus::kInProgress:
      overview["InProgress"] = 1;
      break;
    case DeploymentStatus::kSucceeded:
      overview["Succeeded"] = 1;
      break;
    case DeploymentStatus::kFailed:
    case DeploymentStatus::kStopped:
      overview["Failed"] = 1;
      break;
  }
  return overview;
}

Json last_deployment_info(const Deployment& deployment, const Clock& clock) {
  Json info = {{"deploymentId", deployment.id},
               {"status", to_string(deployment.status)},
               {"createTime", epoch_seconds(clock, deployment.create_time)}};
  if (deployment.complete_time) info["endTime"] = epoch_seconds(clock, *deployment.complete_time);
  return info;
}

}  // namespace

double epoch_seconds(const Clock& clock, std::chrono::milliseconds at) {
  return static_cast<double>(clock.epoch_ms(at)) / 1000.0;
}

std::string stable_uuid(const std::string& seed) {
  std::string hex = ids::stable_id(seed, 32, "0123456789abcdef");
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string appspec_content(const Deployment& deployment, const std::string& resource_name) {
  using Ordered = nlohmann::ordered_json;
  Ordered properties = {{"Name", deployment.function_name},
                        {"Alias", deployment.alias},
                        {"CurrentVersion", deployment.from_version},
                        {"TargetVersion", deployment.to_version}};
  Ordered resource = {{"Type", "AWS::Lambda::Function"}, {"Properties", properties}};
  Ordered appspec = {{"version", 0.0},
                     {"Resources", Ordered::array({Ordered{{resource_name, resource}}})}};
  Ordered hooks = Ordered::array();
  for (const char* event : {kBeforeAllowTraffic, kAfterAllowTraffic})
    if (auto hook = hook_of(deployment, event); !hook.empty())
      hooks.push_back(Ordered{{event, hook}});
  if (!hooks.empty()) appspec["Hooks"] = std::move(hooks);
  return appspec.dump();
}

Json auto_rollback_configuration(bool enabled) {
  return {
      {"enabled", enabled},
      {"events", {"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"}}};
}

Json deployment_info(const Deployment& deployment, const std::string& resource_name,
                     const Clock& clock) {
  std::string content = appspec_content(deployment, resource_name);
  Json info = {
      {"applicationName", deployment.application_name},
      {"deploymentGroupName", deployment.group_name},
      {"deploymentConfigName", deployment.config.name},
      {"deploymentId", deployment.id},
      {"revision",
       {{"revisionType", "AppSpecContent"},
        {"appSpecContent", {{"content", content}, {"sha256", sha256_hex(content)}}}}},
      {"status", to_string(deployment.status)},
      {"createTime", epoch_seconds(clock, deployment.create_time)},
      {"deploymentOverview", deployment_overview(deployment.status)},
      {"creator", deployment.creator},
      {"ignoreApplicationStopFailures", false},
      {"autoRollbackConfiguration", auto_rollback_configuration(deployment.auto_rollback)},
      {"updateOutdatedInstancesOnly", false},
      {"deploymentStyle", deployment_style()},
      {"instanceTerminationWaitTimeStarted", false},
      {"computePlatform", "Lambda"},
  };
  if (!deployment.description.empty()) info["description"] = deployment.description;
  if (deployment.start_time) info["startTime"] = epoch_seconds(clock, *deployment.start_time);
  if (deployment.complete_time)
    info["completeTime"] = epoch_seconds(clock, *deployment.complete_time);
  if (!deployment.error_code.empty() || !deployment.error_message.empty()) {
    Json error = Json::object();
    if (!deployment.error_code.empty()) error["code"] = deployment.error_code;
    if (!deployment.error_message.empty()) error["message"] = deployment.error_message;
    info["errorInformation"] = std::move(error);
  }
  Json rollback = Json::object();
  if (!deployment.rollback_deployment_id.empty())
    rollback["rollbackDeploymentId"] = deployment.rollback_deployment_id;
  if (!deployment.rollback_triggering_deployment_id.empty())
    rollback["rollbackTriggeringDeploymentId"] = deployment.rollback_triggering_deployment_id;
  if (!deployment.rollback_message.empty())
    rollback["rollbackMessage"] = deployment.rollback_message;
  if (!rollback.empty()) info["rollbackInfo"] = std::move(rollback);
  return info;
}

Json application_info(const Application& application, double create_time) {
  return {{"applicationId", application.id},
          {"applicationName", application.name},
          {"createTime", create_time},
          {"linkedToGitHub", false},
          {"computePlatform", "Lambda"}};
}

Json deployment_group_info(const Application& application, const DeploymentGroup& group,
                           const std::vector<Deployment>& deployments, const Clock& clock) {
  Json alarms = Json::array();
  for (const auto& alarm : group.alarms) alarms.push_back({{"name", alarm}});
  Json info = {
      {"applicationName", application.name},
      {"deploymentGroupId", group.id},
      {"deploymentGroupName", group.name},
      {"deploymentConfigName", group.deployment_config_name},
      {"ec2TagFilters", Json::array()},
      {"onPremisesInstanceTagFilters", Json::array()},
      {"autoScalingGroups", Json::array()},
      {"serviceRoleArn", group.service_role_arn},
      {"triggerConfigurations", Json::array()},
      {"alarmConfiguration",
       {{"enabled", !group.alarms.empty()}, {"ignorePollAlarmFailure", false}, {"alarms", alarms}}},
      {"autoRollbackConfiguration", auto_rollback_configuration(true)},
      {"deploymentStyle", deployment_style()},
      {"computePlatform", "Lambda"},
  };
  if (!deployments.empty())
    info["lastAttemptedDeployment"] = last_deployment_info(deployments.back(), clock);
  for (auto it = deployments.rbegin(); it != deployments.rend(); ++it) {
    if (it->status == DeploymentStatus::kSucceeded) {
      info["lastSuccessfulDeployment"] = last_deployment_info(*it, clock);
      break;
    }
  }
  return info;
}

Json deployment_config_info(const DeploymentConfig& config, double create_time) {
  Json routing = {{"type", config.type_name()}};
  if (config.kind == DeploymentConfig::Kind::kCanary)
    routing["timeBasedCanary"] = {{"canaryPercentage", config.percentage},
                                  {"canaryInterval", config.interval_minutes}};
  else if (config.kind == DeploymentConfig::Kind::kLinear)
    routing["timeBasedLinear"] = {{"linearPercentage", config.percentage},
                                  {"linearInterval", config.interval_minutes}};
  return {{"deploymentConfigId", stable_uuid("deployment-config/" + config.name)},
          {"deploymentConfigName", config.name},
          {"createTime", create_time},
          {"computePlatform", "Lambda"},
          {"trafficRoutingConfig", routing}};
}

}  // namespace emu::codedeploy
