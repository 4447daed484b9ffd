// The Auth of a REST API (SAM: AWS::Serverless::Api > Auth, "ApiAuth") and of its Api events
// ("ApiFunctionAuth"): Lambda TOKEN and REQUEST authorizers, the default authorizer and NONE, as
// SAM reads them and with SAM's errors. The values are resolved (FunctionArn is the ARN GetAtt
// gives); the loader ties each authorizer to its function.
#pragma once

#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/template/node.h"
#include "emulator/template/stack.h"

namespace emu::tmpl {

// Api's Auth. `warnings` gets what is read but not emulated (Cognito authorizers, API keys,
// resource policies, usage plans), each saying what a request gets instead.
Result<ApiAuth> read_rest_auth(const Node& value, const std::string& path,
                               std::vector<std::string>& warnings);

// An Api event's Auth.
Result<EventAuth> read_rest_event_auth(const Node& value, const std::string& path,
                                       std::vector<std::string>& warnings);

// Ties each Lambda authorizer to the function of the template its FunctionArn names (an
// authorizer elsewhere cannot run here: an error at FunctionArn), and checks each Api event's
// Authorizer against its API's Authorizers, with SAM's errors. Warns of what is not emulated yet
// (Cognito authorizers, AWS_IAM, API keys), saying what a request gets instead.
std::optional<Error> resolve_authorizers(Stack& stack);

}  // namespace emu::tmpl
