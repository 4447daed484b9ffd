// Built-in functions that misbehave on purpose, so a user (and our tests) can see exactly how
// API Gateway and Lambda answer a broken handler. Select one with a CodeUri whose file name is the
// handler's name, e.g. `CodeUri: faults/throw.zip`. See docs/functions.md.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/handler.h"

namespace functions {

// Returns 200 with the whole proxy event as the JSON body.
nlohmann::json echo_handler(const nlohmann::json& event, const lambda_runtime::Context& context);
// Throws std::runtime_error("deliberate failure from the throw function").
nlohmann::json throw_handler(const nlohmann::json& event, const lambda_runtime::Context& context);
// Throws an int: not a std::exception.
nlohmann::json throw_non_std_handler(const nlohmann::json& event,
                                     const lambda_runtime::Context& context);
// Returns an object with a key a proxy response may not have.
nlohmann::json invalid_response_handler(const nlohmann::json& event,
                                        const lambda_runtime::Context& context);
// Returns a JSON string instead of an object.
nlohmann::json not_an_object_handler(const nlohmann::json& event,
                                     const lambda_runtime::Context& context);
// Sleeps SLEEP_MS milliseconds (default 10000), then answers 200 {"slept_ms": N}.
nlohmann::json sleep_handler(const nlohmann::json& event, const lambda_runtime::Context& context);

}  // namespace functions
