// FunctionVersion: one immutable configuration of a Lambda function ($LATEST or a published
// version), everything an invocation needs. Shared as shared_ptr<const FunctionVersion>, so an
// invocation keeps its version alive even if a deploy replaces it mid-flight.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "runtime/handler.h"

namespace emu::lambda {

struct FunctionVersion {
  std::string logical_id;         // template logical id, "WhoDisFunction"
  std::string function_name;      // "CodeDeployHook_preTrafficHook" or the generated name
  std::string version;            // "$LATEST", "1", "2", ...
  std::string function_arn;       // unqualified: arn:aws:lambda:<region>:<account>:function:<name>
  std::string package;            // built-in handler name (CodeUri file name without .zip)
  lambda_runtime::Handler handler = nullptr;
  int timeout_seconds = 3;
  int memory_mb = 128;
  // Environment.Variables after --env-vars overrides: what the user configured.
  std::map<std::string, std::string> environment;
  // What the handler sees: `environment` plus the variables Lambda defines for every function
  // (AWS Lambda developer guide, "Defined runtime environment variables").
  std::map<std::string, std::string> runtime_environment;
};

using FunctionVersionPtr = std::shared_ptr<const FunctionVersion>;

}  // namespace emu::lambda
