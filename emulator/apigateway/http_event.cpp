#include "emulator/apigateway/http_event.h"

#include <map>
#include <string>
#include <string_view>

#include "emulator/apigateway/binary_media.h"
#include "emulator/apigateway/event_text.h"
#include "emulator/core/ascii.h"
#include "emulator/core/base64.h"
#include "emulator/core/uri.h"
#include "emulator/template/stack.h"

namespace emu::apigw {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using nlohmann::json;

std::string text(std::string_view value) {
  std::string copy(value);
  repair_utf8(copy);
  return copy;
}

void append_joined(std::string& into, std::string_view value) {
  if (!into.empty()) into.push_back(',');
  into.append(value);
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

std::string_view query_of(std::string_view target) {
  const std::size_t question = target.find('?');
  return question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
}

// headers and cookies of a 2.0 event.
void add_headers(json& event, const HttpRequest& request, const RequestFacts& facts) {
  std::map<std::string, std::string> headers;
  json cookies = json::array();
  bool has_trace_id = false;
  for (const auto& field : request) {
    if (dropped_by_api_gateway(field.name())) continue;
    std::string name = ascii::lower(field.name_string());
    if (name == "cookie") {
      std::string_view rest = field.value();
      while (!rest.empty()) {
        const std::size_t end = rest.find(';');
        std::string_view cookie = rest.substr(0, end);
        while (!cookie.empty() && cookie.front() == ' ') cookie.remove_prefix(1);
        if (!cookie.empty()) cookies.push_back(text(cookie));
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
      }
      continue;
    }
    if (name == "x-forwarded-port" || name == "x-forwarded-proto") continue;  // set below
    if (name == "x-amzn-trace-id") has_trace_id = true;
    append_joined(headers[text(name)], text(field.value()));
  }
  // X-Forwarded-For: the client's address appended to what it sent, as for REST APIs.
  std::string& forwarded_for = headers["x-forwarded-for"];
  if (!forwarded_for.empty()) forwarded_for.append(", ");
  forwarded_for.append(facts.source_ip);
  headers["x-forwarded-port"] = std::string(forwarded_port(facts.domain_name));
  headers["x-forwarded-proto"] = "http";
  headers["content-length"] = std::to_string(request.body().size());
  if (!has_trace_id && !facts.trace_id.empty()) headers["x-amzn-trace-id"] = facts.trace_id;
  event["headers"] = std::move(headers);
  if (!cookies.empty()) event["cookies"] = std::move(cookies);
}

void add_query(json& event, std::string_view query) {
  std::map<std::string, std::string> parameters;
  for (const auto& [name, value] : uri::parse_query(query))
    append_joined(parameters[text(name)], text(value));
  if (!parameters.empty()) event["queryStringParameters"] = std::move(parameters);
}

void add_body(json& event, const HttpRequest& request) {
  const std::string& body = request.body();
  event["isBase64Encoded"] = false;
  if (body.empty()) return;
  if (http_request_is_text(request[http::field::content_type])) {
    event["body"] = text(body);
  } else {
    event["body"] = base64::encode(body);
    event["isBase64Encoded"] = true;
  }
}

// An HTTP API passes path parameters decoded, whatever the payload format ("API Gateway decodes
// URL-encoded request parameters before passing them to your backend integration", "Working with
// routes for HTTP APIs").
json decoded_path_parameters(const RouteMatch& match) {
  json parameters = json::object();
  for (const auto& [name, value] : match.path_parameters)
    parameters[name] = text(uri::percent_decode(value, false));
  return parameters;
}

std::string protocol_of(const HttpRequest& request) {
  const unsigned version = request.version();
  return "HTTP/" + std::to_string(version / 10) + "." + std::to_string(version % 10);
}

}  // namespace

nlohmann::json build_http_event(const HttpRequest& request, const RouteMatch& match,
                                const RequestFacts& facts) {
  const Route& route = *match.route;
  const std::string_view target = request.target();
  json event = json::object();
  event["version"] = "2.0";
  event["routeKey"] = route.route_key;
  event["rawPath"] = text(path_of(target));
  event["rawQueryString"] = text(query_of(target));
  add_headers(event, request, facts);
  add_query(event, query_of(target));
  if (!match.path_parameters.empty()) event["pathParameters"] = decoded_path_parameters(match);
  if (!route.stage_variables.empty()) event["stageVariables"] = route.stage_variables;
  add_body(event, request);

  json context = json::object();
  context["accountId"] = tmpl::kAccountId;
  context["apiId"] = route.api_id;
  const std::string domain =
      text(facts.domain_name.empty() ? std::string_view("localhost") : facts.domain_name);
  context["domainName"] = domain;
  context["domainPrefix"] = std::string(domain_prefix(domain));
  const auto user_agent = request.find(http::field::user_agent);
  context["http"] = {
      {"method", std::string(request.method_string())},
      {"path", event["rawPath"]},
      {"protocol", protocol_of(request)},
      {"sourceIp", facts.source_ip},
      {"userAgent", user_agent == request.end() ? std::string() : text(user_agent->value())}};
  context["requestId"] = facts.extended_request_id;
  context["routeKey"] = route.route_key;
  context["stage"] = route.stage;
  context["time"] = format_request_time(facts.epoch_ms);
  context["timeEpoch"] = facts.epoch_ms;
  event["requestContext"] = std::move(context);
  return event;
}

nlohmann::json build_http_v1_event(const HttpRequest& request, const RouteMatch& match,
                                   const RequestFacts& facts) {
  const Route& route = *match.route;
  json event = build_proxy_event(request, match, facts);
  const std::string full_path = text(path_of(request.target()));
  event["version"] = "1.0";
  event["path"] = full_path;
  event["resource"] = route.resource_path;
  const std::string content_length = std::to_string(request.body().size());
  event["headers"]["Content-Length"] = content_length;
  event["multiValueHeaders"]["Content-Length"] = json::array({content_length});
  json& context = event["requestContext"];
  context.erase("deploymentId");
  context["identity"]["cognitoAmr"] = nullptr;
  context["requestId"] = facts.extended_request_id;
  context["resourceId"] = route.route_key;
  context["path"] = full_path;
  if (!match.path_parameters.empty()) event["pathParameters"] = decoded_path_parameters(match);
  return event;
}

}  // namespace emu::apigw
