// ControlClient: a small blocking HTTP/1.1 client for the emulator's control endpoints
// (/emulator/... on --aws-port; the contract is emulator/control/control_api.h), used by
// `emulator deploy` and `emulator watch`. One connection per call (Connection: close), so calls
// need no shared state; the client itself is immutable and may be used from any thread.
//
// Every failure is an Error whose message a person can act on: it names the endpoint and the
// system's reason ("cannot reach the emulator at http://127.0.0.1:3001: Connection refused — is
// it running? ..."). A response with any HTTP status is not an Error: the caller decides what a
// 400 or a 409 means.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "emulator/core/result.h"

namespace emu::cli {

inline constexpr const char* kDefaultControlEndpoint = "http://127.0.0.1:3001";

// Where the control endpoints are. Only plain "http://HOST[:PORT][/]" is accepted (IPv6 hosts
// in brackets); the port defaults to 80.
struct ControlEndpoint {
  std::string host;  // without brackets
  std::string port;  // digits
  std::string url;   // normalised, without a trailing slash: "http://127.0.0.1:3001"
};

// Errors: code "UsageError", with a message that names the text and what was expected.
Result<ControlEndpoint> parse_endpoint(const std::string& text);

struct ControlResponse {
  unsigned status = 0;
  nlohmann::json body;     // null when the body was empty
  std::string error_type;  // the x-amzn-ErrorType header, "" when absent
};

class ControlClient {
 public:
  explicit ControlClient(ControlEndpoint endpoint) : endpoint_(std::move(endpoint)) {}

  // One request and its whole response, within `timeout` (connect + send + receive). `path`
  // starts with '/'. Errors (code in parentheses): the endpoint cannot be reached
  // ("Unreachable"), no full answer within `timeout` ("Timeout"), the connection broke or the
  // answer is not HTTP ("ProtocolError"), the body is not JSON ("BadResponse").
  Result<ControlResponse> get_json(const std::string& path,
                                   std::chrono::milliseconds timeout) const;
  Result<ControlResponse> post_json(const std::string& path, const nlohmann::json& body,
                                    std::chrono::milliseconds timeout) const;

  const ControlEndpoint& endpoint() const { return endpoint_; }

 private:
  Result<ControlResponse> exchange(const std::string& method, const std::string& path,
                                   const std::string* json_body,
                                   std::chrono::milliseconds timeout) const;

  ControlEndpoint endpoint_;
};

}  // namespace emu::cli
