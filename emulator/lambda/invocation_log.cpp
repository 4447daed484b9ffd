#include "emulator/lambda/invocation_log.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace emu::lambda {
namespace {

std::string prefix(const FunctionVersion& version) { return "[" + version.logical_id + "] "; }

}  // namespace

std::string start_line(const FunctionVersion& version, const std::string& request_id) {
  return prefix(version) + "START RequestId: " + request_id + " Version: " + version.version;
}

std::string end_line(const FunctionVersion& version, const std::string& request_id) {
  return prefix(version) + "END RequestId: " + request_id;
}

std::string report_line(const FunctionVersion& version, const std::string& request_id,
                        double duration_ms) {
  char numbers[96];
  std::snprintf(numbers, sizeof numbers,
                "\tDuration: %.2f ms\tBilled Duration: %.0f ms\tMemory Size: %d MB", duration_ms,
                std::max(1.0, std::ceil(duration_ms)), version.memory_mb);
  return prefix(version) + "REPORT RequestId: " + request_id + numbers;
}

std::string timeout_message(int seconds) {
  char text[64];
  std::snprintf(text, sizeof text, "Task timed out after %d.00 seconds", seconds);
  return text;
}

std::string function_line(const FunctionVersion& version, std::string_view line) {
  return prefix(version) + std::string(line);
}

}  // namespace emu::lambda
