// FunctionRegistry: the Lambda functions of the stack with their versions and aliases, as a first
// `sam deploy` leaves them: every function has $LATEST; a function with AutoPublishAlias also has
// version 1 and the alias pointing at it (SAM docs, "AutoPublishAlias"). Immutable after build(),
// so lookups need no lock.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/lambda/env_vars.h"
#include "emulator/lambda/function_version.h"
#include "emulator/template/stack.h"

namespace emu::lambda {

struct RegistryOptions {
  std::string region = "us-east-1";
  std::string aws_endpoint_url;   // AWS_ENDPOINT_URL given to every function ("" = none)
  EnvVarsFile env_vars;           // --env-vars overrides
};

struct LambdaFunction {
  std::string logical_id;
  FunctionVersionPtr latest;                          // $LATEST
  std::vector<FunctionVersionPtr> published;          // versions 1, 2, ... in order
  std::map<std::string, std::string> aliases;         // alias name -> version
};

// What an API event invokes: the version, and the ARN as API Gateway names it (qualified by the
// alias when there is one: the integration URI SAM writes points at the alias).
struct ApiTarget {
  FunctionVersionPtr version;
  std::string invoked_arn;
};

class FunctionRegistry {
 public:
  // Fails when a function's code cannot be found: in in-process mode the file name of CodeUri
  // (without ".zip") must name a built-in handler. The error points at CodeUri in the template.
  static Result<FunctionRegistry> build(const tmpl::Stack& stack, const RegistryOptions& options);

  // The version an API event of `logical_id` invokes: through its AutoPublishAlias when it has
  // one (SAM points the integration at the alias), else $LATEST. nullptr version for an unknown
  // id.
  ApiTarget api_target(const std::string& logical_id) const;

  const std::vector<LambdaFunction>& functions() const { return functions_; }

 private:
  std::vector<LambdaFunction> functions_;
  std::map<std::string, ApiTarget> api_targets_;  // by logical id
};

// The package name a CodeUri names: its file name without ".zip" (build/package/whodis.zip ->
// whodis; a folder's own name).
std::string package_name(const std::string& code_uri);

}  // namespace emu::lambda
