// The handler API shared by every function in functions/. A handler takes the invocation's event
// (JSON) and a Context, and returns the response payload (JSON). It signals failure by throwing:
// Lambda reports a thrown FunctionError with its own errorType, any other std::exception with its
// type name, and anything else as "Unknown".
//
// The same handler source builds into the emulator (in-process, where many versions of one
// function with different environments share one process) and into a standalone `bootstrap` for
// the Lambda Runtime API. So a handler must read configuration only through its Context, never
// getenv(), and keep no mutable global state.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lambda_runtime {

// What a handler knows about the invocation it serves. Implementations: the emulator's in-process
// context (environment of the invoked version) and the Runtime API context (process environment).
// A Context lives for one invocation and is used by one thread at a time.
class Context {
 public:
  virtual ~Context() = default;

  virtual std::string_view aws_request_id() const = 0;
  virtual std::string_view function_name() const = 0;
  virtual std::string_view function_version() const = 0;      // "$LATEST", "1", "2", ...
  virtual std::string_view invoked_function_arn() const = 0;   // with the qualifier used, if any
  virtual int memory_limit_mb() const = 0;
  // Time left before the invocation's deadline (never negative).
  virtual std::chrono::milliseconds remaining_time() const = 0;
  // The function version's environment variable `name`, or nullopt.
  virtual std::optional<std::string> env(std::string_view name) const = 0;
  // Writes one line to the function's log (CloudWatch Logs on AWS, the emulator's output here).
  virtual void log(std::string_view line) const = 0;
};

// Thrown by a handler to fail the invocation with a chosen errorType.
class FunctionError : public std::runtime_error {
 public:
  FunctionError(std::string type, const std::string& message)
      : std::runtime_error(message), type_(std::move(type)) {}
  const std::string& type() const { return type_; }

 private:
  std::string type_;
};

using Handler = nlohmann::json (*)(const nlohmann::json& event, const Context& context);

}  // namespace lambda_runtime
