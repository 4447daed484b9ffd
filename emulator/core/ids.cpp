#include "emulator/core/ids.h"

#include <cstdint>
#include <random>

namespace emu::ids {
namespace {

std::mt19937_64& thread_generator() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return generator;
}

// FNV-1a, 64 bit: stable across runs and platforms, which std::hash is not.
std::uint64_t fnv1a(std::string_view text, std::uint64_t salt) {
  std::uint64_t hash = 1469598103934665603ULL ^ salt;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

std::string new_request_id() {
  static constexpr char kHex[] = "0123456789abcdef";
  auto& generator = thread_generator();
  std::uint64_t high = generator();
  std::uint64_t low = generator();
  high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;    // variant 10xx
  std::string id;
  id.reserve(36);
  for (int i = 15; i >= 0; --i) {
    id.push_back(kHex[(high >> (i * 4)) & 0xF]);
    if (i == 8 || i == 4) id.push_back('-');
  }
  id.push_back('-');
  for (int i = 15; i >= 0; --i) {
    id.push_back(kHex[(low >> (i * 4)) & 0xF]);
    if (i == 12) id.push_back('-');
  }
  return id;
}

std::string new_short_id(std::size_t length) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  auto& generator = thread_generator();
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string id(length, ' ');
  for (auto& c : id) c = kAlphabet[pick(generator)];
  return id;
}

std::string stable_id(std::string_view seed, std::size_t length, std::string_view alphabet) {
  std::string id;
  id.reserve(length);
  std::uint64_t salt = 0;
  std::uint64_t hash = fnv1a(seed, salt);
  for (std::size_t i = 0; i < length; ++i) {
    if (i % 8 == 7) hash = fnv1a(seed, ++salt);
    id.push_back(alphabet[hash % alphabet.size()]);
    hash /= alphabet.size();
  }
  return id;
}

}  // namespace emu::ids
