// DeploymentConfig: how CodeDeploy shifts a Lambda alias's traffic to the new version (CodeDeploy
// user guide, "Deployment configurations on an AWS Lambda compute platform"): all at once, a
// canary (a first share, the rest after an interval) or linear (equal shares at each interval).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "emulator/template/stack.h"

namespace emu::codedeploy {

// At `at` after AllowTraffic starts, the new version gets `weight` of the alias's traffic.
struct TrafficStep {
  std::chrono::milliseconds at;
  double weight;  // 0..1; the last step of every timeline is 1.0
};

struct DeploymentConfig {
  enum class Kind { kAllAtOnce, kCanary, kLinear };
  std::string name;        // "CodeDeployDefault.LambdaCanary10Percent5Minutes" or a custom name
  Kind kind = Kind::kAllAtOnce;
  int percentage = 0;      // canary: the first step; linear: each step
  int interval_minutes = 0;
  bool predefined = true;

  std::vector<TrafficStep> timeline() const;
  std::string type_name() const;  // "AllAtOnce", "TimeBasedCanary", "TimeBasedLinear"
};

// The nine predefined Lambda configurations, in CodeDeploy's order.
const std::vector<DeploymentConfig>& predefined_configs();

// The configuration a SAM DeploymentPreference.Type names: a predefined SAM type
// ("Canary10Percent5Minutes" -> CodeDeployDefault.LambdaCanary10Percent5Minutes), a CodeDeploy
// name, or the name of a custom AWS::CodeDeploy::DeploymentConfig in the stack.
std::optional<DeploymentConfig> find_config(const tmpl::Stack& stack, const std::string& type);

// Every configuration that exists for `stack`: predefined then custom.
std::vector<DeploymentConfig> all_configs(const tmpl::Stack& stack);

}  // namespace emu::codedeploy
