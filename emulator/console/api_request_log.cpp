#include "emulator/console/api_request_log.h"

namespace emu::console {

void ApiRequestLog::record(ApiRequest request) {
  if (request.invocation_id.empty()) return;
  std::lock_guard lock(mutex_);
  if (requests_.size() == capacity_) requests_.pop_front();
  requests_.push_back(std::move(request));
}

std::unordered_map<std::string, ApiRequest> ApiRequestLog::by_invocation() const {
  std::lock_guard lock(mutex_);
  std::unordered_map<std::string, ApiRequest> out;
  out.reserve(requests_.size());
  for (const auto& request : requests_) out[request.invocation_id] = request;
  return out;
}

}  // namespace emu::console
