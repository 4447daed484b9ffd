#include "emulator/template/api_resource.h"

#include <array>
#include <cctype>
#include <string_view>

#include "emulator/template/api_auth.h"
#include "emulator/template/cors_config.h"
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
constexpr std::array<NotEmulated, 9> kNotEmulatedProperties = {{
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


// Name, StageName (`stage_required`: an explicit API must have one), Variables, Cors and
// BinaryMediaTypes, resolved through `evaluate` (a property name -> its value or nullopt).
template <class Evaluate>
std::optional<Error> read_properties(Evaluate evaluate, const std::string& path,
                                     bool stage_required, const SourceLocation& where,
                                     StackScope& scope, ApiSpec& spec,
                                     std::vector<std::string>& warnings) {
  spec.name = scope.pseudo().stack_name;
  auto name = evaluate("Name");
  if (!name) return name.error();
  if (name.value()) {
    auto text = read_string(*name.value(), child_path(path, "Name"));
    if (!text) return text.error();
    spec.name = text.value();
  }
  if (stage_required) {
    auto stage = evaluate("StageName");
    if (!stage) return stage.error();
    if (!stage.value())
      return template_error(where, child_path(path, "StageName"),
                            "StageName is required for an AWS::Serverless::Api (e.g. StageName: "
                            "dev)");
    auto stage_name = read_string(*stage.value(), child_path(path, "StageName"));
    if (!stage_name) return stage_name.error();
    if (!is_stage_name(stage_name.value()))
      return template_error(stage.value()->where, child_path(path, "StageName"),
                            "a stage name must be 1 to 128 letters, digits, '-' or '_', got " +
                                quote(stage_name.value()));
    spec.stage_name = stage_name.value();
  }
  auto variables = evaluate("Variables");
  if (!variables) return variables.error();
  if (variables.value()) {
    auto entries = read_string_map(*variables.value(), child_path(path, "Variables"));
    if (!entries) return entries.error();
    spec.stage_variables = entries.value();
  }
  auto cors = evaluate("Cors");
  if (!cors) return cors.error();
  if (cors.value()) {
    auto config = read_rest_cors(*cors.value(), child_path(path, "Cors"));
    if (!config) return config.error();
    spec.rest_cors = std::move(config).value();
  }
  auto auth = evaluate("Auth");
  if (!auth) return auth.error();
  if (auth.value()) {
    auto config = read_rest_auth(*auth.value(), child_path(path, "Auth"), warnings);
    if (!config) return config.error();
    spec.auth = std::move(config).value();
  }
  auto binary = evaluate("BinaryMediaTypes");
  if (!binary) return binary.error();
  if (binary.value()) {
    auto types = read_string_list(*binary.value(), child_path(path, "BinaryMediaTypes"));
    if (!types) return types.error();
    // SAM writes "~1" for '/' (JSON pointer escaping: "image~1png" is image/png), and the
    // deployed API lists the types with '/' ("AWS::Serverless::Api" > BinaryMediaTypes).
    for (auto& type : types.value()) {
      for (std::size_t at = type.find("~1"); at != std::string::npos; at = type.find("~1", at))
        type.replace(at, 2, "/");
      spec.binary_media_types.push_back(std::move(type));
    }
  }
  return std::nullopt;
}

}  // namespace

bool is_stage_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

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
  auto evaluate = [&](const char* key) { return scope.evaluate_property(api, key); };
  if (auto error = read_properties(evaluate, api.path() + ".Properties", true, api.where, scope,
                                   spec, warnings))
    return *error;
  return spec;
}

Result<ApiSpec> implicit_api(const Node& global_properties, StackScope& scope,
                             const SourceLocation& where, std::vector<std::string>& warnings) {
  ApiSpec spec;
  spec.logical_id = kImplicitApiId;
  spec.stage_name = kImplicitStage;
  spec.api_id = scope.api_id(kImplicitApiId);
  spec.implicit = true;
  spec.where = where;
  auto evaluate = [&](const char* key) -> Result<std::optional<Node>> {
    const Node* value = global_properties.find(key);
    if (!value) return std::optional<Node>();
    return scope.evaluator().evaluate(*value, child_path("Globals.Api", key));
  };
  if (auto error = read_properties(evaluate, "Globals.Api", false, where, scope, spec, warnings))
    return *error;
  return spec;
}

}  // namespace emu::tmpl
