#include "hooks/traffic_hooks.h"

namespace functions {
namespace {

[[noreturn]] void not_available(const lambda_runtime::Context& context) {
  throw lambda_runtime::FunctionError(
      "HookNotAvailable",
      std::string(context.function_name()) +
          " reports to CodeDeploy's PutLifecycleEventHookExecutionStatus, which this emulator "
          "does not serve yet; the deployment engine will invoke it once it does");
}

}  // namespace

nlohmann::json pre_traffic_hook_handler(const nlohmann::json&,
                                        const lambda_runtime::Context& context) {
  not_available(context);
}

nlohmann::json post_traffic_hook_handler(const nlohmann::json&,
                                         const lambda_runtime::Context& context) {
  not_available(context);
}

}  // namespace functions
