#include "emulator/lambda/worker_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>

using emu::lambda::WorkerPool;
using namespace std::chrono_literals;

TEST_CASE("worker pool runs every submitted task") {
  std::atomic<int> count{0};
  {
    WorkerPool pool(4, 4);
    std::vector<std::promise<void>> done(100);
    for (auto& promise : done)
      pool.submit([&count, &promise] {
        ++count;
        promise.set_value();
      });
    for (auto& promise : done) promise.get_future().wait();
  }
  CHECK(count == 100);
}

TEST_CASE("worker pool replaces a worker whose task overran, so capacity is kept") {
  WorkerPool pool(1, 8);
  std::mutex mutex;
  std::condition_variable release;
  bool released = false;
  std::promise<void> stuck_started;
  pool.submit([&] {
    stuck_started.set_value();
    std::unique_lock lock(mutex);
    release.wait(lock, [&] { return released; });
  });
  stuck_started.get_future().wait();

  auto outcome = pool.abandon_one();
  CHECK(outcome.replaced);
  CHECK(outcome.abandoned == 1);

  // With the only original worker stuck, the replacement must run this task.
  std::promise<void> ran;
  pool.submit([&] { ran.set_value(); });
  CHECK(ran.get_future().wait_for(5s) == std::future_status::ready);

  {
    std::lock_guard lock(mutex);
    released = true;
  }
  release.notify_all();
  pool.release_abandoned();
  CHECK(pool.abandoned() == 0);
}

TEST_CASE("worker pool stops replacing past max_abandoned and says so") {
  WorkerPool pool(2, 1);
  CHECK(pool.abandon_one().replaced);
  auto second = pool.abandon_one();
  CHECK_FALSE(second.replaced);
  CHECK(second.abandoned == 2);
  pool.release_abandoned();
  pool.release_abandoned();
  CHECK(pool.abandoned() == 0);
}
