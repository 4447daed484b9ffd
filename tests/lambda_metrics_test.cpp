// LambdaMetrics (emulator/cloudwatch/lambda_metrics.h): Invocations, Errors and Duration with the
// dimension sets Lambda publishes, aggregated per minute when flushed, and the queue's bound.
#include "emulator/cloudwatch/lambda_metrics.h"

#include <doctest/doctest.h>

namespace {

using namespace emu::cloudwatch;

constexpr std::int64_t kMinute = 1'800'000'000'000 - 1'800'000'000'000 % 60'000;

MetricId metric(const std::string& name, std::vector<Dimension> dimensions) {
  return MetricId{"AWS/Lambda", name, std::move(dimensions)};
}

double sum(const MetricStore& store, const MetricId& id) {
  auto points = store.query(id, kMinute, kMinute + 3'600'000, 3600);
  return points.empty() ? 0 : points[0].values.sum();
}

}  // namespace

TEST_CASE("lambda metrics: each invocation counts for the function, its alias or version, and the version an alias ran") {
  MetricStore store;
  LambdaMetrics metrics(store);
  // The last field: when each ended in real time (ms); the first two overlap.
  metrics.add({"whodis", "live", "1", false, 10, kMinute + 1'000, 100});
  metrics.add({"whodis", "live", "2", true, 30, kMinute + 2'000, 105});
  metrics.add({"whodis", "", "2", false, 20, kMinute + 3'000, 200});        // by version
  metrics.add({"whodis", "", "$LATEST", false, 40, kMinute + 61'000, 300});  // unqualified
  CHECK(store.metrics().empty());  // nothing until flushed
  metrics.flush();

  const Dimension fn{"FunctionName", "whodis"};
  CHECK(sum(store, metric("Invocations", {fn})) == 4);
  CHECK(sum(store, metric("Errors", {fn})) == 1);
  CHECK(sum(store, metric("Invocations", {fn, {"Resource", "whodis:live"}})) == 2);
  CHECK(sum(store, metric("Errors", {fn, {"Resource", "whodis:live"}})) == 1);
  CHECK(sum(store, metric("Invocations", {fn, {"Resource", "whodis:2"}})) == 1);
  CHECK(sum(store, metric("Invocations",
                          {fn, {"Resource", "whodis:live"}, {"ExecutedVersion", "2"}})) == 1);
  CHECK(sum(store, metric("Errors",
                          {fn, {"Resource", "whodis:live"}, {"ExecutedVersion", "2"}})) == 1);
  CHECK(sum(store, metric("Invocations", {fn, {"Resource", "whodis:$LATEST"}})) == 0);
  CHECK(sum(store, metric("Invocations", {})) == 4);  // the Region's aggregate
  CHECK(sum(store, metric("Throttles", {fn})) == 0);
  auto throttles = store.query(metric("Throttles", {fn}), kMinute, kMinute + 60'000, 60);
  REQUIRE(throttles.size() == 1);  // zero throttles are data, not missing datapoints
  CHECK(throttles[0].values.sample_count() == 3);
  auto concurrency = store.query(metric("ConcurrentExecutions", {fn}), kMinute, kMinute + 60'000, 60);
  REQUIRE(concurrency.size() == 1);
  CHECK(concurrency[0].values.maximum() == 2);  // [90, 100) and [75, 105) overlap

  // Errors' average is the error rate; Duration keeps its statistics per minute.
  auto errors = store.query(metric("Errors", {fn, {"Resource", "whodis:live"}}), kMinute,
                            kMinute + 60'000, 60);
  REQUIRE(errors.size() == 1);
  CHECK(*errors[0].values.value(Statistic::parse("Average").value()) == 0.5);
  auto durations = store.query(metric("Duration", {fn}), kMinute, kMinute + 120'000, 60);
  REQUIRE(durations.size() == 2);
  CHECK(durations[0].values.maximum() == 30);
  CHECK(durations[0].values.sample_count() == 3);
  CHECK(durations[1].values.minimum() == 40);
  auto listed = store.metrics();
  bool unit_ok = false;
  for (const auto& [id, unit] : listed)
    if (id.metric_name == "Duration") unit_ok = unit == "Milliseconds";
  CHECK(unit_ok);
}

TEST_CASE("lambda metrics: a full queue flushes itself, so nothing waits unbounded") {
  MetricStore store;
  LambdaMetrics metrics(store);
  for (std::size_t i = 0; i < LambdaMetrics::kMaxQueued; ++i)
    metrics.add({"f", "", "$LATEST", false, 1, kMinute});
  CHECK(sum(store, metric("Invocations", {{"FunctionName", "f"}})) == LambdaMetrics::kMaxQueued);
}
