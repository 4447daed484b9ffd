// A function's Events (SAM: "AWS::Serverless::Function EventSource"). Types Api (Path, Method,
// RestApiId, TimeoutInMillis) and HttpApi (Path, Method, ApiId, PayloadFormatVersion,
// TimeoutInMillis) are emulated; other event types are accepted and reported once as not
// emulated.
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

// The Api and HttpApi events of `function`. `reported_types` holds the not-emulated event types already
// warned about (each is reported once per stack).
Result<std::vector<ApiEvent>> read_api_events(const ResourceDecl& function, StackScope& scope,
                                              std::set<std::string>& reported_types,
                                              std::vector<std::string>& warnings);

// Which implicit APIs SAM creates: "ServerlessRestApi" when some created function has an Api event
// without RestApiId, "ServerlessHttpApi" for an HttpApi event without ApiId.
struct ImplicitApis {
  bool rest = false;
  bool http = false;
};
Result<ImplicitApis> needs_implicit_apis(const std::vector<ResourceDecl>& resources,
                                         StackScope& scope);

// An error when two Api events route the same method and path of the same API (API Gateway
// allows one integration per method of a resource).
std::optional<Error> check_unique_routes(const std::vector<FunctionSpec>& functions);

}  // namespace emu::tmpl
