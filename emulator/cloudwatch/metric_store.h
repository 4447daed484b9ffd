// MetricStore: CloudWatch's metrics, kept as one StatisticSet per metric and minute of the
// virtual clock (standard resolution: CloudWatch's smallest period for metrics that are not
// high-resolution is 60 s), queried by period. Thread-safe.
//
// Bounded (docs/alarms.md, "Memory"): at most Limits::max_metrics metrics (a new one beyond is
// refused; a metric whose minutes have all been dropped is forgotten); minutes older than Limits::retention before the newest one recorded are dropped
// (25 h: an alarm looks back at most a day, EvaluationPeriods x Period <= 86,400 s); and when the
// sets take more than Limits::max_bytes, the oldest minutes recorded go first.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "emulator/cloudwatch/statistics.h"

namespace emu::cloudwatch {

struct Dimension {
  std::string name;
  std::string value;
  bool operator==(const Dimension&) const = default;
};

struct MetricId {
  std::string namespace_name;          // "AWS/Lambda"
  std::string metric_name;             // "Errors"
  std::vector<Dimension> dimensions;   // any order; compared as a set, as CloudWatch does
  // Namespace, name and the dimensions sorted by name: equal for equal metrics.
  std::string key() const;
};

// The start of the minute `epoch_ms` falls in (epoch ms; floors negative times too).
inline std::int64_t minute_start(std::int64_t epoch_ms) {
  return epoch_ms - ((epoch_ms % 60'000) + 60'000) % 60'000;
}

// One period's values of one metric.
struct Datapoint {
  std::int64_t timestamp_ms = 0;  // the period's start (epoch ms)
  StatisticSet values;
};

class MetricStore {
 public:
  struct Limits {
    std::size_t max_metrics = 5'000;
    std::int64_t retention_ms = 25LL * 3'600'000;
    std::size_t max_bytes = 64u << 20;
  };
  MetricStore() : MetricStore(Limits{}) {}
  explicit MetricStore(Limits limits) : limits_(limits) {}

  // Adds `count` samples of `value` at `epoch_ms`. False when `id` is a new metric and the store
  // already holds max_metrics.
  bool record(const MetricId& id, std::int64_t epoch_ms, double value, double count = 1,
              const std::string& unit = "");
  // Adds the samples of `values` (already aggregated) at `epoch_ms`, as record() does.
  bool record_set(const MetricId& id, std::int64_t epoch_ms, const StatisticSet& values,
                  const std::string& unit = "");

  // The non-empty periods of `id` that start in [start_ms, end_ms), oldest first. `period_s` is a
  // multiple of 60; periods are aligned to the epoch, as CloudWatch aligns them.
  std::vector<Datapoint> query(const MetricId& id, std::int64_t start_ms, std::int64_t end_ms,
                               int period_s) const;

  // Every metric recorded (in key order), with the unit it was last recorded with.
  std::vector<std::pair<MetricId, std::string>> metrics() const;

  std::size_t bytes() const;

 private:
  struct Series {
    MetricId id;
    std::string unit;
    std::map<std::int64_t, StatisticSet> minutes;  // by minute since the epoch
  };
  void evict_locked(std::int64_t newest_minute);

  Limits limits_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<Series>> series_;
  std::deque<std::pair<Series*, std::int64_t>> created_;  // minutes in the order first recorded
  std::size_t bytes_ = 0;
  std::int64_t newest_minute_ = 0;
};

}  // namespace emu::cloudwatch
