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
  // 8-4-4-4-12 hex digits: high's 16 digits, then low's.
  std::string id(36, '-');
  char* out = id.data();
  for (int i = 15; i >= 0; --i) {
    *out++ = kHex[(high >> (i * 4)) & 0xF];
    if (i == 8 || i == 4) ++out;
  }
  ++out;
  for (int i = 15; i >= 0; --i) {
    *out++ = kHex[(low >> (i * 4)) & 0xF];
    if (i == 12) ++out;
  }
  return id;
}

std::string new_short_id(std::size_t length) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  auto& generator = thread_generator();
  std::string id(length, ' ');
  // Ten characters from each 64-bit draw (6 bits each, mapped onto the 62 letters by a multiply:
  // a bias of a few percent between letters, irrelevant for ids).
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < length; ++i) {
    if (i % 10 == 0) bits = generator();
    id[i] = kAlphabet[((bits & 0x3F) * kAlphabet.size()) >> 6];
    bits >>= 6;
  }
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

namespace emu::ids {

std::string random_token() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device source;
  std::string token;
  token.reserve(32);
  for (int word = 0; word < 4; ++word) {
    std::uint32_t bits = source();
    for (int digit = 0; digit < 8; ++digit, bits >>= 4) token.push_back(kHex[bits & 0xf]);
  }
  return token;
}

}  // namespace emu::ids
