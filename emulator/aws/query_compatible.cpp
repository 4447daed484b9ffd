#include "emulator/aws/query_compatible.h"

#include <charconv>
#include <cmath>
#include <climits>
#include <cstdint>
#include <cstring>

#include "emulator/aws/aws_protocol.h"
#include "emulator/core/base64.h"
#include "emulator/core/timestamps.h"

namespace emu::aws {

namespace http = boost::beast::http;

namespace {

constexpr const char* kTimestampKey = "$timestamp_ms";  // wire_timestamp's marker
constexpr const char* kMapKey = "$map";                 // wire_map's marker

bool is_map(const WireJson& value) {
  return value.is_object() && value.size() == 1 && value.contains(kMapKey);
}

bool is_timestamp(const WireJson& value) {
  return value.is_object() && value.size() == 1 && value.contains(kTimestampKey);
}
std::int64_t timestamp_ms(const WireJson& value) { return value[kTimestampKey].get<std::int64_t>(); }

std::string_view header(const server::HttpRequest& request, std::string_view name) {
  auto it = request.find(boost::beast::string_view(name.data(), name.size()));
  if (it == request.end()) return {};
  return std::string_view(it->value().data(), it->value().size());
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte.
std::optional<std::string> form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : -1;
    if (extra < 0 || i + static_cast<std::size_t>(extra) >= text.size()) return false;
    std::uint32_t code = extra == 0 ? c : c & (0x3f >> extra);
    for (int k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next >> 6) != 0x2) return false;
      code = (code << 6) | (next & 0x3f);
    }
    if ((extra == 1 && code < 0x80) || (extra == 2 && code < 0x800) ||
        (extra == 3 && (code < 0x10000 || code > 0x10ffff)) || (code >= 0xd800 && code <= 0xdfff))
      return false;
    i += extra + 1;
  }
  return true;
}

Error malformed(const std::string& what) {
  return Error{"MalformedQueryString", what};
}

// Sets `value` at the member path `key` ("Dimensions.member.1.Name") of `root`.
std::optional<Error> set_query_member(WireJson& root, const std::string& key, std::string value) {
  // CloudWatch's longest lists hold 1,000 members (MetricData). Clients send members in order:
  // a list grows by at most kMaxGap missing members at once, so a small body cannot make huge
  // lists of nothing.
  constexpr long kMaxIndex = 1'000;
  constexpr std::size_t kMaxGap = 64;
  WireJson* cursor = &root;
  std::size_t start = 0;
  std::vector<std::string_view> parts;
  std::string_view k = key;
  while (start <= k.size()) {
    auto dot = k.find('.', start);
    if (dot == std::string_view::npos) dot = k.size();
    parts.push_back(k.substr(start, dot - start));
    start = dot + 1;
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto part = parts[i];
    if (part.empty()) return malformed("parameter " + key + " has an empty name segment");
    if ((part == "member" || part == "entry") && i + 1 < parts.size()) {
      long index = 0;
      auto number = parts[i + 1];
      auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), index);
      if (ec != std::errc() || end != number.data() + number.size() || index < 1 ||
          index > kMaxIndex)
        return malformed("parameter " + key + ": '" + std::string(number) +
                         "' is not a list index from 1 to " + std::to_string(kMaxIndex));
      if (cursor->is_string() && cursor->get_ref<const std::string&>().empty())
        *cursor = WireJson::array();  // "AlarmNames=" (an empty list) then its members
      if (cursor->is_null()) *cursor = WireJson::array();
      if (!cursor->is_array())
        return malformed("parameter " + key + " makes a list of a member that has a value");
      if (static_cast<std::size_t>(index) > cursor->size() + kMaxGap)
        return malformed("parameter " + key + " skips more than " + std::to_string(kMaxGap) +
                         " list members; number them from 1, in order");
      while (cursor->size() < static_cast<std::size_t>(index)) cursor->push_back(nullptr);
      cursor = &(*cursor)[static_cast<std::size_t>(index - 1)];
      ++i;
      continue;
    }
    if (cursor->is_null()) *cursor = WireJson::object();
    if (!cursor->is_object())
      return malformed("parameter " + key + " gives members to a member that has a value");
    cursor = &(*cursor)[std::string(part)];
  }
  if (!cursor->is_null() && !(cursor->is_string() && cursor->get_ref<const std::string&>().empty()))
    return malformed("parameter " + key + " is given twice or conflicts with another");
  *cursor = std::move(value);
  return std::nullopt;
}

