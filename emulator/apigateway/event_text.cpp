#include "emulator/apigateway/event_text.h"

namespace emu::apigw {
namespace {

// The length of the well-formed UTF-8 sequence at text[i], or 0 when there is none (RFC 3629:
// no overlong forms, no surrogates U+D800..U+DFFF, nothing above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte_at = [text](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte_at(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;  // the second byte's bounds, which rule out overlongs and surrogates
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (text.size() - i < length) return 0;
  if (byte_at(i + 1) < low || byte_at(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if (byte_at(i + k) < 0x80 || byte_at(i + k) > 0xBF) return 0;
  return length;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

void repair_utf8(std::string& text) {
  if (is_valid_utf8(text)) return;
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      out.append("\xEF\xBF\xBD");
      ++i;
    } else {
      out.append(text, i, length);
      i += length;
    }
  }
  text = std::move(out);
}

std::string_view domain_prefix(std::string_view domain) {
  if (!domain.empty() && domain.front() == '[') return domain.substr(0, domain.find(']') + 1);
  return domain.substr(0, domain.find_first_of(".:"));
}

bool dropped_by_api_gateway(boost::beast::http::field name) {
  using boost::beast::http::field;
  switch (name) {
    case field::connection:
    case field::content_length:
    case field::content_md5:
    case field::expect:
    case field::max_forwards:
    case field::proxy_authenticate:
    case field::server:
    case field::te:
    case field::transfer_encoding:
    case field::trailer:
    case field::upgrade:
    case field::www_authenticate:
      return true;
    default:
      return false;
  }
}

std::string_view forwarded_port(std::string_view host) {
  const std::size_t colon = host.rfind(':');
  const bool has_port =
      colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos;
  return has_port ? host.substr(colon + 1) : std::string_view("80");
}

}  // namespace emu::apigw
