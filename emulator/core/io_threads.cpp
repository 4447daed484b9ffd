#include "emulator/core/io_threads.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <thread>

#include "emulator/core/log.h"

namespace emu {
namespace {

// One thread's slot. The thread writes `entered` and `depth` (relaxed: the monitor only needs to
// see them change within a tick); the rest is the monitor's, or under State::mutex.
struct Slot {
  std::atomic<std::uint64_t> entered{0};  // blocking scopes entered so far
  std::atomic<int> depth{0};              // > 0 while inside one
  std::uint64_t entered_at_tick = 0;      // monitor: `entered` at the previous tick
  bool in_scope_at_tick = false;          // monitor: inside a scope at the previous tick
  bool parked = false;                    // under mutex
};

thread_local Slot* t_slot = nullptr;

// Thrown by a parked thread told to exit: leaves io_context::run() (a handler's exception
// propagates out of run(), leaving the io_context usable by the other threads).
struct Retire {};

constexpr auto kParkedLifetime = std::chrono::seconds(30);
constexpr auto kIdleTickCap = std::chrono::milliseconds(20);

}  // namespace

struct IoThreads::State {
  State(boost::asio::io_context& i, IoThreadsOptions o) : io(i), options(o) {}

  boost::asio::io_context& io;
  IoThreadsOptions options;

  std::mutex mutex;
  std::condition_variable exited;    // a thread left run()
  std::condition_variable unparked;  // parked threads: `unpark` or `stopping` changed
  std::condition_variable monitor_wake;
  std::list<Slot> slots;    // one per live thread, parked ones included
  std::size_t parked = 0;   // threads parked now
  std::size_t unpark = 0;   // parked threads asked to resume
  std::size_t blocked = 0;  // at the last tick
  std::size_t started = 0;
  bool run_returned = false;  // some thread left run(): the io_context stopped
  bool stopping = false;      // join() is ending: parked threads leave, no new ones
  bool at_cap = false;        // the cap was reached and said so
  // Park jobs posted and not yet run, and how many threads should still park.
  std::atomic<std::size_t> park_jobs{0};
  std::atomic<std::size_t> park_requests{0};

  // Under mutex.
  void spawn(const std::shared_ptr<State>& self) {
    Slot& slot = slots.emplace_back();
    ++started;
    std::thread([self, &slot] { self->thread_main(slot); }).detach();
  }

  void thread_main(Slot& slot) {
    t_slot = &slot;
    try {
      io.run();
    } catch (const Retire&) {
    }
    t_slot = nullptr;
    std::lock_guard lock(mutex);
    run_returned = run_returned || io.stopped();
    slots.remove_if([&slot](const Slot& s) { return &s == &slot; });
    exited.notify_all();
  }

  // A posted job: the thread that runs it parks, if parking is still wanted, until the monitor
  // needs it again (returns, back to run()), it has been idle for kParkedLifetime (Retire), or
  // the threads are stopping (returns; run() then ends).
  void park() {
    park_jobs.fetch_sub(1);
    if (!t_slot) return;  // a thread of someone else's running this io_context
    std::size_t wanted = park_requests.load();
    do {
      if (wanted == 0) return;
    } while (!park_requests.compare_exchange_weak(wanted, wanted - 1));
    std::unique_lock lock(mutex);
    Slot& slot = *t_slot;
    slot.parked = true;
    ++parked;
    bool resumed = unparked.wait_for(lock, kParkedLifetime, [&] { return unpark > 0 || stopping; });
    slot.parked = false;
    --parked;
    if (resumed && unpark > 0) {
      --unpark;
      return;
    }
    if (stopping) return;
    throw Retire{};
  }

