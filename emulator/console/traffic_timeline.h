// TrafficTimeline: the console's chart data. Once a second (real time) it samples, for every
// alias, the weights it is configured with and how many invocations each version of its function
// actually ran since the previous sample, stamped with the virtual time (the deployment's own
// clock) and the wall time. Bounded: the newest kCapacity samples (15 minutes). Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "emulator/lambda/invocation_metrics.h"
#include "emulator/lambda/model/function_store.h"

namespace emu::console {

class TrafficTimeline {
 public:
  static constexpr std::size_t kCapacity = 900;

  // Both must outlive the timeline.
  TrafficTimeline(const lambda::FunctionStore& store, const lambda::InvocationMetrics& metrics)
      : store_(store), metrics_(metrics) {}

  // Takes one sample and returns it:
  //   {"t": <virtual ms>, "wall": <epoch ms>,
  //    "aliases": {"<function name>:<alias>": {"weights": {"1": 0.9, "2": 0.1},
  //                                            "observed": {"1": 9, "2": 1}}}}
  // "observed" counts every invocation of the version since the previous sample (through the
  // alias or not); versions with none are left out.
  nlohmann::json sample(std::int64_t virtual_ms, std::int64_t wall_ms);
  // Every kept sample, oldest first.
  nlohmann::json samples() const;

 private:
  const lambda::FunctionStore& store_;
  const lambda::InvocationMetrics& metrics_;
  mutable std::mutex mutex_;
  std::deque<nlohmann::json> samples_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> seen_;  // (function, version)
};

}  // namespace emu::console
