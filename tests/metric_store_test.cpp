// Statistics and the metric store (emulator/cloudwatch/statistics.h, metric_store.h): every
// statistic, percentiles within their 1 % resolution, periods aligned to the epoch, dimensions
// compared as a set, and the store's bounds (metrics, retention, bytes).
#include "emulator/cloudwatch/metric_store.h"

#include <doctest/doctest.h>

namespace {

using namespace emu::cloudwatch;

constexpr std::int64_t kHour = 1'800'000'000'000 - 1'800'000'000'000 % 3'600'000;  // on the hour

MetricId errors(const std::string& resource = "") {
  MetricId id{"AWS/Lambda", "Errors", {{"FunctionName", "whodis"}}};
  if (!resource.empty()) id.dimensions.push_back({"Resource", resource});
  return id;
}

double stat(const StatisticSet& set, const char* name) {
  return *set.value(Statistic::parse(name).value());
}

}  // namespace

TEST_CASE("statistics: count, sum, minimum, maximum, average and percentiles of 1..1000") {
  StatisticSet set;
  for (int i = 1; i <= 1000; ++i) set.add(i);
  CHECK(stat(set, "SampleCount") == 1000);
  CHECK(stat(set, "Sum") == 500500);
  CHECK(stat(set, "Minimum") == 1);
  CHECK(stat(set, "Maximum") == 1000);
  CHECK(stat(set, "Average") == doctest::Approx(500.5));
  CHECK(stat(set, "p50") == doctest::Approx(500).epsilon(0.01));
  CHECK(stat(set, "p99") == doctest::Approx(990).epsilon(0.01));
  CHECK(stat(set, "p99.9") == doctest::Approx(999).epsilon(0.01));
  CHECK(stat(set, "p100") == 1000);
  CHECK(stat(set, "p0") == 1);
  CHECK_FALSE(StatisticSet().value(Statistic::parse("Sum").value()).has_value());
}

TEST_CASE("statistics: equal values give exact percentiles, sets merge, negative and zero values sort") {
  StatisticSet a, b;
  for (int i = 0; i < 10; ++i) a.add(7.25);
  CHECK(stat(a, "p90") == 7.25);
  b.add(-4);
  b.add(0);
  b.add(3, 2);  // two samples of 3
  a.merge(b);
  CHECK(stat(a, "SampleCount") == 14);
  CHECK(stat(a, "Minimum") == -4);
  CHECK(stat(a, "p1") == -4);
  CHECK(stat(a, "p10") == doctest::Approx(0));
  CHECK(stat(a, "Sum") == doctest::Approx(72.5 + 2));
}

TEST_CASE("statistics: names CloudWatch accepts, and what is refused says what is accepted") {
  CHECK(Statistic::parse("p99.5").value().percentile == 99.5);
  CHECK(Statistic::parse("p101").error().message.find("0 to 100") != std::string::npos);
  CHECK(Statistic::parse("tm99").error().message.find("SampleCount, Average, Sum") != std::string::npos);
  CHECK_FALSE(Statistic::parse("average").ok());
}

TEST_CASE("metric store: periods aligned to the epoch, dimensions in any order are one metric") {
  MetricStore store;
  store.record(errors("whodis:live"), kHour + 10'000, 1);
  store.record(errors("whodis:live"), kHour + 70'000, 1);
  MetricId reordered{"AWS/Lambda", "Errors", {{"Resource", "whodis:live"}, {"FunctionName", "whodis"}}};
  store.record(reordered, kHour + 310'000, 3);
  store.record(errors(), kHour + 10'000, 9);  // another metric: fewer dimensions
  auto minutes = store.query(errors("whodis:live"), kHour, kHour + 3'600'000, 60);
  REQUIRE(minutes.size() == 3);
  CHECK(minutes[0].timestamp_ms == kHour);
  CHECK(minutes[1].timestamp_ms == kHour + 60'000);
  CHECK(minutes[2].timestamp_ms == kHour + 300'000);
  auto five = store.query(errors("whodis:live"), kHour, kHour + 3'600'000, 300);
  REQUIRE(five.size() == 2);
  CHECK(five[0].values.sum() == 2);
  CHECK(five[1].values.sum() == 3);
  CHECK(store.query(errors(), kHour, kHour + 60'000, 60).at(0).values.sum() == 9);
  CHECK(store.query(errors("nope"), kHour, kHour + 3'600'000, 60).empty());
  CHECK(store.metrics().size() == 2);
}

TEST_CASE("metric store: bounded in metrics, retention and bytes") {
  MetricStore::Limits limits;
  limits.max_metrics = 2;
  limits.retention_ms = 10 * 60'000;
  limits.max_bytes = 1u << 20;
  MetricStore store(limits);
  CHECK(store.record(errors("a"), kHour, 1));
  CHECK(store.record(errors("b"), kHour, 1));
  CHECK_FALSE(store.record(errors("c"), kHour, 1));  // a third metric is refused
  CHECK(store.record(errors("a"), kHour + 60'000, 1));  // known ones still record
  // Twenty minutes later the first ten minutes are gone.
  store.record(errors("a"), kHour + 20 * 60'000, 1);
  auto kept = store.query(errors("a"), kHour, kHour + 3'600'000, 60);
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].timestamp_ms == kHour + 20 * 60'000);
  // Bytes: a day of minutes with many distinct values stays under the bound, oldest dropped.
  MetricStore::Limits small;
  small.max_bytes = 64 * 1024;
  MetricStore tight(small);
  for (int minute = 0; minute < 24 * 60; ++minute)
    for (int i = 1; i <= 50; ++i) tight.record(errors("a"), kHour + minute * 60'000LL, i * 1.5);
  CHECK(tight.bytes() <= small.max_bytes);
  auto newest = tight.query(errors("a"), kHour, kHour + 24 * 3'600'000LL, 60);
  REQUIRE_FALSE(newest.empty());
  CHECK(newest.back().timestamp_ms == kHour + (24 * 60 - 1) * 60'000LL);
  CHECK(newest.size() < 24 * 60u);
}
