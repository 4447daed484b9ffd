// RuntimeApiClient: the four calls a custom runtime makes to the Lambda Runtime API, version
// 2018-06-01 ("Using the Lambda runtime API for custom runtimes", Lambda developer guide), over
// one kept-alive HTTP/1.1 connection:
//   GET  /2018-06-01/runtime/invocation/next             wait for the next event
//   POST /2018-06-01/runtime/invocation/{id}/response    the handler's result
//   POST /2018-06-01/runtime/invocation/{id}/error       the handler failed
//   POST /2018-06-01/runtime/init/error                  the runtime could not start
// The client only speaks HTTP; what to do with the answers is runtime_api_loop's business.
//
// The HTTP is a small blocking client of its own rather than libcurl: the API is a plain HTTP/1.1
// server on a local address, and an invocation makes two calls on it, so libcurl's per-call work
// (URL parsing, option setup, its multi loop with about five poll() calls per transfer) was most
// of the runtime's own cost per invocation (docs/performance.md). It sends each request in one
// write, reads answers framed by Content-Length, chunked transfer coding or the connection's end,
// skips interim 1xx answers, keeps the connection open unless the API closes it
// ("Connection: close", HTTP/1.0), and reconnects (and retries once) when a kept-alive connection
// turns out to have been closed before the API read the request. TCP_NODELAY is set.
//
// Not thread-safe: a Runtime API serves one invocation at a time per execution environment, and
// one thread drives the client.
#pragma once

#include <chrono>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>


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
  explicit RuntimeApiClient(std::string endpoint);
  ~RuntimeApiClient();
  RuntimeApiClient(const RuntimeApiClient&) = delete;
  RuntimeApiClient& operator=(const RuntimeApiClient&) = delete;

  // Blocks until Lambda hands out an event. A 200 without a request id, or with a deadline that is
  // missing or not a number, is a failure with status 200 (nothing can be answered for it).
  std::variant<Invocation, ApiFailure> next();

  // Each returns nullopt when the API accepted the post (202), else why not. `body` is sent as is.
  // With `then_next`, the GET for the next event is sent right behind the POST, in the same write
  // (HTTP/1.1 pipelining: the API answers both in order), and the following next() only waits for
  // its answer: one round trip and one wake-up fewer per invocation. Should the connection close
  // after the POST's answer, next() asks again on a new one.
  std::optional<ApiFailure> post_response(const std::string& request_id, const std::string& body,
                                          bool then_next = false);
  std::optional<ApiFailure> post_error(const std::string& request_id, const ErrorReport& error);
  std::optional<ApiFailure> post_init_error(const ErrorReport& error);

  // "http://host:port/2018-06-01"
  const std::string& base_url() const { return base_url_; }

 private:
  std::optional<ApiFailure> post(const std::string& path, const std::string& body,
                                 const std::string& error_type, bool then_next = false);

  // One HTTP exchange as the API answered it: the final (non-1xx) answer's status, its headers
  // (names lower-cased; the last of a repeated name) and its body.
  struct Answer {
    long status = 0;
    std::map<std::string, std::string, std::less<>> headers;
    std::string body;
  };
  // Sends `request` (pieces written in one go: request line and headers, body, perhaps a second
  // request after it) unless it was sent already, reads one answer (at most `max_body` bytes of
  // body). Returns why it failed ("" on success); `timeout` bounds the call as a whole (zero: no
  // limit).
  std::string exchange(std::initializer_list<std::string_view> request, bool already_sent,
                       std::size_t max_body, std::chrono::milliseconds timeout, Answer& answer);
  std::string connect_to_api();
  void disconnect();
  // One attempt on the current connection; `nothing_received` says whether the API sent no byte
  // of an answer (so a failure may be a stale kept-alive connection).
  std::string attempt(std::initializer_list<std::string_view> request, bool send,
                      std::size_t max_body, std::chrono::steady_clock::time_point deadline,
                      bool has_deadline, Answer& answer, bool& nothing_received);
  const std::string& next_request() const { return next_request_; }

  std::string base_url_;
  std::string host_;  // the endpoint as given, for the Host header
  std::string host_name_;
  std::string port_;
  int fd_ = -1;          // the connection to the API, -1 when there is none
  std::string pending_;  // bytes received past the last answer (a pipelined one's, say)
  std::unique_ptr<char[]> chunk_;  // what recv() fills
  std::string next_request_;  // GET .../invocation/next, as sent
  // A GET next went out with the last POST (post_response(..., then_next)) on the open
  // connection: next() only reads its answer.
  bool next_in_flight_ = false;
};

}  // namespace lambda_runtime