// Lists with holes (member.1 and member.3) keep their members in order.
void compact(WireJson& value) {
  if (value.is_array()) {
    WireJson out = WireJson::array();
    for (auto& item : value)
      if (!item.is_null()) {
        compact(item);
        out.push_back(std::move(item));
      }
    value = std::move(out);
  } else if (value.is_object()) {
    for (auto& [key, item] : value.items()) compact(item);
  }
}

void escape_xml(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 cannot carry most control characters, even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t')
          out += "&#xFFFD;";
        else
          out += c;
    }
  }
}

std::string number_text(const WireJson& value) {
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  double d = value.get<double>();
  if (!std::isfinite(d)) return std::isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity");
  char text[64];
  auto [end, ec] = std::to_chars(text, text + sizeof text, d);
  std::string out(text, end);
  if (out.find_first_of(".eE") == std::string::npos) out += ".0";
  return out;
}

void write_xml(std::string& out, const WireJson& value) {
  if (is_timestamp(value)) {
    out += iso8601_z(timestamp_ms(value));
  } else if (is_map(value)) {
    for (const auto& [key, item] : value[kMapKey].items()) {
      out += "<entry><key>";
      escape_xml(out, key);
      out += "</key><value>";
      write_xml(out, item);
      out += "</value></entry>";
    }
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (item.is_null()) continue;
      out += '<';
      out += key;
      out += '>';
      write_xml(out, item);
      out += "</";
      out += key;
      out += '>';
    }
  } else if (value.is_array()) {
    for (const auto& item : value) {
      out += "<member>";
      write_xml(out, item);
      out += "</member>";
    }
  } else if (value.is_string()) {
    escape_xml(out, value.get_ref<const std::string&>());
  } else if (value.is_boolean()) {
    out += value.get<bool>() ? "true" : "false";
  } else if (value.is_number()) {
    out += number_text(value);
  }
}

// The output as JSON: timestamps become epoch seconds.
WireJson json_form(const WireJson& value) {
  if (is_timestamp(value)) return static_cast<double>(timestamp_ms(value)) / 1000.0;
  if (is_map(value)) return json_form(value[kMapKey]);
  if (value.is_object()) {
    WireJson out = WireJson::object();
    for (const auto& [key, item] : value.items())
      if (!item.is_null()) out[key] = json_form(item);
    return out;
  }
  if (value.is_array()) {
    WireJson out = WireJson::array();
    for (const auto& item : value) out.push_back(json_form(item));
    return out;
  }
  return value;
}

void cbor_head(std::string& out, unsigned major, std::uint64_t argument) {
  const auto m = static_cast<unsigned char>(major << 5);
  if (argument < 24) {
    out += static_cast<char>(m | argument);
  } else if (argument <= 0xff) {
    out += static_cast<char>(m | 24);
    out += static_cast<char>(argument);
  } else if (argument <= 0xffff) {
    out += static_cast<char>(m | 25);
    for (int shift = 8; shift >= 0; shift -= 8) out += static_cast<char>(argument >> shift);
  } else if (argument <= 0xffffffffULL) {
    out += static_cast<char>(m | 26);
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(argument >> shift);
  } else {
    out += static_cast<char>(m | 27);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>(argument >> shift);
  }
}

void cbor_double(std::string& out, double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  out += static_cast<char>(0xfb);
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>(bits >> shift);
}

void cbor_text(std::string& out, std::string_view text) {
  cbor_head(out, 3, text.size());
  out.append(text);
}

