#include "emulator/console/traffic_timeline.h"

namespace emu::console {

using Json = nlohmann::json;

Json TrafficTimeline::sample(std::int64_t virtual_ms, std::int64_t wall_ms) {
  const auto snapshot = store_.snapshot();  // held: the loop reads its functions
  Json aliases = Json::object();
  std::lock_guard lock(mutex_);
  for (const auto& function : snapshot->functions) {
    if (function->aliases.empty()) continue;
    // Invocations of each version since the last sample, from the cumulative counters.
    Json observed = Json::object();
    for (const auto& version : function->versions) {
      if (!version) continue;
      const auto total = metrics_.version_counts(function->name, version->version).invocations;
      auto& seen = seen_[{function->name, version->version}];
      if (total > seen) observed[version->version] = total - seen;
      seen = total;
    }
    for (const auto& [name, alias] : function->aliases) {
      aliases[function->name + ":" + name] = {{"weights", alias->shares()}, {"observed", observed}};
    }
  }
  Json sample = {{"t", virtual_ms}, {"wall", wall_ms}, {"aliases", std::move(aliases)}};
  if (samples_.size() == kCapacity) samples_.pop_front();
  samples_.push_back(sample);
  return sample;
}

Json TrafficTimeline::samples() const {
  std::lock_guard lock(mutex_);
  Json all = Json::array();
  for (const auto& sample : samples_) all.push_back(sample);
  return all;
}

}  // namespace emu::console
