// SHA-256 (FIPS 180-4), for Lambda's CodeSha256 (base64 of the package's digest) and content
// identity of packages.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace emu {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
// A digest as lower-case hex, and as its 32 raw bytes (for base64::encode: Lambda's CodeSha256).
std::string to_hex(const Sha256Digest& digest);
inline std::string_view bytes_of(const Sha256Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

}  // namespace emu
