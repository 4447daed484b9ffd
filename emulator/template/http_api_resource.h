// AWS::Serverless::HttpApi (SAM: "AWS::Serverless::HttpApi") resolved into an ApiSpec of kind
// kHttp, and the implicit "ServerlessHttpApi" SAM creates for HttpApi events without ApiId (stage
// "$default", with Globals.HttpApi).
#pragma once

#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/template/resources.h"
#include "emulator/template/stack.h"
#include "emulator/template/stack_scope.h"

namespace emu::tmpl {

// Reads Name (default: the stack name), StageName (default "$default", the stage served at the
// API's root), StageVariables and CorsConfiguration. Properties that change how API Gateway
// answers but are not emulated (Auth, DefinitionBody, Domain, route throttling) are warnings.
Result<ApiSpec> read_http_api(const ResourceDecl& api, StackScope& scope,
                              std::vector<std::string>& warnings);

// The implicit HTTP API: Globals.HttpApi's properties (`global_properties`) on a "$default"
// stage, located at `where` (the first event that uses it).
Result<ApiSpec> implicit_http_api(const Node& global_properties, StackScope& scope,
                                  const SourceLocation& where, std::vector<std::string>& warnings);

}  // namespace emu::tmpl
