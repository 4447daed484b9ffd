#include "emulator/apigateway/proxy_event.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include "emulator/apigateway/binary_media.h"
#include "emulator/apigateway/event_text.h"
#include "emulator/core/base64.h"
#include "emulator/core/ids.h"
#include "emulator/core/uri.h"
#include "emulator/template/stack.h"

namespace emu::apigw {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using nlohmann::json;

std::string valid_utf8(std::string_view text) {
  std::string copy(text);
  repair_utf8(copy);
  return copy;
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

// The fill_* functions below make a JSON value equal to what a fresh build would give, reusing
// whatever storage the value already has: a spent event of the same shape (the previous request
// on this route, typically) is overwritten in place with no allocation but for the parts whose
// shape changed. Starting from null they build from scratch.

const std::vector<std::string> kNoBinaryTypes;

using Object = json::object_t;  // std::map<std::string, json, std::less<>>

// `target` as an object, made one (empty) if it is anything else.
Object& as_object(json& target) {
  if (!target.is_object()) target = json::object();
  return *target.get_ptr<Object*>();
}

// Members of one object asked for in ascending key order: each is found by looking at the member
// after the previous one, without a search, when the object already has the expected keys.
class Members {
 public:
  explicit Members(Object& object) : object_(object), next_(object.begin()) {}
  json& operator()(std::string_view key) {
    if (next_ == object_.end() || next_->first != key) {
      next_ = object_.lower_bound(key);
      if (next_ == object_.end() || next_->first != key)
        next_ = object_.emplace_hint(next_, key, nullptr);
    }
    return (next_++)->second;
  }

 private:
  Object& object_;
  Object::iterator next_;
};

// Makes `target` the JSON string `text`, reusing its buffer when it already is a string.
std::string& set_string(json& target, std::string_view text) {
  if (!target.is_string()) target = json::value_t::string;
  auto& value = *target.get_ptr<std::string*>();
  value.assign(text.data(), text.size());
  return value;
}

void set_text(json& target, std::string_view text) { repair_utf8(set_string(target, text)); }

// Objects with a fixed set of keys (the event, requestContext, identity) are filled member by
// member; if `target` had other keys besides, the size says so afterwards, and the caller clears
// it and fills it again so that none survive.

using Pair = std::pair<std::string_view, std::string_view>;

bool all_valid_utf8(const std::vector<Pair>& pairs, bool check_values) {
  for (const auto& [name, value] : pairs)
    if (!is_valid_utf8(name) || (check_values && !is_valid_utf8(value))) return false;
  return true;
}

// Whether `object`'s keys are exactly the distinct names in `sorted` (pairs stably sorted by
// name), in order: then its members can be overwritten in place.
bool has_names_of(const Object& object, const std::vector<Pair>& sorted) {
  auto it = object.begin();
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i != 0 && sorted[i - 1].first == sorted[i].first) continue;
    if (it == object.end() || it->first != sorted[i].first) return false;
    ++it;
  }
  return it == object.end();
}

// Makes `target` an object with one member per distinct name in `sorted` (pairs stably sorted
// by name), in name order, or null when `sorted` is empty. fill(value, first, count) sets each
// member from its run of pairs, sorted[first .. first + count).
template <class Fill>
void fill_by_name(json& target, const std::vector<Pair>& sorted, Fill fill) {
  if (sorted.empty()) {
    target = nullptr;
    return;
  }
  Object& object = as_object(target);
  const bool same_keys = has_names_of(object, sorted);
  if (!same_keys) object.clear();
  auto it = object.begin();
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t run = 1;
    while (i + run < sorted.size() && sorted[i + run].first == sorted[i].first) ++run;
    if (!same_keys) it = object.emplace_hint(object.end(), sorted[i].first, nullptr);
    fill(it->second, i, run);
    ++it;
    i += run;
  }
}

