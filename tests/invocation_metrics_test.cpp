#include "emulator/lambda/invocation_metrics.h"

#include <doctest/doctest.h>

using emu::lambda::InvocationMetrics;
using namespace std::chrono_literals;

TEST_CASE("metrics count per function, version and alias") {
  InvocationMetrics metrics;
  metrics.record("fn", "1", "live", false, false, 2.0);
  metrics.record("fn", "2", "live", true, false, 4.0);
  metrics.record("fn", "2", "", true, true, 3000.0);
  CHECK(metrics.function_counts("fn").invocations == 3);
  CHECK(metrics.function_counts("fn").errors == 2);
  CHECK(metrics.function_counts("fn").timeouts == 1);
  CHECK(metrics.version_counts("fn", "2").invocations == 2);
  CHECK(metrics.version_counts("fn", "2").total_duration_ms == 3004.0);
  CHECK(metrics.alias_counts("fn", "live").invocations == 2);
  CHECK(metrics.version_counts("other", "1").invocations == 0);
}

TEST_CASE("the recent split counts only invocations inside the window") {
  InvocationMetrics metrics;
  auto now = InvocationMetrics::Clock::now();
  metrics.record("fn", "1", "live", false, false, 1, now - 30s);
  metrics.record("fn", "1", "live", false, false, 1, now - 2s);
  metrics.record("fn", "2", "live", false, false, 1, now - 1s);
  metrics.record("fn", "2", "live", false, false, 1, now);
  metrics.record("other", "9", "", false, false, 1, now);
  auto split = metrics.recent_split("fn", 10s, now);
  CHECK(split == std::map<std::string, std::uint64_t>{{"1", 1}, {"2", 2}});
  CHECK(metrics.recent_split("fn", 60s, now).at("1") == 2);
}
