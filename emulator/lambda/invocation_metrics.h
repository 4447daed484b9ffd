// InvocationMetrics: counters per function, version and alias (invocations, errors, timeouts,
// duration), plus per-second invocation counts per version for the last two minutes, from which
// the observed traffic split is read. The alarm evaluator and the deployment watch view read
// these. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace emu::lambda {

struct InvocationCounts {
  std::uint64_t invocations = 0;
  std::uint64_t errors = 0;     // function errors and timeouts
  std::uint64_t timeouts = 0;
  double total_duration_ms = 0;
};

class InvocationMetrics {
 public:
  using Clock = std::chrono::steady_clock;

  // `alias` is "" when the function was invoked by version or unqualified.
  void record(const std::string& function, const std::string& version, const std::string& alias,
              bool error, bool timeout, double duration_ms, Clock::time_point at = Clock::now());

  // Also hands each recorded invocation to `observer` (CloudWatch's metrics), on the recording
  // thread. Set before invocations start; it must be cheap (a queue push).
  using Observer = std::function<void(const std::string& function, const std::string& version,
                                      const std::string& alias, bool error, double duration_ms)>;
  void set_observer(Observer observer) { observer_ = std::move(observer); }

  InvocationCounts function_counts(const std::string& function) const;
  InvocationCounts version_counts(const std::string& function, const std::string& version) const;
  InvocationCounts alias_counts(const std::string& function, const std::string& alias) const;

  // Invocations of each version of `function` during the `window` before `now` (at most 120 s).
  std::map<std::string, std::uint64_t> recent_split(const std::string& function,
                                                    std::chrono::seconds window,
                                                    Clock::time_point now = Clock::now()) const;

 private:
  struct Bucket {
    std::int64_t second;
    std::uint64_t count;
  };
  mutable std::mutex mutex_;
  Observer observer_;
  std::map<std::string, InvocationCounts> functions_;
  std::map<std::pair<std::string, std::string>, InvocationCounts> versions_;
  std::map<std::pair<std::string, std::string>, InvocationCounts> aliases_;
  std::map<std::pair<std::string, std::string>, std::deque<Bucket>> recent_;  // (fn, version)
};

}  // namespace emu::lambda
