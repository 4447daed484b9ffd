// The CodeDeploy application and deployment groups SAM creates for a stack (SAM docs,
// "DeploymentPreference"): one AWS::CodeDeploy::Application "ServerlessDeploymentApplication"
// (ComputePlatform Lambda) and, per function with an enabled DeploymentPreference, a group
// "<LogicalId>DeploymentGroup" with deploymentStyle BLUE_GREEN / WITH_TRAFFIC_CONTROL and
// auto-rollback on DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM and DEPLOYMENT_STOP_ON_REQUEST.
// Physical names are CloudFormation's: "<stack>-<LogicalId>-<12 upper alnum>".
#pragma once

#include <string>
#include <vector>

#include "emulator/template/stack.h"

namespace emu::codedeploy {

struct DeploymentGroup {
  std::string name;                 // "<stack>-WhoDisFunctionDeploymentGroup-<suffix>"
  std::string id;                   // a stable UUID-like id
  std::string function_logical_id;
  std::string deployment_config_name;
  std::vector<std::string> alarms;
  std::string service_role_arn;
};

struct Application {
  std::string name;                 // "<stack>-ServerlessDeploymentApplication-<suffix>"
  std::string id;
  std::vector<DeploymentGroup> groups;
};

// The application exists when at least one function has an enabled DeploymentPreference;
// otherwise `groups` is empty and the name is still given.
Application application_for(const tmpl::Stack& stack);

}  // namespace emu::codedeploy
