// The emulator's status as `emulator watch` and the console read it (GET /emulator/status; the
// shape is documented in control_api.h): deployments, and each alias's weights and observed split.
#pragma once

#include <nlohmann/json.hpp>

#include "emulator/codedeploy/deployment_engine.h"
#include "emulator/lambda/lambda_service.h"

namespace emu::control {

// One deployment as the status shows it.
nlohmann::json deployment_status(const codedeploy::Deployment& deployment);
// The whole status; `time_scale` is shown in it.
nlohmann::json status_report(codedeploy::DeploymentEngine& engine, lambda::LambdaService& lambda,
                             double time_scale);

}  // namespace emu::control
