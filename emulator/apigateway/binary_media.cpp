#include "emulator/apigateway/binary_media.h"

#include <array>
#include <boost/beast/core/string.hpp>

namespace emu::apigw {
namespace {

namespace beast = boost::beast;

constexpr std::string_view kDefaultType = "application/json";

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string_view media_type(std::string_view content_type) {
  return trimmed(content_type.substr(0, content_type.find(';')));
}

bool binary_type_listed(std::string_view type, const std::vector<std::string>& binary_types) {
  const std::size_t slash = type.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == type.size()) return false;
  const std::string_view major = type.substr(0, slash);
  for (const auto& listed : binary_types) {
    if (listed == "*/*" || beast::iequals(listed, type)) return true;
    // "image/*": any subtype of image; a "*" left of the slash matches nothing but "*/*".
    if (listed.size() == major.size() + 2 && listed.ends_with("/*") &&
        beast::iequals(std::string_view(listed).substr(0, major.size()), major))
      return true;
  }
  return false;
}

bool rest_request_is_binary(std::string_view content_type,
                            const std::vector<std::string>& binary_types) {
  if (binary_types.empty()) return false;
  const std::string_view type = media_type(content_type);
  return binary_type_listed(type.empty() ? kDefaultType : type, binary_types);
}

bool rest_response_is_binary(std::string_view accept,
                             const std::vector<std::string>& binary_types) {
  if (binary_types.empty()) return false;
  const std::string_view first = media_type(accept.substr(0, accept.find(',')));
  return binary_type_listed(first.empty() ? kDefaultType : first, binary_types);
}

bool http_request_is_text(std::string_view content_type) {
  const std::string_view type = media_type(content_type);
  static constexpr std::array<std::string_view, 3> kTextTypes = {
      "application/json", "application/xml", "application/javascript"};
  for (const auto text : kTextTypes)
    if (beast::iequals(type, text)) return true;
  return type.size() > 5 && beast::iequals(type.substr(0, 5), "text/");
}

}  // namespace emu::apigw