  void monitor_main(const std::shared_ptr<State>& self) {
    std::unique_lock lock(mutex);
    auto tick = options.tick;
    const std::size_t target = options.threads;
    while (!stopping) {
      monitor_wake.wait_for(lock, tick, [&] { return stopping; });
      if (stopping) break;
      std::size_t running = 0, in_blocked = 0;
      bool busy = false;
      for (Slot& slot : slots) {
        if (slot.parked) continue;
        ++running;
        const auto entered = slot.entered.load(std::memory_order_relaxed);
        const bool in_scope = slot.depth.load(std::memory_order_relaxed) > 0;
        if (in_scope && slot.in_scope_at_tick && entered == slot.entered_at_tick) ++in_blocked;
        busy = busy || in_scope || entered != slot.entered_at_tick;
        slot.entered_at_tick = entered;
        slot.in_scope_at_tick = in_scope;
      }
      blocked = in_blocked;
      // While nothing is invoked the monitor backs off (to kIdleTickCap), so an idle emulator
      // does not wake 1,000 times a second; the first invocation brings the tick back.
      tick = busy ? options.tick : std::min<std::chrono::microseconds>(tick * 2, kIdleTickCap);
      if (io.stopped()) continue;
      const std::size_t free = running - in_blocked;
      if (free >= target) {
        // The blocked ones returned: park the surplus (one posted job per thread to park).
        const std::size_t surplus = free - target;
        park_requests.store(surplus);
        for (std::size_t jobs = park_jobs.load(); jobs < surplus; ++jobs) {
          park_jobs.fetch_add(1);
          boost::asio::post(io, [self] { self->park(); });
        }
        at_cap = false;
        continue;
      }
      park_requests.store(0);
      for (std::size_t need = target - free; need > 0; --need) {
        if (parked > unpark) {
          ++unpark;
          unparked.notify_one();
        } else if (slots.size() < target + options.max_extra) {
          spawn(self);
        } else {
          if (!at_cap) {
            log::error(std::to_string(in_blocked) +
                       " threads are blocked in handlers (stuck past their Timeout or waiting) "
                       "and the limit of " +
                       std::to_string(options.max_extra) +
                       " added threads is reached: requests wait until a handler returns. Fix "
                       "the handler, or use --invoke-mode runtime-api, which kills a stuck "
                       "process.");
            at_cap = true;
          }
          break;
        }
      }
    }
  }
};

IoThreads::IoThreads(boost::asio::io_context& io, IoThreadsOptions options) {
  if (options.threads == 0) options.threads = std::max(2u, std::thread::hardware_concurrency());
  options.tick = std::max(options.tick, std::chrono::microseconds(100));
  state_ = std::make_shared<State>(io, options);
}

IoThreads::~IoThreads() {
  if (!joined_) join();
}

void IoThreads::start() {
  std::lock_guard lock(state_->mutex);
  if (!joined_) return;
  joined_ = false;
  state_->stopping = false;
  state_->run_returned = false;
  for (std::size_t i = 0; i < state_->options.threads; ++i) state_->spawn(state_);
  monitor_ = std::thread([state = state_] { state->monitor_main(state); });
}

std::size_t IoThreads::join() {
  if (joined_) return 0;
  auto& state = *state_;
  std::unique_lock lock(state.mutex);
  // Until the io_context stops: a thread leaving run() says so. (Checked every 100 ms as well,
  // in case every thread is blocked or parked when it stops.)
  while (!state.run_returned && !state.slots.empty()) {
    state.exited.wait_for(lock, std::chrono::milliseconds(100));
    if (state.io.stopped()) state.run_returned = true;
  }
  state.stopping = true;
  state.unparked.notify_all();
  state.monitor_wake.notify_all();
  // Threads outside a scope leave run() at once; a handler still running gets a moment to
  // return, then is left behind.
  state.exited.wait_for(lock, std::chrono::seconds(1), [&] { return state.slots.empty(); });
  const std::size_t stuck = state.slots.size();
  lock.unlock();
  monitor_.join();
  joined_ = true;
  return stuck;
}

std::size_t IoThreads::threads() const {
  std::lock_guard lock(state_->mutex);
  return state_->slots.size() - state_->parked;
}

std::size_t IoThreads::blocked() const {
  std::lock_guard lock(state_->mutex);
  return state_->blocked;
}

std::size_t IoThreads::started() const {
  std::lock_guard lock(state_->mutex);
  return state_->started;
}

IoThreads::BlockingScope::BlockingScope() {
  if (Slot* slot = t_slot) {
    slot->entered.store(slot->entered.load(std::memory_order_relaxed) + 1,
                        std::memory_order_relaxed);
    slot->depth.store(slot->depth.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
}

IoThreads::BlockingScope::~BlockingScope() {
  if (Slot* slot = t_slot)
    slot->depth.store(slot->depth.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
}

bool IoThreads::on_io_thread() { return t_slot != nullptr; }

}  // namespace emu
