// IoThreads: the threads that run the emulator's io_context, which also run in-process handlers
// in place, and grow when handlers block.
//
// Handing each invocation to a separate worker thread and its result back cost two thread
// wake-ups per request, about a third of the emulator's throughput (docs/performance.md). So a
// handler runs on the I/O thread that read its request. Handlers may block (an HTTP call, a
// sleep, one that never returns), which would starve every other connection of that thread; the
// code that may block runs inside a BlockingScope, and a monitor thread looks every tick (1 ms
// while invocations arrive) for threads that have been inside the same scope since the previous
// tick. For each one it wakes a parked thread or starts a new one, so that `threads` threads are
// always free to run the io_context (the scheme Go's scheduler uses for goroutines blocked in
// system calls). When the blocked ones return, the surplus parks; a thread parked for 30 s exits.
// Past `max_extra` added threads none is added and an error line says so.
//
// A thread stuck in a handler cannot be stopped (a C++ function in this process): join() returns
// without it and reports how many are stuck, so the owner can exit without destroying the
// io_context under them.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <thread>

namespace emu {

struct IoThreadsOptions {
  std::size_t threads = 0;      // threads free to run the io_context; 0: one per core, at least 2
  std::size_t max_extra = 256;  // threads added beyond `threads` while others are blocked
  std::chrono::microseconds tick{1000};  // how often blocked threads are looked for
};

class IoThreads {
 public:
  IoThreads(boost::asio::io_context& io, IoThreadsOptions options = {});
  ~IoThreads();  // join()s if start() was called and join() was not
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  // Starts the threads and the monitor; returns at once. The calling thread is not one of them.
  void start();
  // Waits until the io_context has stopped (or run out of work) and every thread that is not
  // blocked has exited. Returns how many threads are still blocked in a scope (stuck handlers);
  // the io_context must then outlive the process (see serve.cpp).
  std::size_t join();

  std::size_t threads() const;  // threads running the io_context now, blocked ones included
  std::size_t blocked() const;  // threads seen blocked at the last tick
  std::size_t started() const;  // threads started so far, the first `threads` included

  // Marks code on an I/O thread that may block (an invocation's handler). On other threads it
  // does nothing. Cheap: two relaxed stores into the thread's own slot.
  class BlockingScope {
   public:
    BlockingScope();
    ~BlockingScope();
    BlockingScope(const BlockingScope&) = delete;
    BlockingScope& operator=(const BlockingScope&) = delete;
  };

  // True on a thread that runs some IoThreads' io_context.
  static bool on_io_thread();

  struct State;  // shared with the threads (a stuck one may outlive this object)

 private:
  std::shared_ptr<State> state_;
  std::thread monitor_;
  bool joined_ = true;
};

}  // namespace emu
