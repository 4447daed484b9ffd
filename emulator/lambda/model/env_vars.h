// SAM CLI's --env-vars file: {"<LogicalId or FunctionName>": {"VAR": "value"}, "Parameters":
// {"VAR": "value"}}. "Parameters" applies to every function, a function's own entry wins over it,
// and only variables the template already declares for that function are overridden, as SAM CLI
// does (SAM CLI reference, "sam local start-api --env-vars").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "emulator/core/result.h"

namespace emu::lambda {

struct EnvVarsFile {
  std::map<std::string, std::string> all_functions;  // "Parameters"
  std::map<std::string, std::map<std::string, std::string>> per_function;  // by key as written
};

// Reads and validates the file: a JSON object of objects whose values are strings, numbers or
// booleans. Errors name the file, the key and what was expected.
Result<EnvVarsFile> read_env_vars_file(const std::string& path);
Result<EnvVarsFile> parse_env_vars(const std::string& text, const std::string& display_path);

// `declared` with the file's overrides for the function known as `logical_id` / `function_name`.
std::map<std::string, std::string> apply_env_vars(const EnvVarsFile& file,
                                                  const std::string& logical_id,
                                                  const std::string& function_name,
                                                  std::map<std::string, std::string> declared);

}  // namespace emu::lambda
