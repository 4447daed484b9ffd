// AWS::CodeDeploy::DeploymentConfig with ComputePlatform Lambda (AWS CloudFormation User Guide,
// "AWS::CodeDeploy::DeploymentConfig" and its "TrafficRoutingConfig"): a custom traffic shift.
#pragma once

#include "emulator/core/result.h"
#include "emulator/template/resources.h"
#include "emulator/template/stack.h"
#include "emulator/template/stack_scope.h"

namespace emu::tmpl {

// True when `config` is an AWS::CodeDeploy::DeploymentConfig whose ComputePlatform is written as
// "Lambda" (configs for EC2/ECS are not emulated).
bool is_lambda_deployment_config(const ResourceDecl& config);

// Reads the name (DeploymentConfigName, or a generated one) and TrafficRoutingConfig:
// TimeBasedCanary {CanaryPercentage, CanaryInterval}, TimeBasedLinear {LinearPercentage,
// LinearInterval} or AllAtOnce (also when TrafficRoutingConfig is absent).
Result<DeploymentConfigSpec> read_deployment_config(const ResourceDecl& config, StackScope& scope);

}  // namespace emu::tmpl