void write_cbor(std::string& out, const WireJson& value) {
  if (is_timestamp(value)) {
    cbor_head(out, 6, 1);  // tag 1: epoch-based date/time
    cbor_double(out, static_cast<double>(timestamp_ms(value)) / 1000.0);
  } else if (is_map(value)) {
    write_cbor(out, value[kMapKey]);
  } else if (value.is_object()) {
    std::size_t members = 0;
    for (const auto& [key, item] : value.items()) members += !item.is_null();
    cbor_head(out, 5, members);
    for (const auto& [key, item] : value.items()) {
      if (item.is_null()) continue;
      cbor_text(out, key);
      write_cbor(out, item);
    }
  } else if (value.is_array()) {
    cbor_head(out, 4, value.size());
    for (const auto& item : value) write_cbor(out, item);
  } else if (value.is_string()) {
    cbor_text(out, value.get_ref<const std::string&>());
  } else if (value.is_boolean()) {
    out += static_cast<char>(value.get<bool>() ? 0xf5 : 0xf4);
  } else if (value.is_number_unsigned()) {
    cbor_head(out, 0, value.get<std::uint64_t>());
  } else if (value.is_number_integer()) {
    auto n = value.get<std::int64_t>();
    if (n >= 0) cbor_head(out, 0, static_cast<std::uint64_t>(n));
    else cbor_head(out, 1, static_cast<std::uint64_t>(-(n + 1)));
  } else if (value.is_number_float()) {
    cbor_double(out, value.get<double>());
  } else {
    out += static_cast<char>(0xf6);  // null
  }
}

// A small CBOR reader (RFC 8949): nlohmann's from_cbor refuses tags 0 to 5, and tag 1 is how
// botocore sends timestamps.
class CborReader {
 public:
  explicit CborReader(std::string_view bytes) : bytes_(bytes) {}

