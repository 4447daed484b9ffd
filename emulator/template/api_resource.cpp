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

Result<ApiSpec> read_api(const ResourceDecl& api, StackScope& scope,
                         std::vector<std::string>& warnings) {
  warn_unknown_keys(api.properties, kApiProperties, api.path() + ".Properties", kApiType, warnings);
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
