#include "emulator/core/clock.h"

#include <boost/asio/steady_timer.hpp>
#include <unordered_map>

namespace emu {

// The live timers of a ScaledClock, shared with their completion handlers so that a handler
// running after the clock is gone finds nothing to do.
struct ScaledClock::Timers {
  std::mutex mutex;
  TimerId next_id = 1;
  std::unordered_map<TimerId, std::shared_ptr<boost::asio::steady_timer>> live;
};

ScaledClock::ScaledClock(boost::asio::any_io_executor executor, double scale)
    : executor_(std::move(executor)),
      scale_(scale),
      start_(std::chrono::steady_clock::now()),
      start_epoch_ms_(std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count()),
      timers_(std::make_shared<Timers>()) {}

ScaledClock::~ScaledClock() {
  std::lock_guard lock(timers_->mutex);
  for (auto& [id, timer] : timers_->live) timer->cancel();
  timers_->live.clear();
}

Clock::Duration ScaledClock::now() const {
  auto real = std::chrono::steady_clock::now() - start_;
  return std::chrono::duration_cast<Duration>(real * scale_);
}

Clock::TimerId ScaledClock::schedule_at(Duration at, std::function<void()> task) {
  auto wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      (at - now()) / scale_);
  auto timer = std::make_shared<boost::asio::steady_timer>(executor_);
  timer->expires_after(std::max(wait, std::chrono::steady_clock::duration::zero()));
  TimerId id;
  {
    std::lock_guard lock(timers_->mutex);
    id = timers_->next_id++;
    timers_->live.emplace(id, timer);
  }
  timer->async_wait([timers = timers_, id, task = std::move(task)](boost::system::error_code ec) {
    {
      std::lock_guard lock(timers->mutex);
      if (timers->live.erase(id) == 0) return;  // cancelled
    }
    if (!ec) task();
  });
  return id;
}

void ScaledClock::cancel(TimerId id) {
  std::lock_guard lock(timers_->mutex);
  auto it = timers_->live.find(id);
  if (it == timers_->live.end()) return;
  it->second->cancel();
  timers_->live.erase(it);
}

std::int64_t ScaledClock::epoch_ms(Duration at) const { return start_epoch_ms_ + at.count(); }

Clock::Duration ManualClock::now() const {
  std::lock_guard lock(mutex_);
  return now_;
}

Clock::TimerId ManualClock::schedule_at(Duration at, std::function<void()> task) {
  std::lock_guard lock(mutex_);
  TimerId id = next_id_++;
  tasks_.emplace(std::max(at, now_), std::pair{id, std::move(task)});
  return id;
}

void ManualClock::cancel(TimerId id) {
  std::lock_guard lock(mutex_);
  for (auto it = tasks_.begin(); it != tasks_.end(); ++it) {
    if (it->second.first == id) {
      tasks_.erase(it);
      return;
    }
  }
}

void ManualClock::advance(Duration by) {
  std::unique_lock lock(mutex_);
  Duration until = now_ + by;
  while (!tasks_.empty() && tasks_.begin()->first <= until) {
    auto node = tasks_.extract(tasks_.begin());
    now_ = node.key();
    lock.unlock();
    node.mapped().second();  // may schedule more tasks
    lock.lock();
  }
  now_ = until;
}

std::size_t ManualClock::pending() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

}  // namespace emu
