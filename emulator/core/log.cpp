#include "emulator/core/log.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

namespace emu::log {
namespace {

std::atomic<bool> quiet_flag{false};

// The background writer for info_soon. Two locks: `output` serializes writes to the streams (so
// a batch taken from `pending` is written before any line logged after it), `buffer` guards
// `pending` only, so a request thread appending a line never waits for a write() to finish.
// Allocated once and never destroyed: detached threads (a stuck handler's worker) may still log
// during exit.
struct Writer {
  // How long the writer lets lines gather after a write; lines wait at most about this long.
  static constexpr std::chrono::microseconds kBatchWindow{1000};

  std::mutex output;
  std::mutex buffer;
  std::condition_variable ready;
  std::string pending;   // under `buffer`: complete lines, each ending in '\n'
  bool waiting = false;  // under `buffer`: the writer sleeps on `ready`, to be notified
  std::string spare;     // under `output`: the previous batch's storage, reused

  Writer() {
    std::atexit([] { instance().write_pending(); });
    std::thread([this] { run(); }).detach();
  }

  static Writer& instance() {
    static Writer* writer = new Writer;
    return *writer;
  }

  void append(std::string_view lines) {
    bool wake = false;
    {
      std::lock_guard lock(buffer);
      pending.append(lines).push_back('\n');
      wake = waiting;
      waiting = false;
    }
    if (wake) ready.notify_one();
  }

  // Caller holds `output`. Takes the pending lines and writes them to stdout (without flushing).
  void take_and_write_locked() {
    {
      std::lock_guard lock(buffer);
      if (pending.empty()) return;
      spare.clear();
      pending.swap(spare);
    }
    std::fwrite(spare.data(), 1, spare.size(), stdout);
  }

  void write_pending() {
    std::lock_guard lock(output);
    take_and_write_locked();
    std::fflush(stdout);
  }

  void run() {
    for (;;) {
      {
        std::unique_lock lock(buffer);
        while (pending.empty()) {
          waiting = true;
          ready.wait(lock);
        }
        waiting = false;
      }
      write_pending();
      std::this_thread::sleep_for(kBatchWindow);
    }
  }
};

void write_line(std::FILE* stream, std::string_view prefix, std::string_view line) {
  std::string text;
  text.reserve(prefix.size() + line.size() + 1);
  text.append(prefix).append(line).push_back('\n');
  Writer& writer = Writer::instance();
  std::lock_guard lock(writer.output);
  writer.take_and_write_locked();
  if (stream != stdout) std::fflush(stdout);
  std::fwrite(text.data(), 1, text.size(), stream);
  std::fflush(stream);
}

}  // namespace

void info(std::string_view line) {
  if (!quiet_flag.load(std::memory_order_relaxed)) write_line(stdout, "", line);
}
void warn(std::string_view line) { write_line(stderr, "warning: ", line); }
void error(std::string_view line) { write_line(stderr, "error: ", line); }

void info_soon(std::string_view lines) {
  if (!quiet_flag.load(std::memory_order_relaxed)) Writer::instance().append(lines);
}

void flush() { Writer::instance().write_pending(); }

void set_quiet(bool quiet) { quiet_flag.store(quiet, std::memory_order_relaxed); }

}  // namespace emu::log
