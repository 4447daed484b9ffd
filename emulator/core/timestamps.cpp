#include "emulator/core/timestamps.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace emu {
namespace {

std::string format(std::int64_t epoch_ms, const char* zone) {
  std::int64_t seconds = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
  int millis = static_cast<int>(epoch_ms - seconds * 1000);
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis, zone);
  return text;
}

// Reads exactly `digits` digits at `pos`.
bool read_int(std::string_view text, std::size_t& pos, int digits, int& out) {
  if (pos + digits > text.size()) return false;
  int value = 0;
  for (int i = 0; i < digits; ++i) {
    char c = text[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  pos += digits;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

}  // namespace

std::string iso8601_z(std::int64_t epoch_ms) { return format(epoch_ms, "Z"); }
std::string iso8601_offset(std::int64_t epoch_ms) { return format(epoch_ms, "+0000"); }

std::optional<std::int64_t> parse_timestamp(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.find('-', 1) == std::string_view::npos) {  // epoch seconds
    double seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(seconds))
      return std::nullopt;
    return static_cast<std::int64_t>(std::llround(seconds * 1000.0));
  }
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  if (!read_int(text, pos, 4, year) || !expect(text, pos, '-') || !read_int(text, pos, 2, month) ||
      !expect(text, pos, '-') || !read_int(text, pos, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  int offset_minutes = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
    ++pos;
    if (!read_int(text, pos, 2, hour) || !expect(text, pos, ':') || !read_int(text, pos, 2, minute))
      return std::nullopt;
    if (pos < text.size() && text[pos] == ':' && !(++pos, read_int(text, pos, 2, second)))
      return std::nullopt;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int digits = 0;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        if (digits < 3) millis = millis * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (int i = digits; i < 3; ++i) millis *= 10;
    }
    if (pos < text.size()) {
      char zone = text[pos++];
      if (zone == 'Z' || zone == 'z') {
      } else if (zone == '+' || zone == '-') {
        int oh = 0, om = 0;
        if (!read_int(text, pos, 2, oh)) return std::nullopt;
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (!read_int(text, pos, 2, om)) return std::nullopt;
        offset_minutes = (oh * 60 + om) * (zone == '-' ? -1 : 1);
      } else {
        return std::nullopt;
      }
    }
    if (pos != text.size() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  }
  std::int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                         second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

}  // namespace emu
