// The Context a handler gets when it runs as a `bootstrap` program under the Lambda Runtime API
// (on AWS, or later under the emulator's runtime-api mode): one function per process, so its
// configuration is the process environment, read with getenv() here and only here.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/handler.h"
#include "runtime/runtime_api_client.h"

namespace lambda_runtime {

// What Lambda tells a runtime about its function through the environment ("Defined runtime
// environment variables", Lambda developer guide). Fixed for the life of the process.
struct FunctionSettings {
  std::string name;     // AWS_LAMBDA_FUNCTION_NAME
  std::string version;  // AWS_LAMBDA_FUNCTION_VERSION: "$LATEST", "1", ...
  int memory_mb = 0;    // AWS_LAMBDA_FUNCTION_MEMORY_SIZE

  // Reads the three variables. Throws std::runtime_error naming the variable when one is unset,
  // empty, or (the memory size) not a positive whole number of megabytes.
  static FunctionSettings from_environment();
};

class RuntimeApiContext final : public Context {
 public:
  // `settings` and `invocation` must outlive the context (the runtime loop holds both).
  RuntimeApiContext(const FunctionSettings& settings, const Invocation& invocation)
      : settings_(settings), invocation_(invocation) {}

  std::string_view aws_request_id() const override { return invocation_.request_id; }
  std::string_view function_name() const override { return settings_.name; }
  std::string_view function_version() const override { return settings_.version; }
  std::string_view invoked_function_arn() const override {
    return invocation_.invoked_function_arn;
  }
  int memory_limit_mb() const override { return settings_.memory_mb; }
  // Until Lambda-Runtime-Deadline-Ms by the wall clock, which is the clock Lambda states it in.
  std::chrono::milliseconds remaining_time() const override;
  // getenv(name): Lambda puts the function's variables into the process environment.
  std::optional<std::string> env(std::string_view name) const override;
  // One line to stdout, flushed at once; Lambda sends stdout to CloudWatch Logs.
  void log(std::string_view line) const override;

 private:
  const FunctionSettings& settings_;
  const Invocation& invocation_;
};

}  // namespace lambda_runtime
