#include "emulator/cloudwatch/lambda_metrics.h"

#include <map>
#include <tuple>

namespace emu::cloudwatch {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;

struct Tally {
  double invocations = 0;
  double errors = 0;
  StatisticSet durations;
};

}  // namespace

void LambdaMetrics::add(LambdaInvocation invocation) {
  bool full = false;
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(std::move(invocation));
    full = queue_.size() >= kMaxQueued;
  }
  if (full) flush();
}

void LambdaMetrics::flush() {
  std::lock_guard flushing(flush_mutex_);
  std::vector<LambdaInvocation> batch;
  {
    std::lock_guard lock(queue_mutex_);
    batch.swap(queue_);
  }
  if (batch.empty()) return;
  // (function, resource, executed version, minute) -> what happened in it.
  std::map<std::tuple<std::string, std::string, std::string, std::int64_t>, Tally> tallies;
  for (const auto& i : batch) {
    std::string resource;
    if (!i.alias.empty()) resource = i.function + ":" + i.alias;
    else if (i.executed_version != "$LATEST") resource = i.function + ":" + i.executed_version;
    std::int64_t minute = i.epoch_ms - ((i.epoch_ms % kMinuteMs) + kMinuteMs) % kMinuteMs;
    auto& tally = tallies[{i.function, resource, i.alias.empty() ? "" : i.executed_version, minute}];
    tally.invocations += 1;
    tally.errors += i.error ? 1 : 0;
    tally.durations.add(i.duration_ms);
  }
  for (const auto& [key, tally] : tallies) {
    const auto& [function, resource, executed, minute] = key;
    StatisticSet invocations, errors;
    invocations.add(1, tally.invocations);
    errors.add(1, tally.errors);
    errors.add(0, tally.invocations - tally.errors);
    std::vector<std::vector<Dimension>> sets = {{{"FunctionName", function}}};
    if (!resource.empty()) sets.push_back({{"FunctionName", function}, {"Resource", resource}});
    if (!executed.empty())
      sets.push_back({{"FunctionName", function}, {"Resource", resource},
                      {"ExecutedVersion", executed}});
    for (const auto& dimensions : sets) {
      store_.record_set({"AWS/Lambda", "Invocations", dimensions}, minute, invocations, "Count");
      store_.record_set({"AWS/Lambda", "Errors", dimensions}, minute, errors, "Count");
      store_.record_set({"AWS/Lambda", "Duration", dimensions}, minute, tally.durations,
                        "Milliseconds");
    }
  }
}

}  // namespace emu::cloudwatch
