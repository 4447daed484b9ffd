#include "emulator/lambda/worker_pool.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace emu::lambda {

// Invariant (under mutex): live == running threads; live - abandoned == threads able to take
// work (idle or busy with a task that has not overrun); retire <= surplus threads still to exit.
struct WorkerPool::State {
  mutable std::mutex mutex;
  std::condition_variable work_ready;
  std::condition_variable all_exited;
  std::deque<std::function<void()>> queue;
  bool stopping = false;
  std::size_t size = 0;
  std::size_t max_abandoned = 0;
  std::size_t live = 0;
  std::size_t abandoned = 0;
  std::size_t retire = 0;
};

namespace {

void start_worker(const std::shared_ptr<WorkerPool::State>& state);

void worker_loop(std::shared_ptr<WorkerPool::State> state) {
  std::unique_lock lock(state->mutex);
  for (;;) {
    state->work_ready.wait(lock, [&] {
      return state->stopping || !state->queue.empty() || state->retire > 0;
    });
    if (state->retire > 0) {
      --state->retire;
      break;
    }
    if (state->queue.empty()) break;  // stopping and drained
    auto task = std::move(state->queue.front());
    state->queue.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
  --state->live;
  state->all_exited.notify_all();
}

void start_worker(const std::shared_ptr<WorkerPool::State>& state) {
  ++state->live;  // caller holds the mutex or is the constructor
  std::thread(worker_loop, state).detach();
}

}  // namespace

WorkerPool::WorkerPool(std::size_t size, std::size_t max_abandoned)
    : state_(std::make_shared<State>()) {
  std::lock_guard lock(state_->mutex);
  state_->size = size;
  state_->max_abandoned = max_abandoned;
  for (std::size_t i = 0; i < size; ++i) start_worker(state_);
}

WorkerPool::~WorkerPool() {
  std::unique_lock lock(state_->mutex);
  state_->stopping = true;
  state_->work_ready.notify_all();
  // Abandoned tasks may never return; wait only for the others.
  state_->all_exited.wait(lock, [&] { return state_->live <= state_->abandoned; });
}

void WorkerPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(state_->mutex);
    state_->queue.push_back(std::move(task));
  }
  state_->work_ready.notify_one();
}

WorkerPool::AbandonOutcome WorkerPool::abandon_one() {
  std::lock_guard lock(state_->mutex);
  ++state_->abandoned;
  AbandonOutcome outcome{state_->abandoned, false};
  if (state_->abandoned <= state_->max_abandoned && !state_->stopping) {
    start_worker(state_);
    outcome.replaced = true;
  }
  return outcome;
}

void WorkerPool::release_abandoned() {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->abandoned == 0) return;
    --state_->abandoned;
    // Threads able to work, not counting those already told to retire: one too many now if this
    // task's overrun had been replaced.
    std::size_t working = state_->live - state_->retire - state_->abandoned;
    if (working > state_->size) ++state_->retire;
  }
  state_->work_ready.notify_one();
  state_->all_exited.notify_all();
}

std::size_t WorkerPool::size() const {
  std::lock_guard lock(state_->mutex);
  return state_->size;
}

std::size_t WorkerPool::abandoned() const {
  std::lock_guard lock(state_->mutex);
  return state_->abandoned;
}

}  // namespace emu::lambda
