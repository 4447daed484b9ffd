#include "emulator/template/api_events.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <span>
#include <string_view>
#include <tuple>

#include "emulator/template/api_auth.h"
#include "emulator/template/property_reader.h"
#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

constexpr std::array<std::string_view, 8> kMethods = {"GET", "POST", "PUT", "DELETE",
                                                      "PATCH", "HEAD", "OPTIONS", "ANY"};

// SAM's Api event properties; the first three are emulated.
constexpr std::array<std::string_view, 7> kApiEventProperties = {
    "Path", "Method", "RestApiId", "Auth", "RequestModel", "RequestParameters", "TimeoutInMillis"};

constexpr std::array<std::string_view, 2> kNotEmulatedApiEventProperties = {"RequestModel",
                                                                            "RequestParameters"};

// SAM's HttpApi event properties (samtranslator's HttpApi event source). Stage only scopes the
// generated invoke permission.
constexpr std::array<std::string_view, 8> kHttpApiEventProperties = {
    "Path", "Method", "ApiId", "Stage", "Auth", "TimeoutInMillis", "RouteSettings",
    "PayloadFormatVersion"};

constexpr std::array<std::string_view, 2> kNotEmulatedHttpApiEventProperties = {"Auth",
                                                                                "RouteSettings"};

// Integration timeouts: "50-29,000 milliseconds" for REST APIs, "50-30,000" for HTTP APIs, the
// maximum being the default (API Gateway developer guide, "Amazon API Gateway quotas").
constexpr int kMinTimeoutMs = 50;
constexpr int kRestTimeoutMs = 29000;
constexpr int kHttpTimeoutMs = 30000;

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

Result<const Node*> events_of(const ResourceDecl& function) {
  const Node* events = function.property("Events");
  if (!events || events->is_null()) return static_cast<const Node*>(nullptr);
  if (!events->is_map() || events->is_intrinsic())
    return template_error(events->where, function.property_path("Events"),
                          "expected a map of event names to events, got " + describe(*events));
  return events;
}

Result<std::string> event_type(const MapEntry& event, const std::string& path, StackScope& scope) {
  if (!event.value.is_map())
    return template_error(event.value.where, path,
                          "expected a map with Type and Properties, got " + describe(event.value));
  const Node* type = event.value.find("Type");
  if (!type) return template_error(event.value.where, path, "every event must have a Type");
  return scope.evaluator().evaluate_string(*type, path + ".Type");
}

Result<std::string> read_method(const Node& properties, const std::string& path, StackScope& scope) {
  const Node* method = properties.find("Method");
  if (!method)
    return template_error(properties.where, path, "an Api event needs a Method (e.g. get)");
  auto text = scope.evaluator().evaluate_string(*method, path + ".Method");
  if (!text) return text.error();
  std::string name = upper(text.value());
  if (name == "X-AMAZON-APIGATEWAY-ANY-METHOD") name = "ANY";
  if (std::find(kMethods.begin(), kMethods.end(), name) == kMethods.end())
    return template_error(method->where, path + ".Method",
                          "expected an HTTP method (get, post, put, delete, patch, head, options "
                          "or any), got " + quote(text.value()));
  return name;
}

Result<std::string> read_path(const Node& properties, const std::string& path, StackScope& scope) {
  const Node* route = properties.find("Path");
  if (!route) return template_error(properties.where, path, "an Api event needs a Path (e.g. /items)");
  auto text = scope.evaluator().evaluate_string(*route, path + ".Path");
  if (!text) return text.error();
  if (!text->starts_with("/"))
    return template_error(route->where, path + ".Path",
                          "a Path must start with '/', got " + quote(text.value()));
  return text;
}

// RestApiId / ApiId must be `!Ref` of an API of the kind the event needs, as SAM requires.
Result<std::string> read_api_reference(const Node& properties, const std::string& path,
                                       StackScope& scope, std::string_view key,
                                       const char* api_type, const char* implicit_id) {
  const Node* reference = properties.find(key);
  if (!reference) return std::string(implicit_id);
  const std::string reference_path = path + "." + std::string(key);
  const Node* target = reference->single_key() == "Ref" ? reference->find("Ref") : nullptr;
  if (!target || !target->is_scalar())
    return template_error(reference->where, reference_path,
                          std::string("expected !Ref of an ") + api_type +
                              " of this template, got " + describe(*reference));
  const ResourceDecl* api = scope.find_resource(target->text);
  if (!api || api->type != api_type)
    return template_error(target->where, reference_path,
                          "'" + target->text + "' is not an " + api_type + " of this template" +
                              (api ? " (it is " + api->type + ")" : ""));
  if (!scope.is_created(api->logical_id))
    return template_error(target->where, reference_path,
                          "the API '" + api->logical_id + "' is not created: its Condition is "
                          "false");
  return api->logical_id;
}

