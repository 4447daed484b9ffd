#include "emulator/template/globals.h"

#include <array>
#include <string_view>
#include <vector>

#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

// SAM documentation, "Globals section of the AWS SAM template": "Supported resources and
// properties".
constexpr std::array<std::string_view, 30> kFunctionGlobals = {
    "Handler", "Runtime", "CodeUri", "DeadLetterQueue", "Description", "MemorySize", "Timeout",
    "VpcConfig", "Environment", "Tags", "Tracing", "KmsKeyArn", "Layers", "AutoPublishAlias",
    "DeploymentPreference", "PermissionsBoundary", "ReservedConcurrentExecutions",
    "ProvisionedConcurrencyConfig", "AssumeRolePolicyDocument", "EventInvokeConfig",
    "Architectures", "EphemeralStorage", "SnapStart", "RuntimeManagementConfig", "LoggingConfig",
    "RecursiveLoop", "SourceKMSKeyArn", "FunctionUrlConfig", "AutoPublishAliasAllProperties",
    "PropagateTags"};

constexpr std::array<std::string_view, 19> kApiGlobals = {
    "Auth", "Name", "DefinitionUri", "CacheClusterEnabled", "CacheClusterSize", "Variables",
    "EndpointConfiguration", "MethodSettings", "BinaryMediaTypes", "MinimumCompressionSize", "Cors",
    "GatewayResponses", "AccessLogSetting", "CanarySetting", "TracingEnabled", "OpenApiVersion",
    "Domain", "AlwaysDeploy", "PropagateTags"};

// samtranslator's plugins/globals/globals.py: what Globals.HttpApi may hold.
constexpr std::array<std::string_view, 10> kHttpApiGlobals = {
    "Auth", "AccessLogSettings", "StageVariables", "Tags", "CorsConfiguration",
    "DefaultRouteSettings", "Domain", "RouteSettings", "FailOnWarnings", "PropagateTags"};

// Sections SAM accepts whose resources the emulator does not run.
constexpr std::array<std::string_view, 3> kIgnoredSections = {"SimpleTable", "LayerVersion",
                                                              "StateMachine"};

template <std::size_t N>
std::string bracketed(const std::array<std::string_view, N>& names) {
  std::string text = "[";
  for (std::string_view name : names) text.append(text.size() > 1 ? ", " : "").append(name);
  return text + "]";
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::string_view known : names)
    if (known == name) return true;
  return false;
}

template <std::size_t N>
Result<Node> read_section(const MapEntry& section, const std::array<std::string_view, N>& supported) {
  const std::string path = "Globals." + section.key;
  if (!section.value.is_map())
    return template_error(section.value.where, path,
                          "expected a map of properties, got " + describe(section.value));
  for (const auto& property : section.value.entries)
    if (!contains(supported, property.key))
      return template_error(property.key_where, child_path(path, property.key),
                            "'" + property.key + "' is not a supported property of '" +
                                section.key + "'. Must be one of the following values - " +
                                bracketed(supported));
  return section.value;
}

Node merge_maps(const Node& global, const Node& resource) {
  Node merged = global;
  merged.where = resource.where;
  for (const auto& entry : resource.entries) {
    if (Node* existing = merged.find(entry.key))
      *existing = merge_globals(*existing, entry.value);
    else
      merged.entries.push_back(entry);
  }
  return merged;
}

}  // namespace

Result<Globals> read_globals(const Node* section) {
  Globals globals;
  if (!section || section->is_null()) return globals;
  if (!section->is_map())
    return template_error(section->where, "Globals",
                          "expected a map of resource types, got " + describe(*section));
  for (const auto& entry : section->entries) {
    if (entry.key == "Function" || entry.key == "Api" || entry.key == "HttpApi") {
      auto properties = entry.key == "Function" ? read_section(entry, kFunctionGlobals)
                        : entry.key == "Api"    ? read_section(entry, kApiGlobals)
                                                : read_section(entry, kHttpApiGlobals);
      if (!properties) return properties.error();
      (entry.key == "Function" ? globals.function
       : entry.key == "Api"    ? globals.api
                               : globals.http_api) = std::move(properties.value());
    } else if (!contains(kIgnoredSections, entry.key)) {
      return template_error(entry.key_where, "Globals." + entry.key,
                            "'" + entry.key + "' is not supported. Must be one of the following "
                            "values - [Function, Api, HttpApi, SimpleTable, LayerVersion, "
                            "StateMachine]");
    }
  }
  return globals;
}

Node merge_globals(const Node& global, const Node& resource) {
  const bool plain_maps = global.is_map() && resource.is_map() && !global.is_intrinsic() &&
                          !resource.is_intrinsic();
  if (plain_maps) return merge_maps(global, resource);
  if (global.is_sequence() && resource.is_sequence()) {
    Node merged = global;
    merged.where = resource.where;
    merged.items.insert(merged.items.end(), resource.items.begin(), resource.items.end());
    return merged;
  }
  return resource;
}

}  // namespace emu::tmpl
