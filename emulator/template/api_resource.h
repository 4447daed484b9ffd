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

// Reads Name (default: the stack name), StageName (required, as SAM requires) and Variables.
// Other SAM properties are accepted as they are; unknown ones are warnings, and so are those that
// change how API Gateway answers but are not emulated yet (warn_not_emulated_api_properties).
Result<ApiSpec> read_api(const ResourceDecl& api, StackScope& scope,
                         std::vector<std::string>& warnings);

// One warning for each property of `properties` (an Api's, or Globals.Api for the implicit API;
// `path` names it) that changes how API Gateway answers on AWS but is not emulated yet, saying
// what differs here: Cors, Auth, BinaryMediaTypes, GatewayResponses, Models, DefinitionBody,
// DefinitionUri, Domain, CanarySetting, MethodSettings, Policy, MinimumCompressionSize.
void warn_not_emulated_api_properties(const Node& properties, const std::string& path,
                                      std::vector<std::string>& warnings);

// The implicit API, located at `where` (the first event that uses it).
ApiSpec implicit_api(StackScope& scope, const SourceLocation& where);

}  // namespace emu::tmpl