Result<int> read_timeout(const Node& properties, const std::string& path, StackScope& scope,
                         int max_ms) {
  const Node* timeout = properties.find("TimeoutInMillis");
  if (!timeout) return max_ms;
  auto value = scope.evaluator().evaluate_value(*timeout, path + ".TimeoutInMillis");
  if (!value) return value.error();
  return read_int(value.value(), path + ".TimeoutInMillis", kMinTimeoutMs, max_ms);
}

void warn_not_emulated(const Node& properties, std::span<const std::string_view> names,
                       const std::string& path, std::vector<std::string>& warnings) {
  for (std::string_view name : names)
    if (const MapEntry* entry = properties.find_entry(name))
      warnings.push_back(warning_text(entry->key_where, child_path(path, entry->key),
                                      "'" + entry->key + "' is not emulated; it is ignored."));
}

Result<ApiEvent> read_api_event(const MapEntry& event, const std::string& path, StackScope& scope,
                                std::vector<std::string>& warnings) {
  const Node* properties = event.value.find("Properties");
  if (!properties || !properties->is_map())
    return template_error(properties ? properties->where : event.value.where, path + ".Properties",
                          "an Api event needs Properties with Path and Method" +
                              (properties ? ", got " + describe(*properties) : std::string()));
  const std::string properties_path = path + ".Properties";
  warn_unknown_keys(*properties, kApiEventProperties, properties_path, "an Api event", warnings);
  warn_not_emulated(*properties, kNotEmulatedApiEventProperties, properties_path, warnings);
  ApiEvent api_event;
  api_event.name = event.key;
  api_event.where = event.value.where;
  auto route = read_path(*properties, properties_path, scope);
  if (!route) return route.error();
  api_event.path = route.value();
  auto method = read_method(*properties, properties_path, scope);
  if (!method) return method.error();
  api_event.method = method.value();
  auto api = read_api_reference(*properties, properties_path, scope, "RestApiId", kApiType,
                                kImplicitApiId);
  if (!api) return api.error();
  api_event.api = api.value();
  auto timeout = read_timeout(*properties, properties_path, scope, kRestTimeoutMs);
  if (!timeout) return timeout.error();
  api_event.timeout_ms = timeout.value();
  if (const Node* auth = properties->find("Auth")) {
    auto value = scope.evaluator().evaluate_value(*auth, properties_path + ".Auth");
    if (!value) return value.error();
    auto read = read_rest_event_auth(value.value(), properties_path + ".Auth", warnings);
    if (!read) return read.error();
    api_event.auth = std::move(read).value();
  }
  return api_event;
}

