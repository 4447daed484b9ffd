// AuthorizerCache: API Gateway's cache of Lambda authorizer answers (API Gateway developer guide,
// "Configure an API Gateway Lambda authorizer": "Authorization caching", TTL 300 s by default, 0
// turns it off, at most 3600). The key is the authorizer and its identity source values (the
// token of a TOKEN authorizer, every identity source of a REQUEST one), so a request with the same
// identity within the TTL does not invoke the authorizer again; its cached policy is evaluated
// again against each request's method ARN. Bounded (kMaxEntries); thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace emu::apigw {

class AuthorizerCache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kMaxEntries = 10000;

  // The key of `authorizer`'s answer for these identity values (in their configured order).
  static std::string key(const std::string& authorizer, const std::vector<std::string>& identity);

  std::optional<nlohmann::json> find(const std::string& key, Clock::time_point now = Clock::now());
  // Keeps `answer` for `ttl` (nothing when ttl is zero).
  void put(const std::string& key, nlohmann::json answer, std::chrono::seconds ttl,
           Clock::time_point now = Clock::now());
  // Forgets every answer (a redeploy may change the authorizer).
  void clear();
  std::size_t size() const;

 private:
  struct Entry {
    nlohmann::json answer;
    Clock::time_point expires;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace emu::apigw
