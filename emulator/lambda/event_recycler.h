// EventRecycler: spent invocation events kept for reuse. API Gateway builds an event of the same
// shape for every request of a route (apigw::fill_proxy_event); overwriting a spent one in place
// reuses its map nodes and strings instead of allocating and freeing some hundred of them per
// request. The in-process invoker gives each event back once its handler has returned.
//
// Only values shaped like a proxy event (an object of 12 members) with a small body are kept, at
// most kMaxKept of them: what is kept is bounded by the number of requests in flight.
// Thread-safe. One per emulator (the App's), shared by API Gateway and the invokers.
#pragma once

#include <cstddef>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

namespace emu::lambda {

class EventRecycler {
 public:
  static constexpr std::size_t kMaxKept = 128;
  static constexpr std::size_t kMaxBodyBytes = 64 * 1024;

  // Keeps `event` for reuse, or destroys it.
  void put(nlohmann::json&& event);
  // A spent event to overwrite, or null when none is kept.
  nlohmann::json take();

 private:
  std::mutex mutex_;
  std::vector<nlohmann::json> kept_;
};

}  // namespace emu::lambda
