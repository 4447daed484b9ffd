// SAM's DeploymentPreference of a function ("AWS::Serverless::Function DeploymentPreference"):
// Type, Enabled, Hooks (PreTraffic, PostTraffic) and Alarms, resolved.
#pragma once

#include <optional>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/template/resources.h"
#include "emulator/template/stack.h"
#include "emulator/template/stack_scope.h"

namespace emu::tmpl {

// The function's DeploymentPreference, or nullopt when it has none. As SAM requires, an enabled
// preference needs a Type and the function's AutoPublishAlias (`has_alias`).
Result<std::optional<DeploymentPreference>> read_deployment_preference(
    const ResourceDecl& function, bool has_alias, StackScope& scope,
    std::vector<std::string>& warnings);

// True for the traffic-shifting configurations CodeDeploy predefines for Lambda
// ("CodeDeployDefault.Lambda..." without the prefix, as SAM writes them: "Canary10Percent5Minutes").
// Also true for CodeDeploy's full names ("CodeDeployDefault.LambdaAllAtOnce").
bool is_predefined_deployment_type(const std::string& type);
// The predefined types, in CodeDeploy's documented order.
std::vector<std::string> predefined_deployment_types();

}  // namespace emu::tmpl
