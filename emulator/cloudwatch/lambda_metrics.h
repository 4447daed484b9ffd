// LambdaMetrics: the AWS/Lambda metrics CloudWatch has for each invocation (Lambda developer
// guide, "Types of metrics for Lambda functions"): Invocations, Errors (function errors and
// timeouts), Throttles (always 0: the emulator queues instead of throttling), Duration and
// ConcurrentExecutions, each with the dimension sets Lambda publishes — none (the Region's
// aggregate); FunctionName; for an invocation of an alias or a version also FunctionName +
// Resource ("name:alias" or "name:version"); for an alias also FunctionName + Resource +
// ExecutedVersion. ConcurrentExecutions (read it with Maximum) is the most invocations of a
// flush's batch that overlapped in real time: invocations that straddle a flush (every second)
// are not seen overlapping, so a long-running burst reads a little low.
//
// Off the request path: add() is a push onto a queue under a mutex; flush() aggregates what
// waits per function, resource, version and minute and records it into the MetricStore. The
// owner calls flush() periodically and before reading; add() flushes itself when kMaxQueued
// invocations wait, so the queue stays bounded when nothing reads.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "emulator/cloudwatch/batch_queue.h"
#include "emulator/cloudwatch/metric_store.h"

namespace emu::cloudwatch {

struct LambdaInvocation {
  std::string function;          // FunctionName
  std::string alias;             // the alias invoked, or ""
  std::string executed_version;  // "$LATEST", "1", ...
  bool error = false;            // a function error or a timeout
  double duration_ms = 0;
  std::int64_t epoch_ms = 0;     // when it ended, on the emulator's (virtual) clock
  double real_end_ms = 0;        // when it ended, on a steady real clock (ms), for concurrency
};

class LambdaMetrics {
 public:
  static constexpr std::size_t kMaxQueued = BatchQueue<LambdaInvocation>::kMaxQueued;
  explicit LambdaMetrics(MetricStore& store) : store_(store) {}

  void add(LambdaInvocation invocation);
  void flush();

 private:
  MetricStore& store_;
  BatchQueue<LambdaInvocation> queue_;
  std::mutex flush_mutex_;  // one flush at a time, in order
};

}  // namespace emu::cloudwatch
