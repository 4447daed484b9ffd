#include "emulator/template/api_events.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <string_view>
#include <tuple>

#include "emulator/template/property_reader.h"
#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

constexpr std::array<std::string_view, 8> kMethods = {"GET", "POST", "PUT", "DELETE",
                                                      "PATCH", "HEAD", "OPTIONS", "ANY"};

// SAM's Api event properties; the first three are emulated.
constexpr std::array<std::string_view, 7> kApiEventProperties = {
    "Path", "Method", "RestApiId", "Auth", "RequestModel", "RequestParameters", "TimeoutInMillis"};

constexpr std::array<std::string_view, 3> kNotEmulatedApiEventProperties = {
    "Auth", "RequestModel", "RequestParameters"};

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

// RestApiId must be `!Ref` of an AWS::Serverless::Api of this template, as SAM requires.
Result<std::string> read_rest_api(const Node& properties, const std::string& path,
                                  StackScope& scope) {
  const Node* rest_api = properties.find("RestApiId");
  if (!rest_api) return std::string(kImplicitApiId);
  const std::string rest_path = path + ".RestApiId";
  const Node* target = rest_api->single_key() == "Ref" ? rest_api->find("Ref") : nullptr;
  if (!target || !target->is_scalar())
    return template_error(rest_api->where, rest_path,
                          "expected !Ref of an AWS::Serverless::Api of this template, got " +
                              describe(*rest_api));
  const ResourceDecl* api = scope.find_resource(target->text);
  if (!api || api->type != kApiType)
    return template_error(target->where, rest_path,
                          "'" + target->text + "' is not an AWS::Serverless::Api of this template" +
                              (api ? " (it is " + api->type + ")" : ""));
  if (!scope.is_created(api->logical_id))
    return template_error(target->where, rest_path,
                          "the API '" + api->logical_id + "' is not created: its Condition is "
                          "false");
  return api->logical_id;
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
  for (std::string_view name : kNotEmulatedApiEventProperties)
    if (const MapEntry* entry = properties->find_entry(name))
      warnings.push_back(warning_text(entry->key_where, child_path(properties_path, entry->key),
                                      "'" + entry->key + "' is not emulated; it is ignored."));
  auto route = read_path(*properties, properties_path, scope);
  if (!route) return route.error();
  auto method = read_method(*properties, properties_path, scope);
  if (!method) return method.error();
  auto rest_api = read_rest_api(*properties, properties_path, scope);
  if (!rest_api) return rest_api.error();
  return ApiEvent{event.key, route.value(), method.value(), rest_api.value(), event.value.where};
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
    if (type.value() == "Api") {
      auto api_event = read_api_event(event, path, scope, warnings);
      if (!api_event) return api_event.error();
      api_events.push_back(std::move(api_event.value()));
    } else if (reported_types.insert(type.value()).second) {
      const bool http_api = type.value() == "HttpApi";
      warnings.push_back(warning_text(
          event.value.where, path,
          http_api ? "event type 'HttpApi' (a route of an API Gateway HTTP API) is not emulated "
                     "yet: no route is served for it, so a request to its path gets API "
                     "Gateway's 403 Missing Authentication Token; only Api (REST API) events "
                     "are routes here (reported once per type; docs/api-gateway.md)."
                   : "event type '" + type.value() + "' is not emulated: the event is kept but "
                     "never fires (reported once per type)."));
    }
  }
  return api_events;
}

Result<bool> needs_implicit_api(const std::vector<ResourceDecl>& resources, StackScope& scope) {
  for (const auto& resource : resources) {
    if (resource.type != kFunctionType || !scope.is_created(resource.logical_id)) continue;
    auto events = events_of(resource);
    if (!events) return events.error();
    if (!events.value()) continue;
    for (const auto& event : events.value()->entries) {
      auto type = event_type(event, resource.property_path("Events." + event.key), scope);
      if (!type) return type.error();
      const Node* properties = event.value.find("Properties");
      if (type.value() == "Api" && (!properties || !properties->find("RestApiId"))) return true;
    }
  }
  return false;
}

std::optional<Error> check_unique_routes(const std::vector<FunctionSpec>& functions) {
  std::map<std::tuple<std::string, std::string, std::string>, std::string> routes;
  for (const auto& function : functions) {
    for (const auto& event : function.api_events) {
      const std::string owner = "Resources." + function.logical_id + ".Properties.Events." + event.name;
      const auto [found, added] =
          routes.emplace(std::make_tuple(event.rest_api, event.method, event.path), owner);
      if (!added)
        return template_error(event.where, owner,
                              event.method + " " + event.path + " on the API '" + event.rest_api +
                                  "' is already routed by " + found->second +
                                  "; each method and path of an API can have one function");
    }
  }
  return std::nullopt;
}

}  // namespace emu::tmpl
