#include "emulator/cloudwatch/statistics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace emu::cloudwatch {
namespace {

const double kLogBase = std::log(1.01);  // bins 1 % wide
// Bin indexes: 0 is zero; value v > 0 is kPositive + floor(log(v) / log(1.01)) (>= 1 for any
// double), v < 0 the negation of its magnitude's index, so indexes sort as values do.
constexpr std::int32_t kPositive = 80'000;

}  // namespace

Result<Statistic> Statistic::parse(const std::string& text) {
  Statistic s;
  s.name = text;
  if (text == "SampleCount") s.kind = Kind::kSampleCount;
  else if (text == "Average") s.kind = Kind::kAverage;
  else if (text == "Sum") s.kind = Kind::kSum;
  else if (text == "Minimum") s.kind = Kind::kMinimum;
  else if (text == "Maximum") s.kind = Kind::kMaximum;
  else if (text.size() > 1 && text[0] == 'p') {
    double p = 0;
    auto [end, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), p);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(p) || p < 0 ||
        p > 100 || text.find_first_of("eE") != std::string::npos)
      return Error{"InvalidParameterValue",
                   "The value " + text + " for parameter ExtendedStatistic is not supported: a "
                   "percentile is p followed by a number from 0 to 100, e.g. p99 or p99.9"};
    s.kind = Kind::kPercentile;
    s.percentile = p;
  } else {
    return Error{"InvalidParameterValue",
                 "Statistic " + text + " is not supported: use SampleCount, Average, Sum, "
                 "Minimum, Maximum, or a percentile such as p99 (trimmed means, tm99 and the "
                 "like, are not emulated)"};
  }
  return s;
}

std::int32_t StatisticSet::bin_of(double value) {
  if (value == 0 || !std::isfinite(value)) return 0;
  double magnitude = std::floor(std::log(std::fabs(value)) / kLogBase);
  auto index = static_cast<std::int32_t>(kPositive + std::clamp(magnitude, -79'000.0, 79'000.0));
  return value > 0 ? index : -index;
}

double StatisticSet::value_of(std::int32_t bin) {
  if (bin == 0) return 0;
  double magnitude = std::exp((std::abs(bin) - kPositive + 0.5) * kLogBase);
  return bin > 0 ? magnitude : -magnitude;
}

void StatisticSet::add_to_bin(std::int32_t bin, double count) {
  auto at = std::lower_bound(bins_.begin(), bins_.end(), bin,
                             [](const Bin& b, std::int32_t index) { return b.index < index; });
  if (at != bins_.end() && at->index == bin) at->count += count;
  else bins_.insert(at, Bin{bin, count});
}

void StatisticSet::add(double value, double count) {
  if (count <= 0) return;
  if (count_ == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  count_ += count;
  sum_ += value * count;
  add_to_bin(bin_of(value), count);
}

void StatisticSet::merge(const StatisticSet& other) {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
  for (const auto& bin : other.bins_) add_to_bin(bin.index, bin.count);
}

std::optional<double> StatisticSet::value(const Statistic& statistic) const {
  if (count_ == 0) return std::nullopt;
  switch (statistic.kind) {
    case Statistic::Kind::kSampleCount: return count_;
    case Statistic::Kind::kSum: return sum_;
    case Statistic::Kind::kMinimum: return min_;
    case Statistic::Kind::kMaximum: return max_;
    case Statistic::Kind::kAverage: return sum_ / count_;
    case Statistic::Kind::kPercentile: break;
  }
  if (statistic.percentile <= 0) return min_;
  if (statistic.percentile >= 100) return max_;
  // Nearest rank: the smallest value with at least p % of the samples at or below it.
  double rank = std::max(1.0, std::ceil(statistic.percentile / 100.0 * count_));
  double seen = 0;
  for (const auto& bin : bins_) {
    seen += bin.count;
    if (seen >= rank) return std::clamp(value_of(bin.index), min_, max_);
  }
  return max_;
}

StatisticSet zero_one_set(double ones, double total) {
  StatisticSet set;
  if (ones > 0) set.add(1, ones);
  if (total > ones) set.add(0, total - ones);
  return set;
}

}  // namespace emu::cloudwatch
