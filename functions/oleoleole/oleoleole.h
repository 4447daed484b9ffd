// oleoleole: GET /oleoleole on the explicit OleoleoleApi (stage = Environment), deployed all at
// once behind pre- and post-traffic hooks.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/handler.h"

namespace functions {

nlohmann::json oleoleole_handler(const nlohmann::json& event,
                                 const lambda_runtime::Context& context);

}  // namespace functions
