#include "emulator/apigateway/authorizer_cache.h"

namespace emu::apigw {

std::string AuthorizerCache::key(const std::string& authorizer,
                                 const std::vector<std::string>& identity) {
  std::string text = authorizer;
  for (const auto& value : identity) {
    text.push_back('\0');
    text += value;
  }
  return text;
}

std::optional<nlohmann::json> AuthorizerCache::find(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(key);
  if (found == entries_.end()) return std::nullopt;
  if (found->second.expires <= now) {
    entries_.erase(found);
    return std::nullopt;
  }
  return found->second.answer;
}

void AuthorizerCache::put(const std::string& key, nlohmann::json answer, std::chrono::seconds ttl,
                          Clock::time_point now) {
  if (ttl.count() <= 0) return;
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxEntries) {
    // Expired ones first; if none, the one that expires soonest.
    std::erase_if(entries_, [now](const auto& entry) { return entry.second.expires <= now; });
    if (entries_.size() >= kMaxEntries) {
      auto soonest = entries_.begin();
      for (auto it = entries_.begin(); it != entries_.end(); ++it)
        if (it->second.expires < soonest->second.expires) soonest = it;
      entries_.erase(soonest);
    }
  }
  entries_[key] = Entry{std::move(answer), now + ttl};
}

void AuthorizerCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

std::size_t AuthorizerCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace emu::apigw
