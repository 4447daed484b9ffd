#include "emulator/template/api_resource.h"

#include <array>
#include <cctype>
#include <string_view>

#include "emulator/template/property_reader.h"
#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

// SAM documentation, "AWS::Serverless::Api": every property it lists.
constexpr std::array<std::string_view, 30> kApiProperties = {
    "AccessLogSetting", "AlwaysDeploy", "ApiKeySourceType", "Auth", "BinaryMediaTypes",
    "CacheClusterEnabled", "CacheClusterSize", "CanarySetting", "Cors", "DefinitionBody",
    "DefinitionUri", "Description", "DisableExecuteApiEndpoint", "Domain", "EndpointConfiguration",
    "FailOnWarnings", "GatewayResponses", "MergeDefinitions", "MethodSettings",
    "MinimumCompressionSize", "Mode", "Models", "Name", "OpenApiVersion", "Policy", "PropagateTags",
    "StageName", "Tags", "TracingEnabled", "Variables"};

constexpr const char* kImplicitStage = "Prod";

struct NotEmulated {
  std::string_view property;
  std::string_view here;  // what a request gets here instead of what AWS would do
};

// The properties a user relies on for how requests are answered (SAM documentation,
// "AWS::Serverless::Api"), with what the emulator does instead.
constexpr std::array<NotEmulated, 12> kNotEmulatedProperties = {{
    {"Cors", "no CORS headers are added and no preflight OPTIONS method is answered, so a browser "
             "page of another origin that works against AWS fails here"},
    {"Auth", "every route is open: no authorizer, API key or IAM check refuses a request"},
    {"BinaryMediaTypes", "the list is not read: a request body is base64-encoded when its "
                         "Content-Type is not textual (or it is not UTF-8), whatever the list "
                         "says, where AWS base64-encodes exactly the listed types"},
    {"GatewayResponses", "gateway errors keep API Gateway's default status, headers and bodies"},
    {"Models", "request bodies are not validated"},
    {"DefinitionBody", "the OpenAPI definition is not read: only the functions' Api events are "
                       "routes"},
    {"DefinitionUri", "the OpenAPI definition is not read: only the functions' Api events are "
                      "routes"},
    {"Domain", "the custom domain is not served; use the local URLs printed at start"},
    {"CanarySetting", "the stage has no canary: every request goes to the stage's deployment"},
    {"MethodSettings", "throttling, caching and logging settings are not applied"},
    {"Policy", "the resource policy is not applied: every caller is allowed"},
    {"MinimumCompressionSize", "responses are never compressed"},
}};

// API Gateway: "Stage names can only contain alphanumeric characters, hyphens, and underscores",
// at most 128 characters.
bool is_stage_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

std::optional<Error> read_stage(const ResourceDecl& api, StackScope& scope, ApiSpec& spec) {
  auto stage = scope.evaluate_property(api, "StageName");
  if (!stage) return stage.error();
  if (!stage.value())
    return template_error(api.where, api.property_path("StageName"),
                          "StageName is required for an AWS::Serverless::Api (e.g. StageName: "
                          "dev)");
  auto name = read_string(*stage.value(), api.property_path("StageName"));
  if (!name) return name.error();
  if (!is_stage_name(name.value()))
    return template_error(stage.value()->where, api.property_path("StageName"),
                          "a stage name must be 1 to 128 letters, digits, '-' or '_', got " +
                              quote(name.value()));
  spec.stage_name = name.value();
  return std::nullopt;
}

}  // namespace

void warn_not_emulated_api_properties(const Node& properties, const std::string& path,
                                      std::vector<std::string>& warnings) {
  if (!properties.is_map()) return;
  for (const auto& [property, here] : kNotEmulatedProperties)
    if (const MapEntry* entry = properties.find_entry(property))
      warnings.push_back(warning_text(entry->key_where, child_path(path, entry->key),
                                      "'" + entry->key + "' is not emulated yet: " +
                                          std::string(here) + " (docs/api-gateway.md)."));
}

Result<ApiSpec> read_api(const ResourceDecl& api, StackScope& scope,
                         std::vector<std::string>& warnings) {
  warn_unknown_keys(api.properties, kApiProperties, api.path() + ".Properties", kApiType, warnings);
  warn_not_emulated_api_properties(api.properties, api.path() + ".Properties", warnings);
  ApiSpec spec;
  spec.logical_id = api.logical_id;
  spec.api_id = scope.api_id(api.logical_id);
  spec.where = api.where;
  spec.name = scope.pseudo().stack_name;
  auto name = scope.evaluate_property(api, "Name");
  if (!name) return name.error();
  if (name.value()) {
    auto text = read_string(*name.value(), api.property_path("Name"));
    if (!text) return text.error();
    spec.name = text.value();
  }
  if (auto error = read_stage(api, scope, spec)) return *error;
  auto variables = scope.evaluate_property(api, "Variables");
  if (!variables) return variables.error();
  if (variables.value()) {
    auto entries = read_string_map(*variables.value(), api.property_path("Variables"));
    if (!entries) return entries.error();
    spec.stage_variables = entries.value();
  }
  return spec;
}

ApiSpec implicit_api(StackScope& scope, const SourceLocation& where) {
  ApiSpec spec;
  spec.logical_id = kImplicitApiId;
  spec.name = scope.pseudo().stack_name;
  spec.stage_name = kImplicitStage;
  spec.api_id = scope.api_id(kImplicitApiId);
  spec.implicit = true;
  spec.where = where;
  return spec;
}

}  // namespace emu::tmpl
