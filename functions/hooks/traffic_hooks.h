// The CodeDeploy lifecycle hook functions of the seed application (CodeDeployHook_preTrafficHook
// and CodeDeployHook_postTrafficHook).
//
// Not complete yet: they report their result through CodeDeploy's
// PutLifecycleEventHookExecutionStatus, which arrives with the deployment engine. Until then an
// invocation fails with errorType "HookNotAvailable" and says so, rather than pretending success.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/handler.h"

namespace functions {

nlohmann::json pre_traffic_hook_handler(const nlohmann::json& event,
                                        const lambda_runtime::Context& context);
nlohmann::json post_traffic_hook_handler(const nlohmann::json& event,
                                         const lambda_runtime::Context& context);

}  // namespace functions
