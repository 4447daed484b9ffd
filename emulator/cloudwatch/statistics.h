// Statistics: what CloudWatch computes from the values one metric received in one period —
// SampleCount, Sum, Minimum, Maximum, Average (the `Statistic` enum of botocore's cloudwatch
// model) and percentiles (`ExtendedStatistic` "p0.0" to "p100": "p99", "p99.9").
//
// A period's values are kept as a StatisticSet: count, sum, min, max, and a sparse histogram for
// the percentiles whose buckets are 1 % wide (a percentile is exact to within 1 % of its value,
// as CloudWatch's own percentiles are approximations too: "Percentiles" in the CloudWatch user
// guide's "Statistics definitions"). Sets merge, so a 5-minute datapoint is five 1-minute sets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/result.h"

namespace emu::cloudwatch {

struct Statistic {
  enum class Kind { kSampleCount, kAverage, kSum, kMinimum, kMaximum, kPercentile };
  Kind kind = Kind::kAverage;
  double percentile = 0;  // 0..100, for kPercentile
  std::string name;       // as written: "Average", "p99"

  // "Sum" or "p99.5". Errors name what is accepted.
  static Result<Statistic> parse(const std::string& text);
};

class StatisticSet {
 public:
  void add(double value, double count = 1);
  void merge(const StatisticSet& other);

  double sample_count() const { return count_; }
  double sum() const { return sum_; }
  double minimum() const { return min_; }
  double maximum() const { return max_; }
  bool empty() const { return count_ == 0; }

  // The statistic's value; none for an empty set.
  std::optional<double> value(const Statistic& statistic) const;
  // Bytes held beyond the object itself (the histogram), for the store's memory bound.
  std::size_t heap_bytes() const { return bins_.capacity() * sizeof(Bin); }

 private:
  struct Bin {
    std::int32_t index;  // see bin_of()
    double count;
  };
  static std::int32_t bin_of(double value);
  static double value_of(std::int32_t bin);
  void add_to_bin(std::int32_t bin, double count);

  double count_ = 0;
  double sum_ = 0;
  double min_ = 0;
  double max_ = 0;
  std::vector<Bin> bins_;  // sorted by index (ascending value)
};

// The values of a 0-or-1 metric over `total` samples of which `ones` were 1 (Errors, 4XXError):
// Sum counts the ones, Average is their rate.
StatisticSet zero_one_set(double ones, double total);

}  // namespace emu::cloudwatch
