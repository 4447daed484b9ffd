#include "emulator/lambda/api/lambda_shapes.h"

namespace emu::lambda {

nlohmann::json function_configuration(const LambdaFunction& function,
                                      const FunctionVersion& version, bool qualified_arn) {
  bool latest = version.version == "$LATEST";
  nlohmann::json variables = nlohmann::json::object();
  for (const auto& [name, value] : version.environment) variables[name] = value;
  nlohmann::json configuration = {
      {"FunctionName", function.name},
      {"FunctionArn", latest && !qualified_arn ? function.arn
                                               : function.qualified_arn(version.version)},
      {"Runtime", version.runtime},
      {"Role", version.role},
      {"Handler", version.handler_name},
      {"CodeSize", version.code_size},
      {"Description", version.description},
      {"Timeout", version.timeout_seconds},
      {"MemorySize", version.memory_mb},
      {"LastModified", version.last_modified},
      {"CodeSha256", version.code_sha256},
      {"Version", version.version},
      {"TracingConfig", {{"Mode", "PassThrough"}}},
      {"RevisionId", version.revision_id},
      {"State", "Active"},
      {"LastUpdateStatus", "Successful"},
      {"PackageType", "Zip"},
      {"Architectures", version.architectures.empty()
                            ? nlohmann::json::array({"x86_64"})
                            : nlohmann::json(version.architectures)},
      {"EphemeralStorage", {{"Size", 512}}},
      {"SnapStart", {{"ApplyOn", "None"}, {"OptimizationStatus", "Off"}}},
      {"LoggingConfig",
       {{"LogFormat", "Text"}, {"LogGroup", "/aws/lambda/" + function.name}}},
  };
  if (!variables.empty()) configuration["Environment"] = {{"Variables", variables}};
  return configuration;
}

nlohmann::json alias_configuration(const LambdaFunction& function, const Alias& alias) {
  nlohmann::json configuration = {
      {"AliasArn", function.qualified_arn(alias.name)},
      {"Name", alias.name},
      {"FunctionVersion", alias.function_version},
      {"Description", alias.description},
      {"RevisionId", alias.revision_id},
  };
  if (!alias.additional_weights.empty()) {
    nlohmann::json weights = nlohmann::json::object();
    for (const auto& [version, weight] : alias.additional_weights) weights[version] = weight;
    configuration["RoutingConfig"] = {{"AdditionalVersionWeights", weights}};
  }
  return configuration;
}

}  // namespace emu::lambda
