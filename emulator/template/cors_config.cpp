#include "emulator/template/cors_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "emulator/template/property_reader.h"
#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

constexpr std::array<std::string_view, 5> kRestCorsKeys = {"AllowMethods", "AllowHeaders",
                                                           "AllowOrigin", "MaxAge",
                                                           "AllowCredentials"};
constexpr std::array<std::string_view, 6> kHttpCorsKeys = {
    "AllowOrigins", "AllowHeaders", "AllowMethods", "ExposeHeaders", "MaxAge", "AllowCredentials"};

std::string keys_text(std::span<const std::string_view> keys) {
  std::string text;
  for (std::string_view key : keys) text.append(text.empty() ? "" : ", ").append(key);
  return text;
}

// SAM: "Invalid key 'X' for 'Cors' property."
std::optional<Error> check_keys(const Node& map, std::span<const std::string_view> keys,
                                const std::string& path) {
  for (const auto& entry : map.entries)
    if (std::find(keys.begin(), keys.end(), entry.key) == keys.end())
      return template_error(entry.key_where, child_path(path, entry.key),
                            "Invalid key '" + entry.key + "' for the CORS settings (SAM's error); "
                            "the keys are " + keys_text(keys));
  return std::nullopt;
}

// A static header value of a REST API: "'<value>'" -> "<value>". API Gateway reads a value that is
// not in single quotes as a mapping expression and fails the deployment ("Invalid mapping
// expression specified").
Result<std::string> read_quoted(const Node& value, const std::string& path) {
  auto text = read_string(value, path);
  if (!text) return text.error();
  const std::string& quoted = text.value();
  if (quoted.size() < 2 || quoted.front() != '\'' || quoted.back() != '\'')
    return template_error(value.where, path,
                          "expected a value in single quotes inside the string, e.g. \"'" +
                              quoted + "'\", got " + quote(quoted) +
                              ": API Gateway reads an unquoted value as a mapping expression and "
                              "fails the deployment");
  return quoted.substr(1, quoted.size() - 2);
}

Result<std::vector<std::string>> read_list(const Node& value, const std::string& path) {
  if (value.is_scalar()) {  // one value for a list, as CloudFormation also accepts
    auto text = read_string(value, path);
    if (!text) return text.error();
    return std::vector<std::string>{text.value()};
  }
  return read_string_list(value, path);
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

Result<RestCors> read_rest_cors(const Node& value, const std::string& path) {
  RestCors cors;
  cors.where = value.where;
  cors.allow_origin = "*";
  if (value.is_scalar()) {
    auto origin = read_quoted(value, path);
    if (!origin) return origin.error();
    cors.allow_origin = origin.value();
    return cors;
  }
  if (!value.is_map())
    return template_error(value.where, path,
                          "expected a string (the allowed origin, e.g. \"'*'\") or a map with "
                          "AllowOrigin, AllowMethods, AllowHeaders, MaxAge and AllowCredentials, "
                          "got " + describe(value));
  if (auto error = check_keys(value, kRestCorsKeys, path)) return *error;
  const auto quoted = [&](const char* key) -> Result<std::optional<std::string>> {
    const Node* item = value.find(key);
    if (!item) return std::optional<std::string>();
    auto text = read_quoted(*item, child_path(path, key));
    if (!text) return text.error();
    return std::optional<std::string>(text.value());
  };
  auto origin = quoted("AllowOrigin");
  if (!origin) return origin.error();
  if (origin.value()) cors.allow_origin = *origin.value();
  auto methods = quoted("AllowMethods");
  if (!methods) return methods.error();
  cors.allow_methods = methods.value();
  auto headers = quoted("AllowHeaders");
  if (!headers) return headers.error();
  cors.allow_headers = headers.value();
  auto max_age = quoted("MaxAge");
  if (!max_age) return max_age.error();
  cors.max_age = max_age.value();
  if (const Node* credentials = value.find("AllowCredentials")) {
    auto flag = read_bool(*credentials, child_path(path, "AllowCredentials"));
    if (!flag) return flag.error();
    cors.allow_credentials = flag.value();
    if (cors.allow_credentials && cors.allow_origin == "*")
      return template_error(credentials->where, child_path(path, "AllowCredentials"),
                            "Unable to add Cors configuration because 'AllowCredentials' can not "
                            "be true when 'AllowOrigin' is \"'*'\" or not set (SAM's error: "
                            "browsers refuse credentials with the origin *); name the origin, "
                            "e.g. AllowOrigin: \"'https://example.com'\"");
  }
  return cors;
}

Result<std::optional<HttpCors>> read_http_cors(const Node& value, const std::string& path) {
  HttpCors cors;
  cors.where = value.where;
  if (value.is_scalar()) {
    auto flag = read_bool(value, path);
    if (!flag) return flag.error();
    if (!flag.value()) return std::optional<HttpCors>();
    cors.allow_origins = {"*"};
    return std::optional<HttpCors>(std::move(cors));
  }
  if (!value.is_map())
    return template_error(value.where, path,
                          "expected true or a map with AllowOrigins, AllowHeaders, AllowMethods, "
                          "ExposeHeaders, MaxAge and AllowCredentials, got " + describe(value));
  if (auto error = check_keys(value, kHttpCorsKeys, path)) return *error;
  const auto list = [&](const char* key, std::vector<std::string>& into) -> std::optional<Error> {
    const Node* item = value.find(key);
    if (!item) return std::nullopt;
    auto items = read_list(*item, child_path(path, key));
    if (!items) return items.error();
    into = std::move(items.value());
    return std::nullopt;
  };
  if (auto error = list("AllowOrigins", cors.allow_origins)) return *error;
  if (auto error = list("AllowHeaders", cors.allow_headers)) return *error;
  if (auto error = list("AllowMethods", cors.allow_methods)) return *error;
  if (auto error = list("ExposeHeaders", cors.expose_headers)) return *error;
  // Header names are compared without regard to case, methods are upper case (AWS::ApiGatewayV2::
  // Api Cors: "AllowMethods: The allowed HTTP methods").
  for (auto& header : cors.allow_headers) header = lower(header);
  for (auto& method : cors.allow_methods) method = upper(method);
  if (const Node* max_age = value.find("MaxAge")) {
    // AWS::ApiGatewayV2::Api Cors MaxAge: "Minimum: -1. Maximum: 86400".
    auto seconds = read_int(*max_age, child_path(path, "MaxAge"), -1, 86400);
    if (!seconds) return seconds.error();
    cors.max_age = seconds.value();
  }
  if (const Node* credentials = value.find("AllowCredentials")) {
    auto flag = read_bool(*credentials, child_path(path, "AllowCredentials"));
    if (!flag) return flag.error();
    cors.allow_credentials = flag.value();
    const bool any_origin = std::find(cors.allow_origins.begin(), cors.allow_origins.end(),
                                      "*") != cors.allow_origins.end();
    if (cors.allow_credentials && any_origin)
      return template_error(credentials->where, child_path(path, "AllowCredentials"),
                            "Unable to add Cors configuration because 'AllowCredentials' can not "
                            "be true when 'AllowOrigin' is \"'*'\" or not set (SAM's error: "
                            "browsers refuse credentials with the origin *); list the origins, "
                            "e.g. AllowOrigins: [https://example.com]");
  }
  return std::optional<HttpCors>(std::move(cors));
}

}  // namespace emu::tmpl
