// A small blocking HTTP GET over libcurl, for handlers that call out (whodis asks a check-IP
// service when CHECKIP_URL is set). Blocks the calling thread: call it only from a handler, which
// runs on an invocation worker, never on an I/O thread.
#pragma once

#include <chrono>
#include <string>

namespace lambda_runtime {

struct HttpGetResult {
  bool ok = false;          // transport succeeded and the status was 2xx
  long status = 0;          // HTTP status, 0 when no response arrived
  std::string body;
  std::string error;        // what went wrong, for a person, when !ok
};

// GETs `url`, giving up after `timeout` (connect + transfer). Thread-safe.
HttpGetResult http_get(const std::string& url, std::chrono::milliseconds timeout);

}  // namespace lambda_runtime
