// RuntimeApiClient: the four calls a custom runtime makes to the Lambda Runtime API, version
// 2018-06-01 ("Using the Lambda runtime API for custom runtimes", Lambda developer guide), over
// one libcurl handle:
//   GET  /2018-06-01/runtime/invocation/next             wait for the next event
//   POST /2018-06-01/runtime/invocation/{id}/response    the handler's result
//   POST /2018-06-01/runtime/invocation/{id}/error       the handler failed
//   POST /2018-06-01/runtime/init/error                  the runtime could not start
// The client only speaks HTTP; what to do with the answers is runtime_api_loop's business.
//
// Not thread-safe: a Runtime API serves one invocation at a time per execution environment, and
// one thread drives the client.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "runtime/curl_handle.h"

namespace lambda_runtime {

// One event, with the response headers of GET /runtime/invocation/next.
struct Invocation {
  std::string request_id;  // Lambda-Runtime-Aws-Request-Id
  // Lambda-Runtime-Deadline-Ms: when Lambda stops the invocation (wall clock, Unix epoch).
  std::chrono::system_clock::time_point deadline;
  std::string invoked_function_arn;  // Lambda-Runtime-Invoked-Function-Arn, with the qualifier
  std::string trace_id;              // Lambda-Runtime-Trace-Id (X-Ray); "" when absent
  std::string event;                 // the body: the event, as JSON text
};

// Why a call did not succeed.
struct ApiFailure {
  // The HTTP status when the API answered with one that means failure; 0 when no answer arrived
  // (connection refused or reset, a body over the size limit).
  long status = 0;
  std::string message;  // for a person: the call, and libcurl's reason or the API's answer

  // The Runtime API answers 500 for "Container error. Non-recoverable state. Runtime should exit
  // promptly."; other 5xx are taken the same way.
  bool fatal() const { return status >= 500; }
};

// What a failed invocation or start-up reports: the body is
// {"errorMessage": message, "errorType": type, "stackTrace": []}, and `type` also travels as the
// Lambda-Runtime-Function-Error-Type header.
struct ErrorReport {
  std::string type;  // "Runtime.UnmarshalError", "std::runtime_error", "InvalidEvent", ...
  std::string message;

  nlohmann::json to_json() const;
};

class RuntimeApiClient {
 public:
  // Limits for the POSTs (the GET waits as long as it takes: "Do not set a timeout on the GET
  // request"); connecting to the local API gets kConnectTimeout on every call.
  static constexpr std::chrono::milliseconds kConnectTimeout{2'000};
  static constexpr std::chrono::milliseconds kPostTimeout{10'000};
  // Bound on an event body; a synchronous invocation's payload is at most 6 MB.
  static constexpr std::size_t kMaxEventBytes = 8u << 20;

  // `endpoint` is AWS_LAMBDA_RUNTIME_API's value: "host:port" without a scheme ("127.0.0.1:9001").
  // Throws std::runtime_error if libcurl cannot make a handle.
  explicit RuntimeApiClient(std::string endpoint);

  // Blocks until Lambda hands out an event. A 200 without a request id, or with a deadline that is
  // missing or not a number, is a failure with status 200 (nothing can be answered for it).
  std::variant<Invocation, ApiFailure> next();

  // Each returns nullopt when the API accepted the post (202), else why not. `body` is sent as is.
  std::optional<ApiFailure> post_response(const std::string& request_id, const std::string& body);
  std::optional<ApiFailure> post_error(const std::string& request_id, const ErrorReport& error);
  std::optional<ApiFailure> post_init_error(const ErrorReport& error);

  // "http://host:port/2018-06-01"
  const std::string& base_url() const { return base_url_; }

 private:
  std::optional<ApiFailure> post(const std::string& path, const std::string& body,
                                 const std::string& error_type);

  std::string base_url_;
  CurlEasy curl_;  // one handle, so its connection to the API is reused between calls
};

}  // namespace lambda_runtime
