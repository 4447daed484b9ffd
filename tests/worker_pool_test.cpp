#include "emulator/lambda/worker_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
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
  // The stuck task owns what it waits on: it may still be waking up after this test's frame is
  // gone (ASan found it reading a local of the test's stack after the test returned).
  struct Gate {
    std::mutex mutex;
    std::condition_variable release;
    bool released = false;
    std::promise<void> started;
    std::promise<void> finished;
  };
  auto gate = std::make_shared<Gate>();
  auto started = gate->started.get_future();
  auto finished = gate->finished.get_future();
  pool.submit([gate] {
    gate->started.set_value();
    {
      std::unique_lock lock(gate->mutex);
      gate->release.wait(lock, [&] { return gate->released; });
    }
    gate->finished.set_value();
  });
  started.wait();

  auto outcome = pool.abandon_one();
  CHECK(outcome.replaced);
  CHECK(outcome.abandoned == 1);

  // With the only original worker stuck, the replacement must run this task.
  std::promise<void> ran;
  pool.submit([&] { ran.set_value(); });
  CHECK(ran.get_future().wait_for(5s) == std::future_status::ready);

  {
    std::lock_guard lock(gate->mutex);
    gate->released = true;
  }
  gate->release.notify_all();
  // As the invoker does: release_abandoned() once the stuck task has returned.
  finished.wait();
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
