#include "faults/faults.h"

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace functions {

nlohmann::json echo_handler(const nlohmann::json& event, const lambda_runtime::Context&) {
  return {{"statusCode", 200},
          {"headers", {{"Content-Type", "application/json"}}},
          {"body", event.dump()}};
}

nlohmann::json throw_handler(const nlohmann::json&, const lambda_runtime::Context&) {
  throw std::runtime_error("deliberate failure from the throw function");
}

nlohmann::json throw_non_std_handler(const nlohmann::json&, const lambda_runtime::Context&) {
  throw 42;  // NOLINT: the point is to throw something that is not a std::exception
}

nlohmann::json invalid_response_handler(const nlohmann::json&, const lambda_runtime::Context&) {
  return {{"statusCode", 200}, {"body", "ok"}, {"bogus", true}};
}

nlohmann::json not_an_object_handler(const nlohmann::json&, const lambda_runtime::Context&) {
  return "this is not a proxy response";
}

nlohmann::json sleep_handler(const nlohmann::json&, const lambda_runtime::Context& context) {
  long milliseconds = 10000;
  if (auto value = context.env("SLEEP_MS")) milliseconds = std::stol(*value);
  std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
  return {{"statusCode", 200}, {"body", nlohmann::json{{"slept_ms", milliseconds}}.dump()}};
}

}  // namespace functions
