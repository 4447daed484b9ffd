#include "emulator/cloudwatch/metric_store.h"

#include <algorithm>

namespace emu::cloudwatch {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;
// What one minute's set costs besides its histogram: the map node and the set itself.
constexpr std::size_t kMinuteBytes = sizeof(StatisticSet) + 48;

std::int64_t minute_of(std::int64_t epoch_ms) {
  return epoch_ms >= 0 ? epoch_ms / kMinuteMs : (epoch_ms - kMinuteMs + 1) / kMinuteMs;
}

}  // namespace

std::string MetricId::key() const {
  std::vector<Dimension> sorted = dimensions;
  std::sort(sorted.begin(), sorted.end(), [](const Dimension& a, const Dimension& b) {
    return a.name < b.name || (a.name == b.name && a.value < b.value);
  });
  std::string key = namespace_name + '\x1f' + metric_name;
  for (const auto& d : sorted) key += '\x1f' + d.name + '\x1e' + d.value;
  return key;
}

bool MetricStore::record(const MetricId& id, std::int64_t epoch_ms, double value, double count,
                         const std::string& unit) {
  StatisticSet values;
  values.add(value, count);
  return record_set(id, epoch_ms, values, unit);
}

bool MetricStore::record_set(const MetricId& id, std::int64_t epoch_ms,
                             const StatisticSet& values, const std::string& unit) {
  if (values.empty()) return true;
  const std::int64_t minute = minute_of(epoch_ms);
  std::lock_guard lock(mutex_);
  if (minute < newest_minute_ - limits_.retention_ms / kMinuteMs) return true;  // already gone
  auto key = id.key();
  auto found = series_.find(key);
  if (found == series_.end()) {
    if (series_.size() >= limits_.max_metrics) return false;
    auto series = std::make_unique<Series>();
    series->id = id;
    found = series_.emplace(std::move(key), std::move(series)).first;
  }
  Series& series = *found->second;
  if (!unit.empty()) series.unit = unit;
  auto [set, added] = series.minutes.try_emplace(minute);
  if (added) {
    bytes_ += kMinuteBytes;
    created_.emplace_back(&series, minute);
  }
  std::size_t before = set->second.heap_bytes();
  set->second.merge(values);
  bytes_ += set->second.heap_bytes() - before;
  newest_minute_ = std::max(newest_minute_, minute);
  evict_locked(newest_minute_);
  return true;
}

void MetricStore::evict_locked(std::int64_t newest_minute) {
  const std::int64_t oldest_kept = newest_minute - limits_.retention_ms / kMinuteMs;
  while (!created_.empty()) {
    auto [series, minute] = created_.front();
    auto at = series->minutes.find(minute);
    bool stale = at == series->minutes.end();  // dropped already (out of order)
    if (!stale && minute >= oldest_kept && bytes_ <= limits_.max_bytes) break;
    created_.pop_front();
    if (stale) continue;
    bytes_ -= kMinuteBytes + at->second.heap_bytes();
    series->minutes.erase(at);
    // A metric with no minute left is forgotten (it no longer counts towards max_metrics); no
    // other entry of created_ names it, one entry standing for each minute kept.
    if (series->minutes.empty()) series_.erase(series->id.key());
  }
}

std::vector<Datapoint> MetricStore::query(const MetricId& id, std::int64_t start_ms,
                                          std::int64_t end_ms, int period_s) const {
  std::vector<Datapoint> points;
  const std::int64_t period_ms = std::max<std::int64_t>(60, period_s) * 1000;
  std::lock_guard lock(mutex_);
  auto found = series_.find(id.key());
  if (found == series_.end()) return points;
  const auto& minutes = found->second->minutes;
  for (auto at = minutes.lower_bound(minute_of(start_ms)); at != minutes.end(); ++at) {
    std::int64_t at_ms = at->first * kMinuteMs;
    if (at_ms >= end_ms) break;
    if (at_ms < start_ms) continue;
    std::int64_t period_start = at_ms - ((at_ms % period_ms) + period_ms) % period_ms;
    if (points.empty() || points.back().timestamp_ms != period_start)
      points.push_back(Datapoint{period_start, {}});
    points.back().values.merge(at->second);
  }
  return points;
}

std::vector<std::pair<MetricId, std::string>> MetricStore::metrics() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, const Series*> sorted;
  for (const auto& [key, series] : series_) sorted.emplace(key, series.get());
  std::vector<std::pair<MetricId, std::string>> list;
  for (const auto& [key, series] : sorted) list.emplace_back(series->id, series->unit);
  return list;
}

std::size_t MetricStore::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace emu::cloudwatch
