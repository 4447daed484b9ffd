#include "emulator/apigateway/proxy_event.h"

#include <array>
#include <cstdio>

#include "emulator/core/uri.h"
#include "emulator/core/base64.h"
#include "emulator/template/stack.h"

namespace emu::apigw {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

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

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

// Replaces each byte of `text` that starts no well-formed sequence by U+FFFD, so that the event
// serializes (JSON text is UTF-8) even when a client sends raw bytes in a header or %FF in a query.
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

std::string valid_utf8(std::string_view text) {
  std::string copy(text);
  repair_utf8(copy);
  return copy;
}

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return boost::beast::iequals(text.substr(text.size() - suffix.size()), suffix);
}

// Whether a body of this Content-Type is passed as text: text/*, JSON, XML, form data and
// JavaScript, the +json / +xml structured syntaxes (RFC 6839), and a missing type.
bool is_textual_content_type(std::string_view content_type) {
  std::string_view media_type = content_type.substr(0, content_type.find(';'));
  while (!media_type.empty() && (media_type.back() == ' ' || media_type.back() == '\t'))
    media_type.remove_suffix(1);
  while (!media_type.empty() && (media_type.front() == ' ' || media_type.front() == '\t'))
    media_type.remove_prefix(1);
  if (media_type.empty()) return true;
  static constexpr std::array<std::string_view, 4> kTextualTypes = {
      "application/json", "application/xml", "application/x-www-form-urlencoded",
      "application/javascript"};
  for (const auto type : kTextualTypes)
    if (boost::beast::iequals(media_type, type)) return true;
  return (media_type.size() > 5 && boost::beast::iequals(media_type.substr(0, 5), "text/")) ||
         ends_with_ignoring_case(media_type, "+json") ||
         ends_with_ignoring_case(media_type, "+xml");
}

// The first DNS label of a host, without a port: "abc123" for "abc123.execute-api.us-east-1...".
std::string_view domain_prefix(std::string_view domain) {
  if (!domain.empty() && domain.front() == '[') return domain.substr(0, domain.find(']') + 1);
  return domain.substr(0, domain.find_first_of(".:"));
}

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant, "chrono-Compatible Low-Level
// Date Algorithms", civil_from_days).
void civil_from_days(std::int64_t days, std::int64_t& year, unsigned& month, unsigned& day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned shifted_month = (5 * day_of_year + 2) / 153;
  day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
}

std::int64_t floor_div(std::int64_t value, std::int64_t divisor) {
  const std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

json map_or_null(json object) { return object.empty() ? json(nullptr) : std::move(object); }

// requestContext.identity: what API Gateway knows of the caller without an authorizer. Every
// key AWS sends is present; those that need IAM, Cognito or an API key are null.
json build_identity(const HttpRequest& request, const RequestFacts& facts) {
  json identity = json::object();
  for (const char* key : {"cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller",
                          "accessKey", "cognitoAuthenticationType", "cognitoAuthenticationProvider",
                          "userArn", "user", "apiKey", "apiKeyId", "principalOrgId", "clientCert"})
    identity[key] = nullptr;
  identity["sourceIp"] = facts.source_ip;
  const auto user_agent = request.find(http::field::user_agent);
  identity["userAgent"] =
      user_agent == request.end() ? json(nullptr) : json(valid_utf8(user_agent->value()));
  return identity;
}

json build_request_context(const HttpRequest& request, const RouteMatch& match,
                           const RequestFacts& facts) {
  const Route& route = *match.route;
  std::string_view domain = facts.domain_name;
  if (domain.empty()) domain = "localhost";
  json context = json::object();
  context["accountId"] = tmpl::kAccountId;
  context["apiId"] = route.api_id;
  context["resourceId"] = route.resource_id;
  context["resourcePath"] = route.resource_path;
  context["stage"] = route.stage;
  context["requestId"] = facts.request_id;
  context["extendedRequestId"] = facts.extended_request_id;
  context["requestTime"] = format_request_time(facts.epoch_ms);
  context["requestTimeEpoch"] = facts.epoch_ms;
  context["httpMethod"] = std::string(request.method_string());
  // Unlike event.path, requestContext.path keeps the stage: "/Prod/whodis".
  context["path"] = valid_utf8("/" + route.stage + match.path);
  const unsigned version = request.version();
  context["protocol"] = "HTTP/" + std::to_string(version / 10) + "." + std::to_string(version % 10);
  context["domainName"] = std::string(domain);
  context["domainPrefix"] = std::string(domain_prefix(domain));
  context["identity"] = build_identity(request, facts);
  return context;
}

}  // namespace

std::string format_request_time(std::int64_t epoch_ms) {
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::int64_t seconds = floor_div(epoch_ms, 1000);
  const std::int64_t days = floor_div(seconds, 86400);
  const auto second_of_day = static_cast<int>(seconds - days * 86400);
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(days, year, month, day);
  std::array<char, 48> text{};
  const int length =
      std::snprintf(text.data(), text.size(), "%02u/%s/%04lld:%02d:%02d:%02d +0000", day,
                    kMonths[month - 1], static_cast<long long>(year), second_of_day / 3600,
                    second_of_day / 60 % 60, second_of_day % 60);
  return std::string(text.data(), static_cast<std::size_t>(length));
}

nlohmann::json build_proxy_event(const HttpRequest& request, const RouteMatch& match,
                                 const RequestFacts& facts) {
  const Route& route = *match.route;
  json event = json::object();
  event["resource"] = route.resource_path;
  event["path"] = valid_utf8(match.path);
  event["httpMethod"] = std::string(request.method_string());

  json headers = json::object();
  json multi_value_headers = json::object();
  for (const auto& field : request) {
    std::string name = valid_utf8(field.name_string());
    std::string value = valid_utf8(field.value());
    multi_value_headers[name].push_back(value);
    headers[std::move(name)] = std::move(value);
  }
  event["headers"] = map_or_null(std::move(headers));
  event["multiValueHeaders"] = map_or_null(std::move(multi_value_headers));

  json query = json::object();
  json multi_value_query = json::object();
  const std::string_view target = request.target();
  if (const std::size_t question = target.find('?'); question != std::string_view::npos) {
    for (auto& [name, value] : uri::parse_query(target.substr(question + 1))) {
      repair_utf8(name);
      repair_utf8(value);
      multi_value_query[name].push_back(value);
      query[std::move(name)] = std::move(value);
    }
  }
  event["queryStringParameters"] = map_or_null(std::move(query));
  event["multiValueQueryStringParameters"] = map_or_null(std::move(multi_value_query));

  json path_parameters = json::object();
  for (const auto& [name, value] : match.path_parameters) path_parameters[name] = valid_utf8(value);
  event["pathParameters"] = map_or_null(std::move(path_parameters));

  json stage_variables = json::object();
  for (const auto& [name, value] : route.stage_variables) stage_variables[name] = value;
  event["stageVariables"] = map_or_null(std::move(stage_variables));

  event["requestContext"] = build_request_context(request, match, facts);

  const std::string& body = request.body();
  if (body.empty()) {
    event["body"] = nullptr;
    event["isBase64Encoded"] = false;
  } else if (is_textual_content_type(request[http::field::content_type]) && is_valid_utf8(body)) {
    event["body"] = body;
    event["isBase64Encoded"] = false;
  } else {
    event["body"] = base64::encode(body);
    event["isBase64Encoded"] = true;
  }
  return event;
}

}  // namespace emu::apigw
