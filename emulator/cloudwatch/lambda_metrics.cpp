#include "emulator/cloudwatch/lambda_metrics.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace emu::cloudwatch {
namespace {

// What one dimension set saw in one minute of one batch.
struct Tally {
  std::vector<Dimension> dimensions;
  double invocations = 0;
  double errors = 0;
  StatisticSet durations;
  std::vector<std::pair<double, double>> intervals;  // real [start, end) in ms, for concurrency
};

// The most intervals that overlap at any instant (an end before a start at the same instant).
double max_overlap(std::vector<std::pair<double, double>>& intervals) {
  std::vector<std::pair<double, int>> edges;
  edges.reserve(intervals.size() * 2);
  for (const auto& [start, end] : intervals) {
    edges.emplace_back(start, +1);
    edges.emplace_back(end, -1);
  }
  std::sort(edges.begin(), edges.end());
  int current = 0, most = 0;
  for (const auto& edge : edges) most = std::max(most, current += edge.second);
  return most;
}

}  // namespace

void LambdaMetrics::add(LambdaInvocation invocation) {
  if (queue_.push(std::move(invocation))) flush();
}

void LambdaMetrics::flush() {
  std::lock_guard flushing(flush_mutex_);
  std::vector<LambdaInvocation> batch = queue_.take();
  if (batch.empty()) return;
  // First per (function, alias, executed version, minute): one lookup an invocation.
  std::map<std::tuple<std::string, std::string, std::string, std::int64_t>, Tally> runs;
  for (const auto& i : batch) {
    auto& run = runs[{i.function, i.alias, i.executed_version, minute_start(i.epoch_ms)}];
    run.invocations += 1;
    run.errors += i.error ? 1 : 0;
    run.durations.add(i.duration_ms);
    run.intervals.emplace_back(i.real_end_ms - i.duration_ms, i.real_end_ms);
  }
  // Then each into the dimension sets it counts in: (dimension set as text, minute) -> tally.
  std::map<std::pair<std::string, std::int64_t>, Tally> tallies;
  auto count = [&](std::vector<Dimension> dimensions, std::int64_t minute, const Tally& run) {
    std::string key;
    for (const auto& d : dimensions) key.append(d.name).append("=").append(d.value).append(";");
    auto& tally = tallies[{key, minute}];
    if (tally.invocations == 0) tally.dimensions = std::move(dimensions);
    tally.invocations += run.invocations;
    tally.errors += run.errors;
    tally.durations.merge(run.durations);
    tally.intervals.insert(tally.intervals.end(), run.intervals.begin(), run.intervals.end());
  };
  for (const auto& [key, run] : runs) {
    const auto& [function, alias, executed_version, minute] = key;
    std::string resource;
    if (!alias.empty()) resource = function + ":" + alias;
    else if (executed_version != "$LATEST") resource = function + ":" + executed_version;
    count({}, minute, run);  // the account's (Region's) aggregate: no dimension
    count({{"FunctionName", function}}, minute, run);
    if (!resource.empty()) count({{"FunctionName", function}, {"Resource", resource}}, minute, run);
    if (!alias.empty())
      count({{"FunctionName", function}, {"Resource", resource},
             {"ExecutedVersion", executed_version}},
            minute, run);
  }
  for (auto& [key, tally] : tallies) {
    const std::int64_t minute = key.second;
    const auto& dimensions = tally.dimensions;
    StatisticSet invocations;
    invocations.add(1, tally.invocations);
    store_.record_set({"AWS/Lambda", "Invocations", dimensions}, minute, invocations, "Count");
    store_.record_set({"AWS/Lambda", "Errors", dimensions}, minute,
                      zero_one_set(tally.errors, tally.invocations), "Count");
    // The emulator queues what AWS would throttle: zero throttles, so an alarm on Throttles
    // sees data (and stays OK) rather than missing datapoints.
    store_.record_set({"AWS/Lambda", "Throttles", dimensions}, minute,
                      zero_one_set(0, tally.invocations), "Count");
    store_.record_set({"AWS/Lambda", "Duration", dimensions}, minute, tally.durations,
                      "Milliseconds");
    StatisticSet concurrency;
    concurrency.add(max_overlap(tally.intervals));
    store_.record_set({"AWS/Lambda", "ConcurrentExecutions", dimensions}, minute, concurrency,
                      "Count");
  }
}

}  // namespace emu::cloudwatch
