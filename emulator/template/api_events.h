// A function's Events (SAM: "AWS::Serverless::Function EventSource"). Only Type Api is emulated
// (Path, Method, RestApiId); other event types are accepted and reported once as not emulated.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/template/resources.h"
#include "emulator/template/stack.h"
#include "emulator/template/stack_scope.h"

namespace emu::tmpl {

// The Api events of `function`. `reported_types` holds the not-emulated event types already
// warned about (each is reported once per stack).
Result<std::vector<ApiEvent>> read_api_events(const ResourceDecl& function, StackScope& scope,
                                              std::set<std::string>& reported_types,
                                              std::vector<std::string>& warnings);

// True when some created function has an Api event without RestApiId: SAM then creates the
// implicit API "ServerlessRestApi".
Result<bool> needs_implicit_api(const std::vector<ResourceDecl>& resources, StackScope& scope);

// An error when two Api events route the same method and path of the same API (API Gateway
// allows one integration per method of a resource).
std::optional<Error> check_unique_routes(const std::vector<FunctionSpec>& functions);

}  // namespace emu::tmpl
