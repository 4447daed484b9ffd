#include "emulator/lambda/invocation_journal.h"

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
  std::lock_guard lock(mutex_);
  entry.sequence = ++sequence_;
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back(std::move(entry));
}

std::vector<JournalEntry> InvocationJournal::recent(std::size_t count) const {
  std::vector<JournalEntry> out;
  std::lock_guard lock(mutex_);
  out.reserve(std::min(count, entries_.size()));
  for (auto it = entries_.rbegin(); it != entries_.rend() && out.size() < count; ++it) {
    JournalEntry copy;
    copy.sequence = it->sequence;
    copy.request_id = it->request_id;
    copy.function_name = it->function_name;
    copy.logical_id = it->logical_id;
    copy.version = it->version;
    copy.alias = it->alias;
    copy.outcome = it->outcome;
    copy.duration_ms = it->duration_ms;
    copy.at_ms = it->at_ms;
    out.push_back(std::move(copy));
  }
  return out;
}

std::optional<JournalEntry> InvocationJournal::find(std::string_view request_id) const {
  std::lock_guard lock(mutex_);
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it)
    if (it->request_id == request_id) return *it;
  return std::nullopt;
}

std::uint64_t InvocationJournal::last_sequence() const {
  std::lock_guard lock(mutex_);
  return sequence_;
}

}  // namespace emu::lambda
