#include "emulator/template/http_api_resource.h"

#include <array>
#include <string_view>

#include "emulator/template/api_resource.h"
#include "emulator/template/cors_config.h"
#include "emulator/template/property_reader.h"
#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

// SAM documentation, "AWS::Serverless::HttpApi": every property it lists.
constexpr std::array<std::string_view, 16> kHttpApiProperties = {
    "AccessLogSettings", "Auth", "CorsConfiguration", "DefaultRouteSettings", "DefinitionBody",
    "DefinitionUri", "Description", "DisableExecuteApiEndpoint", "Domain", "FailOnWarnings",
    "Name", "PropagateTags", "RouteSettings", "StageName", "StageVariables", "Tags"};

struct NotEmulated {
  std::string_view property;
  std::string_view here;  // what a request gets here instead of what AWS would do
};

constexpr std::array<NotEmulated, 6> kNotEmulatedProperties = {{
    {"Auth", "every route is open: no authorizer refuses a request"},
    {"DefinitionBody", "the OpenAPI definition is not read: only the functions' HttpApi events "
                       "are routes"},
    {"DefinitionUri", "the OpenAPI definition is not read: only the functions' HttpApi events "
                      "are routes"},
    {"Domain", "the custom domain is not served; use the local URLs printed at start"},
    {"DefaultRouteSettings", "throttling limits are not applied"},
    {"RouteSettings", "throttling limits are not applied"},
}};

void warn_not_emulated(const Node& properties, const std::string& path,
                       std::vector<std::string>& warnings) {
  if (!properties.is_map()) return;
  for (const auto& [property, here] : kNotEmulatedProperties)
    if (const MapEntry* entry = properties.find_entry(property))
      warnings.push_back(warning_text(entry->key_where, child_path(path, entry->key),
                                      "'" + entry->key + "' is not emulated yet: " +
                                          std::string(here) + " (docs/api-gateway.md)."));
}

// AWS::ApiGatewayV2::Stage StageName: "$default", or a stage name as REST APIs take it.
bool is_http_stage_name(const std::string& name) {
  return name == kDefaultStage || is_stage_name(name);
}

// Everything but the logical id, the id and `implicit`, from `properties` (resolved through
// `evaluate`: a property name -> its value or nullopt).
template <class Evaluate>
std::optional<Error> read_properties(Evaluate evaluate, const std::string& path,
                                     StackScope& scope, ApiSpec& spec) {
  spec.kind = ApiKind::kHttp;
  spec.name = scope.pseudo().stack_name;
  spec.stage_name = kDefaultStage;
  auto name = evaluate("Name");
  if (!name) return name.error();
  if (name.value()) {
    auto text = read_string(*name.value(), child_path(path, "Name"));
    if (!text) return text.error();
    spec.name = text.value();
  }
  auto stage = evaluate("StageName");
  if (!stage) return stage.error();
  if (stage.value()) {
    auto text = read_string(*stage.value(), child_path(path, "StageName"));
    if (!text) return text.error();
    if (!is_http_stage_name(text.value()))
      return template_error(stage.value()->where, child_path(path, "StageName"),
                            "a stage name must be $default or 1 to 128 letters, digits, '-' or "
                            "'_', got " + quote(text.value()));
    spec.stage_name = text.value();
  }
  auto variables = evaluate("StageVariables");
  if (!variables) return variables.error();
  if (variables.value()) {
    auto entries = read_string_map(*variables.value(), child_path(path, "StageVariables"));
    if (!entries) return entries.error();
    spec.stage_variables = entries.value();
  }
  auto cors = evaluate("CorsConfiguration");
  if (!cors) return cors.error();
  if (cors.value()) {
    auto config = read_http_cors(*cors.value(), child_path(path, "CorsConfiguration"));
    if (!config) return config.error();
    spec.http_cors = std::move(config).value();
  }
  return std::nullopt;
}

}  // namespace

Result<ApiSpec> read_http_api(const ResourceDecl& api, StackScope& scope,
                              std::vector<std::string>& warnings) {
  const std::string path = api.path() + ".Properties";
  warn_unknown_keys(api.properties, kHttpApiProperties, path, kHttpApiType, warnings);
  warn_not_emulated(api.properties, path, warnings);
  ApiSpec spec;
  spec.logical_id = api.logical_id;
  spec.api_id = scope.api_id(api.logical_id);
  spec.where = api.where;
  auto evaluate = [&](const char* key) { return scope.evaluate_property(api, key); };
  if (auto error = read_properties(evaluate, path, scope, spec)) return *error;
  return spec;
}

Result<ApiSpec> implicit_http_api(const Node& global_properties, StackScope& scope,
                                  const SourceLocation& where, std::vector<std::string>& warnings) {
  const std::string path = "Globals.HttpApi";
  warn_not_emulated(global_properties, path, warnings);
  ApiSpec spec;
  spec.logical_id = kImplicitHttpApiId;
  spec.api_id = scope.api_id(kImplicitHttpApiId);
  spec.implicit = true;
  spec.where = where;
  auto evaluate = [&](const char* key) -> Result<std::optional<Node>> {
    const Node* value = global_properties.find(key);
    if (!value) return std::optional<Node>();
    return scope.evaluator().evaluate(*value, child_path(path, key));
  };
  if (auto error = read_properties(evaluate, path, scope, spec)) return *error;
  return spec;
}

}  // namespace emu::tmpl
