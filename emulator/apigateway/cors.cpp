#include "emulator/apigateway/cors.h"

#include <algorithm>
#include <array>
#include <boost/beast/core/string.hpp>
#include <set>

#include "emulator/core/ascii.h"

namespace emu::apigw {
namespace {

namespace beast = boost::beast;

// samtranslator open_api/base_editor.py _ALL_HTTP_METHODS, which ANY stands for.
constexpr std::array<std::string_view, 7> kAllMethods = {"OPTIONS", "GET",    "HEAD", "POST",
                                                         "PUT",     "DELETE", "PATCH"};

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text.append(text.empty() ? "" : ",").append(item);
  return text;
}

bool contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Access-Control-Allow-Origin for an allowed origin: "*" when every origin is allowed (and
// credentials are not), else the origin itself, as browsers require it then.
std::string allow_origin_value(const tmpl::HttpCors& cors, std::string_view origin) {
  if (contains(cors.allow_origins, "*") && !cors.allow_credentials) return "*";
  return std::string(origin);
}

}  // namespace

HeaderList rest_preflight_headers(const tmpl::RestCors& cors,
                                  const std::vector<std::string>& path_methods) {
  HeaderList headers;
  if (cors.allow_headers) headers.emplace_back("Access-Control-Allow-Headers", *cors.allow_headers);
  headers.emplace_back("Access-Control-Allow-Origin", cors.allow_origin);
  if (cors.max_age) headers.emplace_back("Access-Control-Max-Age", *cors.max_age);
  if (cors.allow_methods) {
    headers.emplace_back("Access-Control-Allow-Methods", *cors.allow_methods);
  } else {
    std::set<std::string> methods{"OPTIONS"};
    for (const auto& method : path_methods) {
      if (method == "ANY") methods.insert(kAllMethods.begin(), kAllMethods.end());
      else methods.insert(method);
    }
    headers.emplace_back("Access-Control-Allow-Methods",
                         joined(std::vector<std::string>(methods.begin(), methods.end())));
  }
  if (cors.allow_credentials) headers.emplace_back("Access-Control-Allow-Credentials", "true");
  return headers;
}

bool is_preflight(std::string_view method, std::string_view origin,
                  std::string_view requested_method) {
  return method == "OPTIONS" && !origin.empty() && !requested_method.empty();
}

bool origin_allowed(const tmpl::HttpCors& cors, std::string_view origin) {
  if (origin.empty()) return false;
  for (const auto& allowed : cors.allow_origins) {
    if (allowed == "*" || beast::iequals(allowed, origin)) return true;
    // "https://*": any origin starting with https:// (the HTTP API guide's allowOrigins
    // examples); a partial wildcard such as https://*.example.com is refused by AWS itself.
    if (allowed.size() > 1 && allowed.ends_with("://*")) {
      const std::string_view scheme = std::string_view(allowed).substr(0, allowed.size() - 1);
      if (origin.size() > scheme.size() && beast::iequals(origin.substr(0, scheme.size()), scheme))
        return true;
    }
  }
  return false;
}

HeaderList http_preflight_headers(const tmpl::HttpCors& cors, std::string_view origin,
                                  std::string_view requested_method,
                                  std::string_view requested_headers) {
  HeaderList headers;
  if (!origin_allowed(cors, origin)) return headers;
  const std::string method(trimmed(requested_method));
  if (!contains(cors.allow_methods, "*") && !contains(cors.allow_methods, method)) return headers;
  if (!contains(cors.allow_headers, "*")) {
    std::string_view rest = requested_headers;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string header = ascii::lower(trimmed(rest.substr(0, comma)));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (!header.empty() && !contains(cors.allow_headers, header)) return headers;
    }
  }
  headers.emplace_back("access-control-allow-origin", allow_origin_value(cors, origin));
  if (cors.allow_credentials) headers.emplace_back("access-control-allow-credentials", "true");
  headers.emplace_back("access-control-allow-methods", joined(cors.allow_methods));
  if (!cors.allow_headers.empty())
    headers.emplace_back("access-control-allow-headers", joined(cors.allow_headers));
  if (cors.max_age) headers.emplace_back("access-control-max-age", std::to_string(*cors.max_age));
  return headers;
}

HeaderList http_response_headers(const tmpl::HttpCors& cors, std::string_view origin) {
  HeaderList headers;
  if (!origin_allowed(cors, origin)) return headers;
  headers.emplace_back("access-control-allow-origin", allow_origin_value(cors, origin));
  if (cors.allow_credentials) headers.emplace_back("access-control-allow-credentials", "true");
  if (!cors.expose_headers.empty())
    headers.emplace_back("access-control-expose-headers", joined(cors.expose_headers));
  return headers;
}

bool is_cors_header(std::string_view name) {
  constexpr std::string_view kPrefix = "access-control-";
  return name.size() >= kPrefix.size() && beast::iequals(name.substr(0, kPrefix.size()), kPrefix);
}

}  // namespace emu::apigw
