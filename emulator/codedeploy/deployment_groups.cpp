#include "emulator/codedeploy/deployment_groups.h"

#include "emulator/codedeploy/deployment_config.h"
#include "emulator/core/ids.h"

namespace emu::codedeploy {
namespace {

std::string physical_name(const tmpl::Stack& stack, const std::string& logical_id) {
  return stack.stack_name + "-" + logical_id + "-" +
         ids::stable_id(stack.stack_name + "/" + logical_id, 12, ids::kUpperAlnum);
}

std::string uuid_like(const std::string& seed) {
  std::string hex = ids::stable_id(seed, 32, "0123456789abcdef");
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

}  // namespace

Application application_for(const tmpl::Stack& stack) {
  Application application;
  application.name = physical_name(stack, "ServerlessDeploymentApplication");
  application.id = uuid_like(application.name);
  std::string role = "arn:" + stack.partition + ":iam::" + stack.account_id + ":role/" +
                     physical_name(stack, "CodeDeployServiceRole");
  for (const auto& function : stack.functions) {
    const auto& preference = function.deployment_preference;
    if (!preference || !preference->enabled || !function.auto_publish_alias) continue;
    DeploymentGroup group;
    group.name = physical_name(stack, function.logical_id + "DeploymentGroup");
    group.id = uuid_like(group.name);
    group.function_logical_id = function.logical_id;
    auto config = find_config(stack, preference->type);
    group.deployment_config_name =
        config ? config->name : "CodeDeployDefault.LambdaAllAtOnce";
    group.alarms = preference->alarms;
    group.service_role_arn = role;
    application.groups.push_back(std::move(group));
  }
  return application;
}

}  // namespace emu::codedeploy
