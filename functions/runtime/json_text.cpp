#include "runtime/json_text.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>

namespace lambda_runtime {
namespace {

using json = nlohmann::json;

// Deeper values go to nlohmann (whose parser keeps its own stack, not the C++ one).
constexpr int kMaxDepth = 256;

// The length of the valid UTF-8 sequence at `p` (RFC 3629: no overlong forms, no surrogates, at
// most U+10FFFF), 0 when it is not one. `end` bounds the read.
std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = *p;
  const std::size_t left = static_cast<std::size_t>(end - p);
  auto cont = [&](std::size_t i) { return i < left && (p[i] & 0xC0) == 0x80; };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;  // overlong
    if (c == 0xED && p[1] > 0x9F) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;  // overlong
    if (c == 0xF4 && p[1] > 0x8F) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

void append_utf8(std::string& out, std::uint32_t codepoint) {
  if (codepoint < 0x80) {
    out.push_back(static_cast<char>(codepoint));
  } else if (codepoint < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (codepoint >> 6)));
    out.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
  } else if (codepoint < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (codepoint >> 12)));
    out.push_back(static_cast<char>(0x80 | ((codepoint >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (codepoint >> 18)));
    out.push_back(static_cast<char>(0x80 | ((codepoint >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((codepoint >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
  }
}

// Bytes that a JSON string holds as they are, on both sides: printable ASCII but '"' and '\\'.
struct PlainBytes {
  bool plain[256] = {};
  constexpr PlainBytes() {
    for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  }
};
constexpr PlainBytes kPlain;

// A recursive-descent parser that gives up (returns false) on anything outside its fast path;
// the caller then asks nlohmann.
class Parser {
 public:
  explicit Parser(std::string_view text)
      : p_(reinterpret_cast<const unsigned char*>(text.data())), end_(p_ + text.size()) {}

  bool parse_document(json& out) {
    skip_space();
    if (!parse_value(out, 0)) return false;
    skip_space();
    return p_ == end_;
  }

 private:
  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(const char* word, std::size_t length) {
    if (static_cast<std::size_t>(end_ - p_) < length || std::memcmp(p_, word, length) != 0)
      return false;
    p_ += length;
    return true;
  }

  bool parse_value(json& out, int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return parse_object(out, depth + 1);
      case '[':
        return parse_array(out, depth + 1);
      case '"': {
        std::string text;
        if (!parse_string(text)) return false;
        out = std::move(text);
        return true;
      }
      case 't':
        if (!literal("true", 4)) return false;
        out = true;
        return true;
      case 'f':
        if (!literal("false", 5)) return false;
        out = false;
        return true;
      case 'n':
        if (!literal("null", 4)) return false;
        out = nullptr;
        return true;
      default:
        return parse_number(out);
    }
  }

  bool parse_object(json& out, int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;  // '{'
    out = json::object();
    auto& object = out.get_ref<json::object_t&>();
    skip_space();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      skip_space();
      if (p_ == end_ || *p_ != '"') return false;
      std::string key;
      if (!parse_string(key)) return false;
      skip_space();
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      skip_space();
      json value;
      if (!parse_value(value, depth)) return false;
      // The last of a repeated key wins, as in nlohmann. The hint makes keys that come in order
      // (as every JSON written from a std::map does) cost one comparison each.
      object.insert_or_assign(object.end(), std::move(key), std::move(value));
      skip_space();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ == '}') {
        ++p_;
        return true;
      }
      return false;
    }
  }

  bool parse_array(json& out, int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;  // '['
    out = json::array();
    auto& array = out.get_ref<json::array_t&>();
    skip_space();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      skip_space();
      array.emplace_back();
      if (!parse_value(array.back(), depth)) return false;
      skip_space();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ == ']') {
        ++p_;
        return true;
      }
      return false;
    }
  }

  bool hex4(std::uint32_t& value) {
    if (end_ - p_ < 4) return false;
    value = 0;
    for (int i = 0; i < 4; ++i) {
      unsigned char c = p_[i];
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        value |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        value |= c - 'A' + 10;
      } else {
        return false;
      }
    }
    p_ += 4;
    return true;
  }

  bool parse_string(std::string& out) {
    ++p_;  // '"'
    for (;;) {
      const unsigned char* run = p_;
      while (p_ != end_ && kPlain.plain[*p_]) ++p_;
      out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p_ - run));
      if (p_ == end_) return false;
      const unsigned char c = *p_;
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;  // control characters must be escaped
      if (c >= 0x80) {
        std::size_t length = utf8_sequence(p_, end_);
        if (length == 0) return false;
        out.append(reinterpret_cast<const char*>(p_), length);
        p_ += length;
        continue;
      }
      // A backslash.
      if (end_ - p_ < 2) return false;
      const unsigned char escaped = p_[1];
      p_ += 2;
      switch (escaped) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          std::uint32_t first = 0;
          if (!hex4(first)) return false;
          if (first >= 0xDC00 && first <= 0xDFFF) return false;  // a lone low surrogate
          if (first >= 0xD800 && first <= 0xDBFF) {
            std::uint32_t second = 0;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            if (!hex4(second) || second < 0xDC00 || second > 0xDFFF) return false;
            append_utf8(out, 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00));
          } else {
            append_utf8(out, first);
          }
          break;
        }
        default:
          return false;
      }
    }
  }

  // Integers only: a fraction or an exponent, or an integer out of range, goes to nlohmann.
  bool parse_number(json& out) {
    const unsigned char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E' || (*p_ >= '0' && *p_ <= '9')))
      return false;
    const char* first = reinterpret_cast<const char*>(start);
    const char* last = reinterpret_cast<const char*>(p_);
    if (negative) {
      std::int64_t value = 0;
      auto [stop, error] = std::from_chars(first, last, value);
      if (error != std::errc() || stop != last) return false;
      out = static_cast<json::number_integer_t>(value);
    } else {
      std::uint64_t value = 0;
      auto [stop, error] = std::from_chars(first, last, value);
      if (error != std::errc() || stop != last) return false;
      out = static_cast<json::number_unsigned_t>(value);
    }
    return true;
  }

  const unsigned char* p_;
  const unsigned char* end_;
};

