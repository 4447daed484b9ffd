// WorkerPool: threads that run blocking work (handler invocations) off the I/O threads.
//
// A task that overruns its deadline cannot be killed (it is a C++ function in this process), so
// its owner calls abandon_one(): the pool starts a replacement thread at once, keeping `size`
// workers available, and counts the stuck one as abandoned. When the stuck task finally returns
// its owner calls release_abandoned() and one surplus thread retires. Past `max_abandoned` stuck
// tasks no replacement is started and abandon_one() says so, so a handler that never returns
// degrades capacity visibly (an error line per event) instead of silently or without bound.
//
// Thread-safe. Threads hold the pool's shared state, so destroying the pool while abandoned tasks
// still run is safe: they finish on their own and their threads exit.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace emu::lambda {

class WorkerPool {
 public:
  WorkerPool(std::size_t size, std::size_t max_abandoned);
  ~WorkerPool();  // stops taking work, lets idle and busy (not abandoned) workers finish and exit
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; a free worker runs it. Tasks must not throw.
  void submit(std::function<void()> task);

  struct AbandonOutcome {
    std::size_t abandoned = 0;  // stuck tasks now, this one included
    bool replaced = false;      // false once max_abandoned is reached
  };
  AbandonOutcome abandon_one();
  void release_abandoned();

  std::size_t size() const;
  std::size_t abandoned() const;

  struct State;  // shared with the worker threads; defined in the .cpp

 private:
  std::shared_ptr<State> state_;
};

}  // namespace emu::lambda
