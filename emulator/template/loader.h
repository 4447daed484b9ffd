// The template engine's entry point: reads a SAM/CloudFormation template and resolves it into a
// Stack. Never throws and never crashes on bad input: every problem is an Error whose message
// reads "<file>:<line>:<column>: <Resource>.<Property path>: <what was expected>".
#pragma once

#include <map>
#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/template/stack.h"

namespace emu::tmpl {

struct LoadOptions {
  std::string template_path;                            // YAML or JSON file
  std::map<std::string, std::string> parameter_overrides;
  std::string region = "us-east-1";                     // AWS::Region
  std::string stack_name;                               // AWS::StackName; "" = template's folder name
  // The published version `Ref <Function>.Version` names, by function logical id; a function
  // not listed is at version 1, as after a first deploy. A redeploy passes the versions it is
  // about to publish, as SAM's new Version resource would resolve to them.
  std::map<std::string, int> function_versions;
};

// Reads and resolves the template at options.template_path. When it fails after warnings, and
// `warnings_before_error` is given, those warnings go there, to be printed before the error, and
// when one is an ignored key (a mis-indented one, whose consequence the error may be) the
// error's message says so.
Result<Stack> load_stack(const LoadOptions& options,
                         std::vector<std::string>* warnings_before_error = nullptr);

// The same, from text already in memory (`display_path` names it in messages). For tests and
// fuzzing.
Result<Stack> load_stack_from_string(const std::string& text, const std::string& display_path,
                                     const LoadOptions& options,
                                     std::vector<std::string>* warnings_before_error = nullptr);

// Parses `--parameter-overrides` arguments: each either "Key=Value" or SAM's
// "ParameterKey=K,ParameterValue=V"; values may contain '='. An argument of neither form is an
// Error naming it.
Result<std::map<std::string, std::string>> parse_parameter_overrides(
    const std::vector<std::string>& arguments);

}  // namespace emu::tmpl