  Result<WireJson> item(int depth = 0) {
    if (depth >= 64) return fail("nesting deeper than 64");
    std::uint8_t head = 0;
    if (!byte(head)) return fail("truncated");
    const unsigned major = head >> 5;
    const unsigned info = head & 0x1f;
    if (major == 7) return simple(info);
    std::uint64_t argument = 0;
    const bool indefinite = info == 31;
    if (indefinite) {
      if (major == 0 || major == 1 || major == 6) return fail("indefinite length on a number or tag");
    } else if (!read_argument(info, argument)) {
      return fail("truncated or reserved length");
    }
    switch (major) {
      case 0:
        return WireJson(argument);
      case 1:
        if (argument > static_cast<std::uint64_t>(INT64_MAX)) return WireJson(-1.0 - static_cast<double>(argument));
        return WireJson(-1 - static_cast<std::int64_t>(argument));
      case 2:
      case 3: {
        std::string text;
        if (indefinite && major == 2) return fail("an indefinite-length byte string");
        if (indefinite) {
          while (true) {
            if (pos_ >= bytes_.size()) return fail("truncated");
            if (static_cast<std::uint8_t>(bytes_[pos_]) == 0xff) { ++pos_; break; }
            auto chunk = item(depth + 1);
            if (!chunk.ok()) return chunk;
            if (!chunk->is_string()) return fail("a string chunk that is not a string");
            text += chunk->get<std::string>();
          }
        } else {
          if (argument > bytes_.size() - pos_) return fail("truncated");
          text.assign(bytes_.substr(pos_, argument));
          pos_ += argument;
        }
        if (major == 2) return WireJson(base64::encode(text));
        if (!valid_utf8(text)) return fail("a text string that is not UTF-8");
        return WireJson(std::move(text));
      }
      case 4: {
        WireJson out = WireJson::array();
        for (std::uint64_t i = 0; indefinite || i < argument; ++i) {
          if (indefinite && at_break()) break;
          auto element = item(depth + 1);
          if (!element.ok()) return element;
          out.push_back(std::move(element).value());
        }
        return out;
      }
      case 5: {
        WireJson out = WireJson::object();
        for (std::uint64_t i = 0; indefinite || i < argument; ++i) {
          if (indefinite && at_break()) break;
          auto key = item(depth + 1);
          if (!key.ok()) return key;
          if (!key->is_string()) return fail("a map key that is not text");
          auto value = item(depth + 1);
          if (!value.ok()) return value;
          out[key->get<std::string>()] = std::move(value).value();
        }
        return out;
      }
      case 6:
        return item(depth + 1);  // the tagged item itself
    }
    return fail("unknown major type");
  }
  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  static Error fail(const std::string& what) {
    return Error{"SerializationException", "The body is not valid CBOR: " + what + "."};
  }
  bool byte(std::uint8_t& out) {
    if (pos_ >= bytes_.size()) return false;
    out = static_cast<std::uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool read_argument(unsigned info, std::uint64_t& out) {
    if (info < 24) {
      out = info;
      return true;
    }
    int size = info == 24 ? 1 : info == 25 ? 2 : info == 26 ? 4 : info == 27 ? 8 : 0;
    if (size == 0 || static_cast<std::size_t>(size) > bytes_.size() - pos_) return false;
    out = 0;
    for (int i = 0; i < size; ++i) out = (out << 8) | static_cast<std::uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool at_break() {
    if (pos_ < bytes_.size() && static_cast<std::uint8_t>(bytes_[pos_]) == 0xff) {
      ++pos_;
      return true;
    }
    return false;
  }
  Result<WireJson> simple(unsigned info) {
    switch (info) {
      case 20: return WireJson(false);
      case 21: return WireJson(true);
      case 22:
      case 23: return WireJson(nullptr);
      case 25: {
        std::uint64_t bits = 0;
        if (!read_argument(25, bits)) return fail("truncated");
        // IEEE 754 half precision.
        const int exponent = static_cast<int>((bits >> 10) & 0x1f);
        const double mantissa = static_cast<double>(bits & 0x3ff);
        double value = exponent == 0 ? std::ldexp(mantissa, -24)
                       : exponent == 31 ? (mantissa == 0 ? INFINITY : NAN)
                                        : std::ldexp(mantissa + 1024, exponent - 25);
        return WireJson((bits & 0x8000) ? -value : value);
      }
      case 26: {
        std::uint64_t bits = 0;
        if (!read_argument(26, bits)) return fail("truncated");
        float value;
        auto narrow = static_cast<std::uint32_t>(bits);
        std::memcpy(&value, &narrow, sizeof value);
        return WireJson(static_cast<double>(value));
      }
      case 27: {
        std::uint64_t bits = 0;
        if (!read_argument(27, bits)) return fail("truncated");
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return WireJson(value);
      }
    }
    return fail("an unsupported simple value");
  }

  std::string_view bytes_;
  std::size_t pos_ = 0;
};

Error invalid(const char* name, const char* expected, const WireJson& value) {
  std::string shown = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (shown.size() > 100) shown = shown.substr(0, 100) + "...";
  return Error{"InvalidParameterValue", std::string("The parameter ") + name + " must be " +
                                            expected + "; got " + shown + "."};
}

}  // namespace

WireJson wire_timestamp(std::int64_t epoch_ms) { return WireJson{{kTimestampKey, epoch_ms}}; }
WireJson wire_map(WireJson object) { return WireJson{{kMapKey, std::move(object)}}; }

std::optional<std::int64_t> read_wire_timestamp(const WireJson& value) {
  // Years 0 to 9999 and no further: arithmetic on the result cannot overflow.
  constexpr double kMaxSeconds = 253'402'300'800.0;
  std::optional<std::int64_t> ms;
  if (value.is_number()) {
    double seconds = value.get<double>();
    if (!std::isfinite(seconds) || std::fabs(seconds) > kMaxSeconds) return std::nullopt;
    ms = static_cast<std::int64_t>(std::llround(seconds * 1000.0));
  } else if (value.is_string()) {
    ms = parse_timestamp(value.get_ref<const std::string&>());
  }
  if (ms && (*ms > kMaxSeconds * 1000 || *ms < -kMaxSeconds * 1000)) return std::nullopt;
  return ms;
}

Result<std::optional<double>> read_number(const WireJson& input, const char* name) {
  auto it = input.find(name);
  if (it == input.end() || it->is_null()) return std::optional<double>();
  // NaN and the infinities are not numbers CloudWatch takes (a NaN threshold never compares).
  if (it->is_number() && std::isfinite(it->get<double>()))
    return std::optional<double>(it->get<double>());
  if (it->is_string()) {
    const auto& text = it->get_ref<const std::string&>();
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty() &&
        std::isfinite(value))
      return std::optional<double>(value);
  }
  return invalid(name, "a finite number", *it);
}

Result<std::optional<std::int64_t>> read_integer(const WireJson& input, const char* name) {
  auto number = read_number(input, name);
  if (!number.ok()) return number.error();
  if (!number.value()) return std::optional<std::int64_t>();
  double value = *number.value();
  if (value != std::floor(value) || std::fabs(value) > 9.0e15)
    return invalid(name, "a whole number", input.at(name));
  return std::optional<std::int64_t>(static_cast<std::int64_t>(value));
}

