#include "emulator/lambda/invocation_metrics.h"

namespace emu::lambda {
namespace {

constexpr std::int64_t kKeptSeconds = 120;

void add(InvocationCounts& counts, bool error, bool timeout, double duration_ms) {
  counts.invocations += 1;
  counts.errors += error || timeout ? 1 : 0;
  counts.timeouts += timeout ? 1 : 0;
  counts.total_duration_ms += duration_ms;
}

std::int64_t second_of(InvocationMetrics::Clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
}

template <class Map, class Key>
InvocationCounts lookup(const Map& map, const Key& key) {
  auto it = map.find(key);
  return it == map.end() ? InvocationCounts{} : it->second;
}

}  // namespace

void InvocationMetrics::record(const std::string& function, const std::string& version,
                               const std::string& alias, bool error, bool timeout,
                               double duration_ms, Clock::time_point at) {
  std::int64_t second = second_of(at);
  if (observer_) observer_(function, version, alias, error, duration_ms);
  std::lock_guard lock(mutex_);
  add(functions_[function], error, timeout, duration_ms);
  add(versions_[{function, version}], error, timeout, duration_ms);
  if (!alias.empty()) add(aliases_[{function, alias}], error, timeout, duration_ms);
  auto& buckets = recent_[{function, version}];
  if (buckets.empty() || buckets.back().second != second)
    buckets.push_back({second, 0});
  buckets.back().count += 1;
  while (!buckets.empty() && buckets.front().second <= second - kKeptSeconds) buckets.pop_front();
}

InvocationCounts InvocationMetrics::function_counts(const std::string& function) const {
  std::lock_guard lock(mutex_);
  return lookup(functions_, function);
}

InvocationCounts InvocationMetrics::version_counts(const std::string& function,
                                                   const std::string& version) const {
  std::lock_guard lock(mutex_);
  return lookup(versions_, std::pair{function, version});
}

InvocationCounts InvocationMetrics::alias_counts(const std::string& function,
                                                 const std::string& alias) const {
  std::lock_guard lock(mutex_);
  return lookup(aliases_, std::pair{function, alias});
}

std::map<std::string, std::uint64_t> InvocationMetrics::recent_split(
    const std::string& function, std::chrono::seconds window, Clock::time_point now) const {
  std::int64_t since = second_of(now) - window.count();
  std::map<std::string, std::uint64_t> split;
  std::lock_guard lock(mutex_);
  for (auto it = recent_.lower_bound({function, ""}); it != recent_.end() && it->first.first == function;
       ++it) {
    std::uint64_t total = 0;
    for (const auto& bucket : it->second)
      if (bucket.second > since) total += bucket.count;
    if (total > 0) split[it->first.second] = total;
  }
  return split;
}

}  // namespace emu::lambda