// headers / queryStringParameters: the last value received for each name.
void fill_single_map(json& target, const std::vector<Pair>& sorted, bool repair = true) {
  fill_by_name(target, sorted, [&](json& value, std::size_t first, std::size_t count) {
    const std::string_view last = sorted[first + count - 1].second;
    if (repair) {
      set_text(value, last);
    } else {
      set_string(value, last);
    }
  });
}

// multiValueHeaders / multiValueQueryStringParameters: every value of each name, in the order
// received.
void fill_multi_map(json& target, const std::vector<Pair>& sorted) {
  fill_by_name(target, sorted, [&](json& values, std::size_t first, std::size_t count) {
    if (!values.is_array()) values = json::value_t::array;
    auto& array = *values.get_ptr<json::array_t*>();
    array.resize(count);
    for (std::size_t k = 0; k < count; ++k) set_text(array[k], sorted[first + k].second);
  });
}

// Both maps of one kind (headers, query) from the pairs as received. Names that are not UTF-8
// would change when repaired, and with them the order: those take the plain way.
void fill_maps(json& single, json& multi, std::vector<Pair>& pairs) {
  if (!all_valid_utf8(pairs, false)) {
    json singles = json::object();
    json multis = json::object();
    for (const auto& [raw_name, raw_value] : pairs) {
      std::string name = valid_utf8(raw_name);
      std::string value = valid_utf8(raw_value);
      multis[name].push_back(value);
      singles[std::move(name)] = std::move(value);
    }
    single = std::move(singles);
    multi = std::move(multis);
    return;
  }
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const Pair& a, const Pair& b) { return a.first < b.first; });
  fill_single_map(single, pairs);
  fill_multi_map(multi, pairs);
}

// The values of the headers API Gateway adds, kept per thread for the views in the pairs.
struct AddedHeaders {
  std::string forwarded_for;
  std::string forwarded_port;
};

// The request's headers as API Gateway hands them on: the 12 above dropped; Authorization, Host
// and User-Agent under those names whatever case the client sent (recorded events: "authorization"
// and "aUThorization" arrive as "Authorization"); X-Forwarded-For with the client's address
// appended (or alone), X-Forwarded-Port and X-Forwarded-Proto of the connection the client made
// (here http and the port of the Host header, not AWS's https/443: a handler that builds URLs
// from them gets working local ones), and X-Amzn-Trace-Id unless the client sent one. Other
// names keep their case.
void add_request_headers(std::vector<Pair>& pairs, AddedHeaders& added, const HttpRequest& request,
                         const RequestFacts& facts) {
  std::optional<std::size_t> forwarded_for;
  bool has_trace_id = false;
  for (const auto& field : request) {
    const http::field name = field.name();
    if (dropped_by_api_gateway(name)) continue;
    switch (name) {
      case http::field::authorization:
        pairs.emplace_back("Authorization", field.value());
        continue;
      case http::field::host:
        pairs.emplace_back("Host", field.value());
        continue;
      case http::field::user_agent:
        pairs.emplace_back("User-Agent", field.value());
        continue;
      default:
        break;
    }
    const std::string_view text = field.name_string();
    if (beast::iequals(text, "X-Forwarded-For")) {
      forwarded_for = pairs.size();
      pairs.emplace_back("X-Forwarded-For", field.value());
      continue;
    }
    if (beast::iequals(text, "X-Forwarded-Port") || beast::iequals(text, "X-Forwarded-Proto"))
      continue;  // replaced below
    if (beast::iequals(text, "X-Amzn-Trace-Id")) has_trace_id = true;
    pairs.emplace_back(text, field.value());
  }
  if (forwarded_for) {
    added.forwarded_for.assign(pairs[*forwarded_for].second);
    added.forwarded_for.append(", ").append(facts.source_ip);
    pairs[*forwarded_for].second = added.forwarded_for;
  } else {
    added.forwarded_for.assign(facts.source_ip);
    pairs.emplace_back("X-Forwarded-For", added.forwarded_for);
  }
  added.forwarded_port.assign(forwarded_port(facts.domain_name));
  pairs.emplace_back("X-Forwarded-Port", added.forwarded_port);
  pairs.emplace_back("X-Forwarded-Proto", "http");
  if (!has_trace_id && !facts.trace_id.empty())
    pairs.emplace_back("X-Amzn-Trace-Id", facts.trace_id);
}

