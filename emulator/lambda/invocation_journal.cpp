#include "emulator/lambda/invocation_journal.h"

#include <algorithm>
#include <chrono>

namespace emu::lambda {

void InvocationJournal::record(JournalEntry entry) {
  if (entry.at_ms == 0)
    entry.at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  if (entry.log.size() > kMaxLogBytes) {
    entry.log.resize(kMaxLogBytes);
    entry.log += "\n[the console keeps the first 16 KiB of an invocation's log]\n";
  }
  std::string log = std::move(entry.log);
  entry.log.clear();
  std::lock_guard lock(mutex_);
  entry.sequence = ++sequence_;
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back({std::move(entry), std::move(log)});
}

std::vector<JournalEntry> InvocationJournal::recent(std::size_t count) const {
  std::vector<JournalEntry> out;
  std::lock_guard lock(mutex_);
  out.reserve(std::min(count, entries_.size()));
  for (auto it = entries_.rbegin(); it != entries_.rend() && out.size() < count; ++it)
    out.push_back(it->entry);
  return out;
}

std::optional<JournalEntry> InvocationJournal::find(std::string_view request_id) const {
  std::lock_guard lock(mutex_);
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->entry.request_id != request_id) continue;
    JournalEntry found = it->entry;
    found.log = it->log;
    return found;
  }
  return std::nullopt;
}

}  // namespace emu::lambda