Result<std::optional<bool>> read_bool(const WireJson& input, const char* name) {
  auto it = input.find(name);
  if (it == input.end() || it->is_null()) return std::optional<bool>();
  if (it->is_boolean()) return std::optional<bool>(it->get<bool>());
  if (it->is_string()) {
    const auto& text = it->get_ref<const std::string&>();
    if (text == "true") return std::optional<bool>(true);
    if (text == "false") return std::optional<bool>(false);
  }
  return invalid(name, "true or false", *it);
}

Result<std::optional<std::string>> read_text(const WireJson& input, const char* name) {
  auto it = input.find(name);
  if (it == input.end() || it->is_null()) return std::optional<std::string>();
  if (it->is_string()) return std::optional<std::string>(it->get<std::string>());
  return invalid(name, "a string", *it);
}

std::optional<WireProtocol> QueryCompatibleProtocols::protocol_of(
    const server::HttpRequest& request) const {
  std::string_view target = header(request, "X-Amz-Target");
  if (!target.empty())
    return target.starts_with(service_.target_prefix) &&
                   target.size() > service_.target_prefix.size() &&
                   target[service_.target_prefix.size()] == '.'
               ? std::optional(WireProtocol::kJson)
               : std::nullopt;
  std::string_view path(request.target().data(), request.target().size());
  std::string rpc_prefix = "/service/" + std::string(service_.target_prefix) + "/operation/";
  if (path.starts_with(rpc_prefix)) return WireProtocol::kCbor;
  if (request.method() != http::verb::post || path.substr(0, path.find('?')) != "/")
    return std::nullopt;
  std::string_view type = header(request, "Content-Type");
  if (!type.starts_with("application/x-www-form-urlencoded")) return std::nullopt;
  std::string scope = "/" + std::string(service_.signing_name) + "/aws4_request";
  if (header(request, "Authorization").find(scope) != std::string_view::npos)
    return WireProtocol::kQuery;
  // Unsigned: its Version says which service it is for.
  std::string version = "Version=" + std::string(service_.version);
  const auto& body = request.body();
  auto at = body.find(version);
  if (at != std::string::npos && (at == 0 || body[at - 1] == '&') &&
      (at + version.size() == body.size() || body[at + version.size()] == '&'))
    return WireProtocol::kQuery;
  return std::nullopt;
}

Result<WireRequest> QueryCompatibleProtocols::decode(const server::HttpRequest& request,
                                                      WireProtocol protocol) const {
  WireRequest out;
  out.protocol = protocol;
  const std::string& body = request.body();
  switch (protocol) {
    case WireProtocol::kQuery: {
      constexpr std::size_t kMaxParameters = 10'000;
      std::size_t parameters = 0;
      std::string_view rest = body;
      while (!rest.empty()) {
        if (++parameters > kMaxParameters)
          return malformed("the form body has more than " + std::to_string(kMaxParameters) +
                           " parameters");
        auto amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        auto key = form_decode(pair.substr(0, eq));
        auto value = form_decode(eq == std::string_view::npos ? std::string_view()
                                                              : pair.substr(eq + 1));
        if (!key || !value)
          return malformed("the form body has a bad %-escape near '" +
                           std::string(pair.substr(0, 60)) + "'");
        if (!valid_utf8(*key) || !valid_utf8(*value))
          return malformed("a parameter near '" + std::string(pair.substr(0, 60)) +
                           "' is not UTF-8 once decoded");
        if (*key == "Action") {
          out.action = *value;
        } else if (*key == "Version") {
          if (*value != service_.version)
            return Error{"InvalidAction", "Version " + *value + " is not " +
                                              std::string(service_.service) + "'s API version (" +
                                              std::string(service_.version) + ")"};
        } else if (auto failed = set_query_member(out.input, *key, *value)) {
          return *failed;
        }
      }
      if (out.action.empty())
        return Error{"MissingAction", "The request names no Action (Action=DescribeAlarms, ...)"};
      compact(out.input);
      return out;
    }
    case WireProtocol::kJson: {
      out.action = std::string(header(request, "X-Amz-Target").substr(service_.target_prefix.size() + 1));
      if (body.empty()) return out;
      out.input = WireJson::parse(body, nullptr, /*allow_exceptions=*/false);
      if (out.input.is_discarded() || !out.input.is_object())
        return Error{"SerializationException", "The body is not a JSON object."};
      return out;
    }
    case WireProtocol::kCbor: {
      std::string_view path(request.target().data(), request.target().size());
      path = path.substr(0, path.find('?'));
      out.action = std::string(path.substr(path.rfind('/') + 1));
      if (body.empty()) return out;
      auto decoded = from_cbor(body);
      if (!decoded.ok()) return decoded.error();
      if (!decoded->is_object())
        return Error{"SerializationException", "The body is not a CBOR map."};
      out.input = std::move(decoded).value();
      return out;
    }
  }
  return out;
}

