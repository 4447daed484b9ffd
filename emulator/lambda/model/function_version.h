// FunctionVersion: one immutable configuration of a Lambda function ($LATEST or a published
// version), everything an invocation needs. Shared as shared_ptr<const FunctionVersion>, so an
// invocation keeps its version alive even if a deploy replaces it mid-flight.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string_view>
#include <optional>
#include <string>
#include <vector>

#include "runtime/handler.h"

namespace emu::lambda {

struct FunctionVersion {
  std::string logical_id;         // template logical id, "WhoDisFunction"
  std::string function_name;      // "CodeDeployHook_preTrafficHook" or the generated name
  std::string version;            // "$LATEST", "1", "2", ...
  std::string function_arn;       // unqualified: arn:aws:lambda:<region>:<account>:function:<name>
  std::string package;            // built-in handler name (CodeUri file name without .zip)
  std::string code_dir;           // Runtime API: the task root ("" in process)
  std::vector<std::string> command;  // Runtime API: what runs there (empty = its `bootstrap`)
  std::vector<std::string> layer_dirs;  // Runtime API: its template layers' folders, in order
  std::string layers_sha256;      // their identity together ("" without layers)
  std::map<std::string, std::string> command_environment;  // on top of runtime_environment
  std::string unavailable;        // why this version cannot run here ("" = it can)
  lambda_runtime::Handler handler = nullptr;
  std::string handler_name;       // the Handler property, "bootstrap"
  std::string runtime;            // "provided.al2023"
  std::string role;               // execution role ARN, as SAM would create it
  std::string description;        // version description (PublishVersion's Description)
  std::vector<std::string> architectures;
  std::string code_sha256;        // base64 SHA-256 of the code's identity (Lambda's CodeSha256)
  long long code_size = 0;        // bytes
  std::string last_modified;      // "2026-11-29T23:26:43.000+0000", Lambda's format
  std::string revision_id;        // changes on every update of this version's configuration
  int timeout_seconds = 3;
  int memory_mb = 128;
  std::optional<int> reserved_concurrency;  // ReservedConcurrentExecutions
  // Environment.Variables after --env-vars overrides: what the user configured.
  std::map<std::string, std::string> environment;
  // What the handler sees: `environment` plus the variables Lambda defines for every function
  // (AWS Lambda developer guide, "Defined runtime environment variables").
  std::map<std::string, std::string> runtime_environment;
  // Sees every line the function writes to its log (StoreOptions::output_tap), or null.
  std::shared_ptr<const std::function<void(const FunctionVersion&, std::string_view line)>>
      output_tap;

  // True when publishing `other` as a new version would change nothing: same code and the same
  // configuration (AWS Lambda API reference, "PublishVersion": no new version is created when
  // neither code nor configuration changed since the last one).
  bool same_code_and_configuration(const FunctionVersion& other) const {
    return code_sha256 == other.code_sha256 && package == other.package &&
           handler_name == other.handler_name && runtime == other.runtime &&
           layers_sha256 == other.layers_sha256 &&
           timeout_seconds == other.timeout_seconds && memory_mb == other.memory_mb &&
           environment == other.environment && architectures == other.architectures;
  }
};

using FunctionVersionPtr = std::shared_ptr<const FunctionVersion>;

}  // namespace emu::lambda
