#include "emulator/template/deployment_config_resource.h"

#include "emulator/template/property_reader.h"
#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

constexpr int kMaxIntervalMinutes = 2880;  // CodeDeploy: traffic shifts within two days

struct StepNames {
  const char* section;
  const char* percentage;
  const char* interval;
};

std::optional<Error> read_steps(const Node& routing, const std::string& path, StepNames names,
                                DeploymentConfigSpec& spec) {
  const std::string section_path = child_path(path, names.section);
  const Node* section = routing.find(names.section);
  if (!section)
    return template_error(routing.where, section_path,
                          std::string("a ") + routing.find("Type")->text + " config needs " +
                              names.section + " with " + names.percentage + " and " +
                              names.interval);
  if (auto error = expect_map(*section, section_path)) return error;
  for (const char* key : {names.percentage, names.interval}) {
    const Node* value = section->find(key);
    if (!value)
      return template_error(section->where, child_path(section_path, key), std::string(key) +
                                                                               " is required");
    const bool is_percentage = key == names.percentage;
    auto number = read_int(*value, child_path(section_path, key), 1,
                           is_percentage ? 99 : kMaxIntervalMinutes);
    if (!number) return number.error();
    (is_percentage ? spec.percentage : spec.interval_minutes) = number.value();
  }
  return std::nullopt;
}

std::optional<Error> read_routing(const Node& routing, const std::string& path,
                                  DeploymentConfigSpec& spec) {
  if (auto error = expect_map(routing, path)) return error;
  const Node* type = routing.find("Type");
  if (!type) return template_error(routing.where, path + ".Type", "Type is required");
  auto name = read_string(*type, path + ".Type");
  if (!name) return name.error();
  if (name.value() == "AllAtOnce") {
    spec.kind = DeploymentConfigSpec::Kind::kAllAtOnce;
    return std::nullopt;
  }
  if (name.value() == "TimeBasedCanary") {
    spec.kind = DeploymentConfigSpec::Kind::kCanary;
    return read_steps(routing, path, {"TimeBasedCanary", "CanaryPercentage", "CanaryInterval"}, spec);
  }
  if (name.value() == "TimeBasedLinear") {
    spec.kind = DeploymentConfigSpec::Kind::kLinear;
    return read_steps(routing, path, {"TimeBasedLinear", "LinearPercentage", "LinearInterval"}, spec);
  }
  return template_error(type->where, path + ".Type",
                        "expected TimeBasedCanary, TimeBasedLinear or AllAtOnce, got " +
                            quote(name.value()));
}

}  // namespace

bool is_lambda_deployment_config(const ResourceDecl& config) {
  if (config.type != kDeploymentConfigType) return false;
  const Node* platform = config.property("ComputePlatform");
  return platform && platform->is_scalar() && platform->text == "Lambda";
}

Result<DeploymentConfigSpec> read_deployment_config(const ResourceDecl& config, StackScope& scope) {
  DeploymentConfigSpec spec;
  spec.logical_id = config.logical_id;
  spec.where = config.where;
  auto name = scope.deployment_config_name(config);
  if (!name) return name.error();
  spec.name = name.value();
  auto routing = scope.evaluate_property(config, "TrafficRoutingConfig");
  if (!routing) return routing.error();
  if (routing.value())
    if (auto error = read_routing(*routing.value(), config.property_path("TrafficRoutingConfig"), spec))
      return *error;
  return spec;
}

}  // namespace emu::tmpl
