// InvocationJournal: the most recent invocations, each with its log (START, the function's lines,
// END, REPORT), for the console's list of recent invocations. Bounded: the newest `capacity`
// entries, each log cut at kMaxLogBytes. Thread-safe; record() is one short critical section.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::lambda {

struct JournalEntry {
  std::uint64_t sequence = 0;  // grows by one per entry, from 1
  std::string request_id;
  std::string function_name;
  std::string logical_id;
  std::string version;  // the version that ran
  std::string alias;    // "" when invoked by version or unqualified
  std::string outcome;  // "Success", "Error" or "Timeout"
  double duration_ms = 0;
  std::int64_t at_ms = 0;  // when it ended, ms since the epoch (wall clock)
  std::string log;
};

class InvocationJournal {
 public:
  static constexpr std::size_t kMaxLogBytes = 16 * 1024;

  explicit InvocationJournal(std::size_t capacity = 200) : capacity_(capacity) {}

  // Stamps the sequence and, if unset, the time; cuts the log.
  void record(JournalEntry entry);
  // The newest `count` entries, newest first, without their logs.
  std::vector<JournalEntry> recent(std::size_t count) const;
  // One entry with its log, while it is still kept.
  std::optional<JournalEntry> find(std::string_view request_id) const;

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  struct Kept {
    JournalEntry entry;  // its log moved out, so that recent() copies no logs
    std::string log;
  };
  std::deque<Kept> entries_;  // oldest first
  std::uint64_t sequence_ = 0;
};

}  // namespace emu::lambda
