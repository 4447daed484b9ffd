#include "emulator/core/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace emu::log {
namespace {

std::mutex& output_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::atomic<bool> quiet_flag{false};

void write_line(std::FILE* stream, std::string_view prefix, std::string_view line) {
  std::string text;
  text.reserve(prefix.size() + line.size() + 1);
  text.append(prefix).append(line).push_back('\n');
  std::lock_guard lock(output_mutex());
  std::fwrite(text.data(), 1, text.size(), stream);
  std::fflush(stream);
}

}  // namespace

void info(std::string_view line) {
  if (!quiet_flag.load(std::memory_order_relaxed)) write_line(stdout, "", line);
}
void warn(std::string_view line) { write_line(stderr, "warning: ", line); }
void error(std::string_view line) { write_line(stderr, "error: ", line); }
void set_quiet(bool quiet) { quiet_flag.store(quiet, std::memory_order_relaxed); }

}  // namespace emu::log
