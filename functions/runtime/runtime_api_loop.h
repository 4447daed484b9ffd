// run(): the processing loop of a custom runtime ("Building a custom runtime for AWS Lambda" and
// "Using the Lambda runtime API for custom runtimes", Lambda developer guide), around one
// handler. Each function's `bootstrap` program is one line:
//
//   int main() { return lambda_runtime::run(functions::whodis_handler); }
//
// Start-up: reads AWS_LAMBDA_RUNTIME_API ("host:port") and the function's settings
// (FunctionSettings::from_environment). When the settings are incomplete it reports
// POST /runtime/init/error {"errorType": "Runtime.InvalidEnvironment", ...} and returns 1.
//
// Each invocation: GET /runtime/invocation/next; sets _X_AMZN_TRACE_ID to the
// Lambda-Runtime-Trace-Id (unsets it when absent), where the X-Ray SDKs look for it; parses the
// event (an empty body is {}, as Invoke without a payload); calls the handler with a
// RuntimeApiContext; POSTs the result to .../response, or an error to .../error with
// {"errorMessage","errorType","stackTrace":[]} and the Lambda-Runtime-Function-Error-Type header:
//   event that is not JSON                Runtime.UnmarshalError
//   FunctionError(type, message)          type
//   any other std::exception              its type's name ("std::runtime_error")
//   anything else thrown                  Unknown
//   result that cannot be written as JSON Runtime.MarshalError (a string that is not UTF-8)
// The three in the middle are what the emulator's in-process invoker reports for a throw, too.
// A result's POST carries the next GET behind it in the same write (HTTP/1.1 pipelining; see
// RuntimeApiClient::post_response), unless `max_invocations` says it was the last.
//
// When the API does not answer usefully: a 5xx (the API's "Container error ... Runtime should
// exit promptly") ends the loop with 1; any other failure of GET next is retried after
// `retry_pause`, and `max_consecutive_failures` in a row end the loop with 1 (Lambda then starts
// a new runtime). A POST the API refuses with a 4xx (413: response too large) is logged and the
// loop goes on; Lambda fails that invocation itself.
//
// Runtime messages go to stderr, handler log lines (Context::log) to stdout; Lambda sends both to
// CloudWatch Logs.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "runtime/handler.h"

namespace lambda_runtime {

struct RunOptions {
  // The function's start-up work (Lambda's INIT phase), run once before the first event. What it
  // throws is reported to POST /runtime/init/error as {"errorType": <the exception's type name>,
  // "errorMessage": what()} and run() returns 1, as Lambda expects of a failed INIT.
  void (*init)() = nullptr;
  // Return 0 after answering this many invocations; nullopt: serve until Lambda ends the process.
  std::optional<std::size_t> max_invocations;
  // Pause before asking for the next invocation again after GET next failed.
  std::chrono::milliseconds retry_pause{100};
  // Failed GET nexts in a row after which run() gives up and returns 1.
  int max_consecutive_failures = 3;
};

// Runs the loop on the calling thread. Returns the process's exit code: 0 when
// `max_invocations` were answered, 1 when the runtime cannot go on (see above).
int run(Handler handler, const RunOptions& options = {});

}  // namespace lambda_runtime