// requestContext.requestTime changes once a second: formatted once per second per thread.
const std::string& request_time_text(std::int64_t epoch_ms) {
  thread_local std::int64_t cached_second = std::numeric_limits<std::int64_t>::min();
  thread_local std::string cached;
  const std::int64_t second = floor_div(epoch_ms, 1000);
  if (second != cached_second) {
    cached = format_request_time(epoch_ms);
    cached_second = second;
  }
  return cached;
}

// requestContext.identity: what API Gateway knows of the caller without an authorizer: the 12
// keys AWS sends then (recorded events: LocalStack's AWS-validated snapshots, Powertools'
// apigw-rest/no-auth.json); those that need IAM or Cognito are null. apiKey, apiKeyId and
// clientCert appear on AWS only with an API key or mutual TLS.
void fill_identity(json& target, const HttpRequest& request, const RequestFacts& facts) {
  Object& identity = as_object(target);
  Members member(identity);  // in key order
  member("accessKey") = nullptr;
  member("accountId") = nullptr;
  member("caller") = nullptr;
  member("cognitoAuthenticationProvider") = nullptr;
  member("cognitoAuthenticationType") = nullptr;
  member("cognitoIdentityId") = nullptr;
  member("cognitoIdentityPoolId") = nullptr;
  member("principalOrgId") = nullptr;
  set_string(member("sourceIp"), facts.source_ip);
  member("user") = nullptr;
  const auto user_agent = request.find(http::field::user_agent);
  json& agent = member("userAgent");
  if (user_agent == request.end()) {
    agent = nullptr;
  } else {
    set_text(agent, user_agent->value());
  }
  member("userArn") = nullptr;
  if (identity.size() != 12) {
    identity.clear();
    fill_identity(target, request, facts);
  }
}

void fill_request_context(json& target, const HttpRequest& request, const RouteMatch& match,
                          const RequestFacts& facts) {
  const Route& route = *match.route;
  Object& context = as_object(target);
  Members member(context);  // in key order
  set_string(member("accountId"), tmpl::kAccountId);
  set_string(member("apiId"), route.api_id);
  set_string(member("deploymentId"), route.deployment_id);
  // The Host header's bytes need not be UTF-8; the event's text must be (found by fuzzing).
  std::string& domain =
      set_string(member("domainName"),
                 facts.domain_name.empty() ? std::string_view("localhost") : facts.domain_name);
  repair_utf8(domain);
  set_string(member("domainPrefix"), domain_prefix(domain));
  set_string(member("extendedRequestId"), facts.extended_request_id);
  set_string(member("httpMethod"), request.method_string());
  fill_identity(member("identity"), request, facts);
  // Unlike event.path, requestContext.path keeps the stage and what followed it as sent:
  // "/Prod/whodis", "/Prod//whodis".
  std::string& path = set_string(member("path"), "/");
  path.append(route.stage).append(match.stage_path.empty() ? match.path : match.stage_path);
  repair_utf8(path);
  const unsigned version = request.version();
  std::string& protocol = set_string(member("protocol"), "HTTP/");
  protocol.append(std::to_string(version / 10)).push_back('.');
  protocol.append(std::to_string(version % 10));
  set_string(member("requestId"), facts.request_id);
  set_string(member("requestTime"), request_time_text(facts.epoch_ms));
  member("requestTimeEpoch") = facts.epoch_ms;
  set_string(member("resourceId"), route.resource_id);
  set_string(member("resourcePath"), route.resource_path);
  set_string(member("stage"), route.stage);
  if (context.size() != 16) {
    context.clear();
    fill_request_context(target, request, match, facts);
  }
}

}  // namespace

