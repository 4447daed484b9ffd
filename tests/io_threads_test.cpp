#include "emulator/core/io_threads.h"

#include <doctest/doctest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "emulator/core/log.h"

using namespace std::chrono_literals;
using emu::IoThreads;

namespace {

// A gate blocked jobs wait at until the test opens it. Held by shared_ptr: a job may still be
// leaving wait() when the test ends.
struct Gate {
  std::mutex mutex;
  std::condition_variable opened_cv;
  bool opened = false;
  std::atomic<int> waiting{0};
  void wait() {
    std::unique_lock lock(mutex);
    ++waiting;
    opened_cv.wait(lock, [&] { return opened; });
    --waiting;
  }
  void open() {
    std::lock_guard lock(mutex);
    opened = true;
    opened_cv.notify_all();
  }
};

// Posts `count` jobs that wait at `gate`, each inside a blocking scope.
void block_in_scope(boost::asio::io_context& io, const std::shared_ptr<Gate>& gate, int count) {
  for (int i = 0; i < count; ++i) {
    boost::asio::post(io, [gate] {
      IoThreads::BlockingScope scope;
      gate->wait();
    });
  }
}

// Polls `condition` for up to 5 s.
template <typename Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

struct Fixture {
  explicit Fixture(std::size_t max_extra = 256) : threads(io, emu::IoThreadsOptions{2, max_extra}) {
    emu::log::set_quiet(true);
    threads.start();
  }
  ~Fixture() {
    guard.reset();
    io.stop();
    threads.join();
    emu::log::set_quiet(false);
  }
  // Runs `job` on an I/O thread and waits for it.
  template <typename Job>
  auto on_io(Job job) {
    // Shared with the job: it may still be returning from task() when get() does.
    auto task = std::make_shared<std::packaged_task<decltype(job())()>>(job);
    auto result = task->get_future();
    boost::asio::post(io, [task] { (*task)(); });
    return result.get();
  }
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  IoThreads threads;
};

}  // namespace

TEST_CASE("I/O threads run the io_context; on_io_thread tells them apart") {
  Fixture f;
  CHECK_FALSE(IoThreads::on_io_thread());
  CHECK(f.on_io([] { return IoThreads::on_io_thread(); }));
  CHECK(f.threads.threads() == 2);
  CHECK(f.threads.started() == 2);
  // Outside an I/O thread a scope is harmless and counts nothing.
  { IoThreads::BlockingScope scope; }
  CHECK(f.threads.blocked() == 0);
}

TEST_CASE("threads blocked in a scope are replaced, and the surplus parks when they return") {
  Fixture f;
  auto gate = std::make_shared<Gate>();
  block_in_scope(f.io, gate, 2);
  REQUIRE(eventually([&] { return gate->waiting == 2; }));
  // Both threads are blocked, yet new work runs: two threads were added.
  CHECK(f.on_io([] { return 42; }) == 42);
  CHECK(f.threads.blocked() == 2);
  CHECK(f.threads.started() == 4);
  CHECK(f.threads.threads() == 4);

  gate->open();
  CHECK(eventually([&] { return f.threads.threads() == 2; }));  // two parked

  // Blocked again: the parked threads come back instead of new ones.
  auto second = std::make_shared<Gate>();
  block_in_scope(f.io, second, 2);
  REQUIRE(eventually([&] { return second->waiting == 2; }));
  CHECK(f.on_io([] { return 7; }) == 7);
  CHECK(f.threads.started() == 4);
  second->open();
}

TEST_CASE("blocking outside a scope is not compensated") {
  Fixture f;
  auto gate = std::make_shared<Gate>();
  for (int i = 0; i < 2; ++i) boost::asio::post(f.io, [gate] { gate->wait(); });
  REQUIRE(eventually([&] { return gate->waiting == 2; }));
  std::this_thread::sleep_for(50ms);  // many ticks
  CHECK(f.threads.started() == 2);
  CHECK(f.threads.blocked() == 0);
  gate->open();
}

TEST_CASE("no thread is added past max_extra") {
  Fixture f(1);
  auto gate = std::make_shared<Gate>();
  block_in_scope(f.io, gate, 3);
  REQUIRE(eventually([&] { return gate->waiting == 3; }));
  std::this_thread::sleep_for(50ms);
  CHECK(f.threads.started() == 3);
  CHECK(f.threads.blocked() == 3);
  gate->open();
}

TEST_CASE("join leaves a stuck thread behind and says how many") {
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  IoThreads threads(io, emu::IoThreadsOptions{2});
  threads.start();
  auto gate = std::make_shared<Gate>();
  block_in_scope(io, gate, 1);
  REQUIRE(eventually([&] { return gate->waiting == 1; }));
  io.stop();
  CHECK(threads.join() == 1);
  // Released, the stuck thread leaves run() (the io_context is still alive here).
  gate->open();
  CHECK(eventually([&] { return threads.threads() == 0; }));
}