// Thrown inside the fast writer when a value needs nlohmann's own (a float, a string that is not
// UTF-8, a binary value); never leaves this file.
struct NeedsNlohmann {};

void write_string(const std::string& text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p != end) {
    const unsigned char* run = p;
    while (p != end && kPlain.plain[*p]) ++p;
    out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
    if (p == end) break;
    const unsigned char c = *p;
    if (c >= 0x80) {
      std::size_t length = utf8_sequence(p, end);
      if (length == 0) throw NeedsNlohmann{};
      out.append(reinterpret_cast<const char*>(p), length);
      p += length;
      continue;
    }
    ++p;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default: {  // other control characters, as nlohmann writes them ("\u001f")
        const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escape, sizeof escape);
      }
    }
  }
  out.push_back('"');
}

// For nlohmann::json and nlohmann::ordered_json alike (their objects differ, their values not).
template <typename Json>
void write_value(const Json& value, std::string& out, int depth = 0) {
  if (depth > kMaxDepth) throw NeedsNlohmann{};
  char digits[24];
  switch (value.type()) {
    case Json::value_t::null:
      out.append("null");
      return;
    case Json::value_t::boolean:
      out.append(value.template get_ref<const typename Json::boolean_t&>() ? "true" : "false");
      return;
    case Json::value_t::string:
      write_string(value.template get_ref<const typename Json::string_t&>(), out);
      return;
    case Json::value_t::number_integer: {
      auto [stop, error] =
          std::to_chars(digits, digits + sizeof digits,
                        value.template get_ref<const typename Json::number_integer_t&>());
      out.append(digits, stop);
      return;
    }
    case Json::value_t::number_unsigned: {
      auto [stop, error] =
          std::to_chars(digits, digits + sizeof digits,
                        value.template get_ref<const typename Json::number_unsigned_t&>());
      out.append(digits, stop);
      return;
    }
    case Json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, member] : value.template get_ref<const typename Json::object_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        write_string(key, out);
        out.push_back(':');
        write_value(member, out, depth + 1);
      }
      out.push_back('}');
      return;
    }
    case Json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& element : value.template get_ref<const typename Json::array_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        write_value(element, out, depth + 1);
      }
      out.push_back(']');
      return;
    }
    case Json::value_t::number_float:
    case Json::value_t::binary:
    case Json::value_t::discarded:
    default:
      throw NeedsNlohmann{};
  }
}

}  // namespace

nlohmann::json parse_json(std::string_view text) {
  json value;
  if (Parser(text).parse_document(value)) return value;
  return json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

namespace {

template <typename Json>
void dump_any(const Json& value, std::string& out) {
  const std::size_t size = out.size();
  try {
    write_value(value, out);
  } catch (const NeedsNlohmann&) {
    out.resize(size);
    out.append(value.dump());
  }
}

template <typename Json>
std::string dump_any(const Json& value) {
  // Room for what the last value on this thread needed, so that a stream of similar values
  // (events of one route) grows the buffer once.
  static thread_local std::size_t last_size = 0;
  std::string out;
  out.reserve(last_size + last_size / 8);
  dump_any(value, out);
  last_size = std::min<std::size_t>(out.size(), 1u << 20);
  return out;
}

}  // namespace

void dump_json(const nlohmann::json& value, std::string& out) { dump_any(value, out); }
std::string dump_json(const nlohmann::json& value) { return dump_any(value); }
std::string dump_json(const nlohmann::ordered_json& value) { return dump_any(value); }

}  // namespace lambda_runtime
