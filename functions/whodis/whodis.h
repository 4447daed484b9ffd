// whodis: GET /whodis on the implicit API (stage Prod), deployed as a canary.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/handler.h"

namespace functions {

nlohmann::json whodis_handler(const nlohmann::json& event, const lambda_runtime::Context& context);

}  // namespace functions
