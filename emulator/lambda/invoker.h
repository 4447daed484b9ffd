// Invoker: runs one invocation of a function version and reports how it ended. Implementations:
// InProcessInvoker (handlers compiled into the emulator, on the I/O threads) and RuntimeApiInvoker
// (the functions' `bootstrap` programs as child processes, over the Lambda Runtime API).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "emulator/lambda/model/function_version.h"

namespace emu::lambda {

struct InvokeResult {
  enum class Outcome {
    kSuccess,        // payload is the handler's result
    kFunctionError,  // payload is {"errorMessage", "errorType", "stackTrace"} (Lambda's shape)
    kTimeout,        // the handler passed its Timeout; payload as a function error
  };
  Outcome outcome = Outcome::kSuccess;
  nlohmann::json payload;
  // Set when the function returned bytes that are not JSON (a Runtime API bootstrap may): Invoke
  // returns them as they are, API Gateway answers 502; `payload` is then null.
  std::optional<std::string> raw_payload;
  std::string request_id;        // Lambda's request id for this invocation
  std::string executed_version;  // "$LATEST", "1", ...
  double duration_ms = 0;        // wall time from start to result (or to the deadline)
  // This invocation's log as Lambda writes it to CloudWatch Logs: START, the function's own
  // lines, END, REPORT, each ending in '\n' (for Invoke's X-Amz-Log-Type: Tail).
  std::string log;
  // In process: answered at the deadline while the handler still runs on the thread that took the
  // request, holding that connection; the HTTP answer then closes the connection, so the client
  // does not send its next request where nothing will read it.
  bool handler_still_running = false;
};

// Called exactly once per invocation, from any thread, possibly before invoke() returns: it must
// only hand the result over (post or dispatch it to its own executor), never block, and never
// take a lock the caller of invoke() holds.
using InvokeCallback = std::function<void(InvokeResult)>;

// Lambda's function-error payload: {"errorMessage", "errorType", "stackTrace": []}.
nlohmann::json error_payload(const std::string& type, const std::string& message);

class Invoker {
 public:
  virtual ~Invoker() = default;
  // Starts the invocation; `done` reports the result. `invoked_arn` is the ARN as the caller
  // named the function (with its qualifier, if any). In-process handlers run on the calling I/O
  // thread, so this may return only after the handler has (and `done` has been called).
  virtual void invoke(FunctionVersionPtr version, nlohmann::json event, std::string invoked_arn,
                      InvokeCallback done) = 0;
  // The same for callers that must not wait for the handler (InvocationType Event, lifecycle
  // hooks): returns without waiting for the handler to run.
  virtual void invoke_detached(FunctionVersionPtr version, nlohmann::json event,
                               std::string invoked_arn, InvokeCallback done) {
    invoke(std::move(version), std::move(event), std::move(invoked_arn), std::move(done));
  }
};

}  // namespace emu::lambda