std::string new_trace_id(std::int64_t epoch_ms) {
  static constexpr char kHex[] = "0123456789abcdef";
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::string id = "Root=1-00000000-000000000000000000000000";
  const auto seconds = static_cast<std::uint64_t>(floor_div(epoch_ms, 1000));
  for (int i = 0; i < 8; ++i) id[7 + i] = kHex[(seconds >> (28 - 4 * i)) & 0xF];
  const std::uint64_t high = generator();
  const std::uint64_t low = generator();
  for (int i = 0; i < 8; ++i) id[16 + i] = kHex[(high >> (60 - 4 * i)) & 0xF];
  for (int i = 0; i < 16; ++i) id[24 + i] = kHex[(low >> (60 - 4 * i)) & 0xF];
  return id;
}

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

void fill_proxy_event(nlohmann::json& event, const HttpRequest& request, const RouteMatch& match,
                      const RequestFacts& facts) {
  const Route& route = *match.route;
  Object& object = as_object(event);
  Members member(object);  // in key order
  json& body_value = member("body");
  json& headers = member("headers");
  set_string(member("httpMethod"), request.method_string());
  json& is_base64 = member("isBase64Encoded");
  json& multi_value_headers = member("multiValueHeaders");
  json& multi_value_query = member("multiValueQueryStringParameters");
  set_text(member("path"), match.path);
  json& path_parameters = member("pathParameters");
  json& query = member("queryStringParameters");
  json& request_context = member("requestContext");
  set_string(member("resource"), route.resource_path);
  json& stage_variables = member("stageVariables");

  thread_local std::vector<Pair> pairs;
  thread_local AddedHeaders added;
  pairs.clear();
  add_request_headers(pairs, added, request, facts);
  fill_maps(headers, multi_value_headers, pairs);

  pairs.clear();
  std::vector<std::pair<std::string, std::string>> query_pairs;
  const std::string_view target = request.target();
  if (const std::size_t question = target.find('?'); question != std::string_view::npos)
    query_pairs = uri::parse_query(target.substr(question + 1));
  for (const auto& [name, value] : query_pairs) pairs.emplace_back(name, value);
  fill_maps(query, multi_value_query, pairs);

  // Path parameter names come from the template (the last of a repeated name wins); values are
  // percent-decoded from the path and may need repair.
  pairs.clear();
  for (const auto& [name, value] : match.path_parameters) pairs.emplace_back(name, value);
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const Pair& a, const Pair& b) { return a.first < b.first; });
  fill_single_map(path_parameters, pairs);

  pairs.clear();
  for (const auto& [name, value] : route.stage_variables) pairs.emplace_back(name, value);
  // A std::map: sorted already. Values as the template gives them.
  fill_single_map(stage_variables, pairs, false);

  fill_request_context(request_context, request, match, facts);

  const std::string& body = request.body();
  const std::string_view content_type = request[http::field::content_type];
  const bool binary = route.api && route.api->kind == tmpl::ApiKind::kHttp
                          ? !http_request_is_text(content_type)
                          : rest_request_is_binary(content_type, route.api
                                                                     ? route.api->binary_media_types
                                                                     : kNoBinaryTypes);
  if (body.empty()) {
    body_value = nullptr;
    is_base64 = false;
  } else if (!binary) {
    set_text(body_value, body);  // a text body that is not UTF-8 reaches the function repaired
    is_base64 = false;
  } else {
    set_string(body_value, base64::encode(body));
    is_base64 = true;
  }
  if (object.size() != 12) {
    object.clear();
    fill_proxy_event(event, request, match, facts);
  }
}

nlohmann::json build_proxy_event(const HttpRequest& request, const RouteMatch& match,
                                 const RequestFacts& facts) {
  json event;
  fill_proxy_event(event, request, match, facts);
  return event;
}

}  // namespace emu::apigw
