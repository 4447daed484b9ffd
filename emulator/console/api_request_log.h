// ApiRequestLog: the most recent requests API Gateway answered through a function (method, path,
// status), by the id of the invocation that answered them, so the console can show an
// invocation with the request that caused it. Bounded (the newest `capacity`). Thread-safe;
// record() is one short critical section on the request path.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace emu::console {

struct ApiRequest {
  std::string invocation_id;  // Lambda's request id
  std::string method;
  std::string target;  // path and query, as received
  unsigned status = 0;
};

class ApiRequestLog {
 public:
  explicit ApiRequestLog(std::size_t capacity = 200) : capacity_(capacity) {}

  // Requests without an invocation id (the gateway answered alone) are not kept.
  void record(ApiRequest request);
  // The kept requests by invocation id.
  std::unordered_map<std::string, ApiRequest> by_invocation() const;

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<ApiRequest> requests_;  // oldest first
};

}  // namespace emu::console
