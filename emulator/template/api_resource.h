// AWS::Serverless::Api (SAM: "AWS::Serverless::Api") resolved into an ApiSpec, and the implicit
// "ServerlessRestApi" SAM creates for Api events without RestApiId (stage "Prod").
#pragma once

#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/template/resources.h"
#include "emulator/template/stack.h"
#include "emulator/template/stack_scope.h"

namespace emu::tmpl {

// API Gateway: "Stage names can only contain alphanumeric characters, hyphens, and underscores",
// at most 128 characters (an HTTP API also takes "$default", http_api_resource.cpp).
bool is_stage_name(const std::string& name);

// Reads Name (default: the stack name), StageName (required, as SAM requires), Variables, Cors
// and BinaryMediaTypes.
// Other SAM properties are accepted as they are; unknown ones are warnings, and so are those that
// change how API Gateway answers but are not emulated yet (warn_not_emulated_api_properties).
Result<ApiSpec> read_api(const ResourceDecl& api, StackScope& scope,
                         std::vector<std::string>& warnings);

// One warning for each property of `properties` (an Api's, or Globals.Api for the implicit API;
// `path` names it) that changes how API Gateway answers on AWS but is not emulated yet, saying
// what differs here:
// Auth, GatewayResponses, Models, DefinitionBody, DefinitionUri, Domain, CanarySetting,
// MethodSettings, Policy, MinimumCompressionSize.
void warn_not_emulated_api_properties(const Node& properties, const std::string& path,
                                      std::vector<std::string>& warnings);

// The implicit API: stage "Prod" with Globals.Api's Name, Variables, Cors, Auth and
// BinaryMediaTypes (`global_properties`), located at `where` (the first event that uses it).
Result<ApiSpec> implicit_api(const Node& global_properties, StackScope& scope,
                             const SourceLocation& where, std::vector<std::string>& warnings);

}  // namespace emu::tmpl