server::HttpResponse QueryCompatibleProtocols::ok(const WireRequest& request,
                                                  const WireJson& output,
                                                  unsigned http_version) const {
  server::HttpResponse response(http::status::ok, http_version);
  std::string request_id = new_aws_request_id();
  response.set("x-amzn-RequestId", request_id);
  switch (request.protocol) {
    case WireProtocol::kQuery: {
      std::string xml = "<" + request.action + "Response xmlns=\"" +
                        std::string(service_.xml_namespace) + "\">";
      if (!output.is_null()) {
        xml += "<" + request.action + "Result>";
        write_xml(xml, output);
        xml += "</" + request.action + "Result>";
      }
      xml += "<ResponseMetadata><RequestId>" + request_id + "</RequestId></ResponseMetadata></" +
             request.action + "Response>";
      response.set(http::field::content_type, "text/xml");
      response.body() = std::move(xml);
      break;
    }
    case WireProtocol::kJson:
      response.set(http::field::content_type, "application/x-amz-json-1.0");
      response.body() = json_form(output.is_null() ? WireJson::object() : output)
                            .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      break;
    case WireProtocol::kCbor:
      response.set(http::field::content_type, "application/cbor");
      response.set("smithy-protocol", "rpc-v2-cbor");
      response.body() = to_cbor(output.is_null() ? WireJson::object() : output);
      break;
  }
  response.prepare_payload();
  return response;
}

server::HttpResponse QueryCompatibleProtocols::error(WireProtocol protocol, const Error& error,
                                                     unsigned http_version) const {
  const unsigned status = service_.status_for_code(error.code);
  const bool sender = status < 500;
  server::HttpResponse response(static_cast<http::status>(status), http_version);
  std::string request_id = new_aws_request_id();
  response.set("x-amzn-RequestId", request_id);
  std::string message = WireJson(error.message).dump(-1, ' ', false,
                                                     nlohmann::json::error_handler_t::replace);
  message = WireJson::parse(message).get<std::string>();  // valid UTF-8 from here on
  if (protocol == WireProtocol::kQuery) {
    std::string xml = "<ErrorResponse xmlns=\"" + std::string(service_.xml_namespace) +
                      "\"><Error><Type>" + (sender ? "Sender" : "Receiver") + "</Type><Code>";
    escape_xml(xml, error.code);
    xml += "</Code><Message>";
    escape_xml(xml, message);
    xml += "</Message></Error><RequestId>" + request_id + "</RequestId></ErrorResponse>";
    response.set(http::field::content_type, "text/xml");
    response.body() = std::move(xml);
  } else {
    WireJson body = {{"__type", service_.shape_for_code(error.code)}, {"message", message}};
    response.set("x-amzn-query-error", error.code + (sender ? ";Sender" : ";Receiver"));
    if (protocol == WireProtocol::kJson) {
      response.set(http::field::content_type, "application/x-amz-json-1.0");
      response.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      response.set(http::field::content_type, "application/cbor");
      response.set("smithy-protocol", "rpc-v2-cbor");
      response.body() = to_cbor(body);
    }
  }
  response.prepare_payload();
  return response;
}

Result<WireJson> from_cbor(std::string_view bytes) {
  CborReader reader(bytes);
  auto value = reader.item();
  if (!value.ok()) return value;
  if (!reader.at_end())
    return Error{"SerializationException", "The body is not valid CBOR: bytes follow the item."};
  return value;
}

std::string query_xml(const WireJson& value) {
  std::string out;
  write_xml(out, value);
  return out;
}

std::string to_cbor(const WireJson& value) {
  std::string out;
  write_cbor(out, value);
  return out;
}

}  // namespace emu::aws
