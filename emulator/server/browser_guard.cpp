#include "emulator/server/browser_guard.h"

#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <string_view>

namespace emu::server {
namespace {

namespace http = boost::beast::http;

std::string header(const HttpRequest& request, std::string_view name) {
  auto it = request.find(name);
  return it == request.end() ? std::string() : std::string(it->value());
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The host part of a Host header value: "127.0.0.1:3001" -> "127.0.0.1", "[::1]:3001" -> "::1".
std::string host_part(const std::string& host) {
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    return close == std::string::npos ? host : host.substr(1, close - 1);
  }
  auto colon = host.rfind(':');
  if (colon != std::string::npos && host.find(':') == colon) return host.substr(0, colon);
  return host;
}

bool is_ip_address(const std::string& name) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(name, ec);
  return !ec;
}

bool allowed_host(const std::string& host_header, const BrowserPolicy& policy) {
  std::string name = lower(host_part(host_header));
  // No Host at all (HTTP/1.0 clients) cannot come from a browser, which always sends one.
  if (host_header.empty()) return true;
  if (!name.empty() && name.back() == '.') name.pop_back();  // "localhost." is localhost
  if (name.empty()) return false;
  if (is_ip_address(name)) return true;
  // RFC 6761: localhost and every name under .localhost resolve to loopback.
  if (name == "localhost" || name.ends_with(".localhost")) return true;
  for (const auto& allowed : policy.host_names)
    if (lower(allowed) == name) return true;
  return false;
}

bool changes_state(http::verb method) {
  return method != http::verb::get && method != http::verb::head && method != http::verb::options;
}

}  // namespace

std::optional<std::string> browser_refusal(const HttpRequest& request, const BrowserPolicy& policy) {
  const std::string host = header(request, "Host");
  if (!allowed_host(host, policy))
    return "Host '" + host + "' does not name this emulator: requests must reach it as a loopback "
           "address, localhost or the --host it was given (a web page reaching it under another "
           "name is refused: DNS rebinding; docs/security.md)";
  const std::string origin = header(request, "Origin");
  if (!origin.empty() && origin != "http://" + host)
    return "Origin '" + origin + "' may not call this endpoint: only the emulator's own console (" +
           "http://" + host + ") may, and the AWS CLI and SDKs send no Origin (docs/security.md)";
  const std::string site = lower(header(request, "Sec-Fetch-Site"));
  if (site == "cross-site" || site == "same-site")
    return "a request from another web site (Sec-Fetch-Site: " + site +
           ") may not call this endpoint (docs/security.md)";
  if (!origin.empty() && changes_state(request.method()) &&
      (policy.token.empty() || header(request, "X-Emulator-Token") != policy.token))
    return "a change from a web page needs the emulator's per-run token in X-Emulator-Token, "
           "which only a page the emulator serves itself has (docs/security.md)";
  return std::nullopt;
}

void BrowserGuard::handle(HttpRequest request, const ClientInfo& client, Respond respond) {
  if (auto reason = browser_refusal(request, policy_))
    return respond(refuse_(*reason, request.version()));
  inner_->handle(std::move(request), client, std::move(respond));
}

}  // namespace emu::server
