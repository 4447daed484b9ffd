// The CodeDeploy lifecycle hook functions of the seed application (CodeDeployHook_preTrafficHook
// and CodeDeployHook_postTrafficHook in template.yaml).
//
// CodeDeploy invokes a Lambda deployment's hook with
// {"DeploymentId": ..., "LifecycleEventHookExecutionId": ...} and then waits (up to an hour) until
// the hook reports its outcome through PutLifecycleEventHookExecutionStatus ("AppSpec 'hooks'
// section for an AWS Lambda deployment", CodeDeploy user guide). Both hooks therefore always
// report before they return, and report Failed rather than nothing when their check cannot run.
//
// Both return {"status": "Succeeded"|"Failed", "reason": <what was checked, for a person>} after
// reporting. They throw FunctionError("InvalidEvent", ...) when the event lacks either id (nothing
// can be reported then), and let the AwsClient's FunctionError("AwsClientError", ...) through when
// the report itself fails.
//
// Environment (read through the Context): AWS_* as AwsClient reads them (runtime/aws_client.h);
//   pre-traffic:  CurrentFunctionVersion  the version to check: arn:aws:lambda:...:function:NAME:2
//                 APP_VERSION             the "version" that version must answer with
//   post-traffic: POST_TRAFFIC_RESULT     what to report: Succeeded (default) or Failed
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/handler.h"

namespace functions {

// Invokes CurrentFunctionVersion with an API Gateway proxy event for GET /oleoleole and reports
// Succeeded when the function did not fail, answered statusCode 200, and its JSON body's "version"
// equals APP_VERSION; otherwise Failed, with the reason.
nlohmann::json pre_traffic_hook_handler(const nlohmann::json& event,
                                        const lambda_runtime::Context& context);

// Reports POST_TRAFFIC_RESULT (Failed demonstrates an automatic rollback); any value other than
// Succeeded or Failed is reported as Failed, with the reason.
nlohmann::json post_traffic_hook_handler(const nlohmann::json& event,
                                         const lambda_runtime::Context& context);

}  // namespace functions