// An HttpApi event (SAM: "HttpApi" event source). Without Path and Method it is the API's
// $default route, as SAM's implicit HTTP API plugin makes it; one without the other is SAM's
// error.
Result<ApiEvent> read_http_api_event(const MapEntry& event, const std::string& path,
                                     StackScope& scope, std::vector<std::string>& warnings) {
  static const Node kNoProperties = Node::map({}, SourceLocation{});
  const Node* properties = event.value.find("Properties");
  if (properties && !properties->is_map() && !properties->is_null())
    return template_error(properties->where, path + ".Properties",
                          "expected a map of properties, got " + describe(*properties));
  if (!properties || properties->is_null()) properties = &kNoProperties;
  const std::string properties_path = path + ".Properties";
  warn_unknown_keys(*properties, kHttpApiEventProperties, properties_path, "an HttpApi event",
                    warnings);
  warn_not_emulated(*properties, kNotEmulatedHttpApiEventProperties, properties_path, warnings);
  ApiEvent api_event;
  api_event.name = event.key;
  api_event.kind = ApiKind::kHttp;
  api_event.where = event.value.where;
  api_event.payload_format_version = "2.0";
  const bool has_path = properties->find("Path") != nullptr;
  const bool has_method = properties->find("Method") != nullptr;
  if (has_path != has_method)
    return template_error(properties->where, properties_path + (has_path ? ".Method" : ".Path"),
                          std::string("Property '") + (has_path ? "Method" : "Path") +
                              "' is required when '" + (has_path ? "Path" : "Method") +
                              "' is set (SAM); leave both out for the API's $default route");
  if (has_path) {
    auto route = read_path(*properties, properties_path, scope);
    if (!route) return route.error();
    api_event.path = route.value();
    auto method = read_method(*properties, properties_path, scope);
    if (!method) return method.error();
    api_event.method = method.value();
  } else {
    api_event.path = std::string(kDefaultRoute);
    api_event.method = "ANY";
  }
  auto api = read_api_reference(*properties, properties_path, scope, "ApiId", kHttpApiType,
                                kImplicitHttpApiId);
  if (!api) return api.error();
  api_event.api = api.value();
  auto timeout = read_timeout(*properties, properties_path, scope, kHttpTimeoutMs);
  if (!timeout) return timeout.error();
  api_event.timeout_ms = timeout.value();
  if (const Node* version = properties->find("PayloadFormatVersion")) {
    const std::string version_path = properties_path + ".PayloadFormatVersion";
    auto text = scope.evaluator().evaluate_string(*version, version_path);
    if (!text) return text.error();
    // AWS::ApiGatewayV2::Integration PayloadFormatVersion: "Supported values ... are 1.0 and 2.0".
    if (text.value() != "1.0" && text.value() != "2.0")
      return template_error(version->where, version_path,
                            "expected \"1.0\" or \"2.0\", got " + quote(text.value()) +
                                " (write it as a string: '2.0')");
    api_event.payload_format_version = text.value();
  }
  return api_event;
}

}  // namespace

Result<std::vector<ApiEvent>> read_api_events(const ResourceDecl& function, StackScope& scope,
                                              std::set<std::string>& reported_types,
                                              std::vector<std::string>& warnings) {
  auto events = events_of(function);
  if (!events) return events.error();
  std::vector<ApiEvent> api_events;
  if (!events.value()) return api_events;
  for (const auto& event : events.value()->entries) {
    const std::string path = function.property_path("Events." + event.key);
    auto type = event_type(event, path, scope);
    if (!type) return type.error();
    if (type.value() == "Api" || type.value() == "HttpApi") {
      auto api_event = type.value() == "Api" ? read_api_event(event, path, scope, warnings)
                                             : read_http_api_event(event, path, scope, warnings);
      if (!api_event) return api_event.error();
      api_events.push_back(std::move(api_event.value()));
    } else if (reported_types.insert(type.value()).second) {
      warnings.push_back(warning_text(event.value.where, path,
                                      "event type '" + type.value() + "' is not emulated: the "
                                      "event is kept but never fires (reported once per type)."));
    }
  }
  return api_events;
}

Result<ImplicitApis> needs_implicit_apis(const std::vector<ResourceDecl>& resources,
                                         StackScope& scope) {
  ImplicitApis needed;
  for (const auto& resource : resources) {
    if (resource.type != kFunctionType || !scope.is_created(resource.logical_id)) continue;
    auto events = events_of(resource);
    if (!events) return events.error();
    if (!events.value()) continue;
    for (const auto& event : events.value()->entries) {
      auto type = event_type(event, resource.property_path("Events." + event.key), scope);
      if (!type) return type.error();
      const Node* properties = event.value.find("Properties");
      const bool has_properties = properties && properties->is_map();
      if (type.value() == "Api" && !(has_properties && properties->find("RestApiId")))
        needed.rest = true;
      if (type.value() == "HttpApi" && !(has_properties && properties->find("ApiId")))
        needed.http = true;
    }
  }
  return needed;
}

std::optional<Error> check_unique_routes(const std::vector<FunctionSpec>& functions) {
  std::map<std::tuple<std::string, std::string, std::string>, std::string> routes;
  for (const auto& function : functions) {
    for (const auto& event : function.api_events) {
      const std::string owner = "Resources." + function.logical_id + ".Properties.Events." + event.name;
      const auto [found, added] =
          routes.emplace(std::make_tuple(event.api, event.method, event.path), owner);
      if (!added)
        return template_error(event.where, owner,
                              event.method + " " + event.path + " on the API '" + event.api +
                                  "' is already routed by " + found->second +
                                  "; each method and path of an API can have one function");
    }
  }
  return std::nullopt;
}

}  // namespace emu::tmpl
