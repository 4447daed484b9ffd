// The response both demo functions (whodis, oleoleole) give: a proxy response whose body is
// {"message": <message>, "version": <APP_VERSION>, "location": <caller's IP>}.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "runtime/handler.h"

namespace functions {

// location: when env CHECKIP_URL is set, the trimmed body of a GET to it (2 s timeout), as the
// original Python app asked a public check-IP service; a failure there fails the invocation.
// Otherwise requestContext.identity.sourceIp of the event.
nlohmann::json greeting_response(std::string_view message, const nlohmann::json& event,
                                 const lambda_runtime::Context& context);

}  // namespace functions
