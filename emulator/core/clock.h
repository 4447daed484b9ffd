// Clock: the emulator's virtual time, which drives every deployment interval and deadline.
// A seam: ScaledClock runs N virtual seconds per real second (`--time-scale N`), so a 5-minute
// canary plays in 5 seconds at 60; ManualClock lets tests advance time by hand and check exact
// timelines in no real time. Handler timeouts do not use this clock: they stay in real time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include <boost/asio/any_io_executor.hpp>

namespace emu {

class Clock {
 public:
  using Duration = std::chrono::milliseconds;  // virtual milliseconds since the clock started
  using TimerId = std::uint64_t;

  virtual ~Clock() = default;
  virtual Duration now() const = 0;
  // Runs `task` once when virtual time reaches `at` (at once if it already has), on a thread of
  // the implementation's choosing; tasks must not block. Thread-safe.
  virtual TimerId schedule_at(Duration at, std::function<void()> task) = 0;
  // A cancelled task does not run; cancelling a task that ran or is running does nothing.
  virtual void cancel(TimerId id) = 0;
  // Milliseconds since the Unix epoch at virtual time `at`: the wall time the clock started
  // plus the virtual time elapsed, for timestamps shown to users.
  virtual std::int64_t epoch_ms(Duration at) const = 0;
};

// Real time scaled by a factor, with timers on an io_context.
class ScaledClock final : public Clock {
 public:
  ScaledClock(boost::asio::any_io_executor executor, double scale);
  ~ScaledClock() override;
  Duration now() const override;
  TimerId schedule_at(Duration at, std::function<void()> task) override;
  void cancel(TimerId id) override;
  std::int64_t epoch_ms(Duration at) const override;
  double scale() const { return scale_; }

 private:
  struct Timers;
  boost::asio::any_io_executor executor_;
  double scale_;
  std::chrono::steady_clock::time_point start_;
  std::int64_t start_epoch_ms_;
  std::shared_ptr<Timers> timers_;
};

// Time moves only when advance() is called; due tasks run inside advance(), in time order.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_epoch_ms = 1'800'000'000'000) : start_epoch_ms_(start_epoch_ms) {}
  Duration now() const override;
  TimerId schedule_at(Duration at, std::function<void()> task) override;
  void cancel(TimerId id) override;
  std::int64_t epoch_ms(Duration at) const override { return start_epoch_ms_ + at.count(); }

  // Moves time forward by `by`, running each task that falls due at its own instant.
  void advance(Duration by);
  std::size_t pending() const;

 private:
  mutable std::mutex mutex_;
  Duration now_{0};
  TimerId next_id_ = 1;
  std::multimap<Duration, std::pair<TimerId, std::function<void()>>> tasks_;
  std::int64_t start_epoch_ms_;
};

}  // namespace emu
