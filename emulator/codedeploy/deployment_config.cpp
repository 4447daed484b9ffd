#include "emulator/codedeploy/deployment_config.h"

namespace emu::codedeploy {
namespace {

using std::chrono::minutes;

DeploymentConfig make(const char* name, DeploymentConfig::Kind kind, int percentage,
                      int interval) {
  return DeploymentConfig{name, kind, percentage, interval, true};
}

// SAM type -> CodeDeploy name: "Canary10Percent5Minutes" -> "CodeDeployDefault.Lambda..."
constexpr const char* kLambdaPrefix = "CodeDeployDefault.Lambda";

}  // namespace

std::vector<TrafficStep> DeploymentConfig::timeline() const {
  std::vector<TrafficStep> steps;
  auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(minutes(interval_minutes));
  if (kind == Kind::kAllAtOnce || percentage <= 0 || percentage >= 100) {
    steps.push_back({std::chrono::milliseconds(0), 1.0});
  } else if (kind == Kind::kCanary) {
    steps.push_back({std::chrono::milliseconds(0), percentage / 100.0});
    steps.push_back({interval, 1.0});
  } else {
    // Linear: +percentage at the start and after each interval until everything has moved.
    int share = percentage;
    for (int i = 0; share < 100; ++i, share += percentage)
      steps.push_back({interval * i, share / 100.0});
    steps.push_back({interval * static_cast<int>(steps.size()), 1.0});
  }
  return steps;
}

std::string DeploymentConfig::type_name() const {
  switch (kind) {
    case Kind::kCanary: return "TimeBasedCanary";
    case Kind::kLinear: return "TimeBasedLinear";
    case Kind::kAllAtOnce: break;
  }
  return "AllAtOnce";
}

const std::vector<DeploymentConfig>& predefined_configs() {
  using enum DeploymentConfig::Kind;
  static const std::vector<DeploymentConfig> configs = {
      make("CodeDeployDefault.LambdaAllAtOnce", kAllAtOnce, 0, 0),
      make("CodeDeployDefault.LambdaCanary10Percent5Minutes", kCanary, 10, 5),
      make("CodeDeployDefault.LambdaCanary10Percent10Minutes", kCanary, 10, 10),
      make("CodeDeployDefault.LambdaCanary10Percent15Minutes", kCanary, 10, 15),
      make("CodeDeployDefault.LambdaCanary10Percent30Minutes", kCanary, 10, 30),
      make("CodeDeployDefault.LambdaLinear10PercentEvery1Minute", kLinear, 10, 1),
      make("CodeDeployDefault.LambdaLinear10PercentEvery2Minutes", kLinear, 10, 2),
      make("CodeDeployDefault.LambdaLinear10PercentEvery3Minutes", kLinear, 10, 3),
      make("CodeDeployDefault.LambdaLinear10PercentEvery10Minutes", kLinear, 10, 10),
  };
  return configs;
}

std::vector<DeploymentConfig> all_configs(const tmpl::Stack& stack) {
  auto configs = predefined_configs();
  for (const auto& custom : stack.deployment_configs) {
    DeploymentConfig config;
    config.name = custom.name;
    config.predefined = false;
    config.percentage = custom.percentage;
    config.interval_minutes = custom.interval_minutes;
    using SpecKind = tmpl::DeploymentConfigSpec::Kind;
    config.kind = custom.kind == SpecKind::kCanary   ? DeploymentConfig::Kind::kCanary
                  : custom.kind == SpecKind::kLinear ? DeploymentConfig::Kind::kLinear
                                                     : DeploymentConfig::Kind::kAllAtOnce;
    configs.push_back(config);
  }
  return configs;
}

std::optional<DeploymentConfig> find_config(const tmpl::Stack& stack, const std::string& type) {
  std::string codedeploy_name = std::string(kLambdaPrefix) + type;
  for (const auto& config : all_configs(stack)) {
    if (config.name == type || (config.predefined && config.name == codedeploy_name))
      return config;
  }
  for (const auto& custom : stack.deployment_configs)  // referenced by logical id
    if (custom.logical_id == type) return find_config(stack, custom.name);
  return std::nullopt;
}

}  // namespace emu::codedeploy
