// Numbers appended to text without printf: the request path formats a few per request (durations
// in the access log and REPORT lines), where snprintf's format parsing and locale handling cost
// more than the rest of the line.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>

namespace emu {

// As printf("%.*f", digits, value): std::to_chars rounds the exact binary value the same way.
inline void append_fixed(std::string& out, double value, int digits) {
  char text[64];
  auto [end, error] = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed,
                                    digits);
  if (error == std::errc()) out.append(text, end);
}

inline void append_integer(std::string& out, std::int64_t value) {
  char text[24];
  auto [end, error] = std::to_chars(text, text + sizeof text, value);
  if (error == std::errc()) out.append(text, end);
}

}  // namespace emu
