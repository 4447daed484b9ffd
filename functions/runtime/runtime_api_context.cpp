#include "runtime/runtime_api_context.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace lambda_runtime {
namespace {

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0')
    throw std::runtime_error(std::string(name) + " is not set; Lambda sets it for every function");
  return value;
}

}  // namespace

FunctionSettings FunctionSettings::from_environment() {
  FunctionSettings settings;
  settings.name = required_env("AWS_LAMBDA_FUNCTION_NAME");
  settings.version = required_env("AWS_LAMBDA_FUNCTION_VERSION");
  std::string memory = required_env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
  auto [end, error] =
      std::from_chars(memory.data(), memory.data() + memory.size(), settings.memory_mb);
  if (error != std::errc() || end != memory.data() + memory.size() || settings.memory_mb < 1)
    throw std::runtime_error("AWS_LAMBDA_FUNCTION_MEMORY_SIZE is '" + memory +
                             "', not a positive whole number of megabytes");
  return settings;
}

std::chrono::milliseconds RuntimeApiContext::remaining_time() const {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      invocation_.deadline - std::chrono::system_clock::now());
  return left.count() > 0 ? left : std::chrono::milliseconds(0);
}

std::optional<std::string> RuntimeApiContext::env(std::string_view name) const {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

void RuntimeApiContext::log(std::string_view line) const {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace lambda_runtime
