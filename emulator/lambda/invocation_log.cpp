#include "emulator/lambda/invocation_log.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "emulator/core/decimal.h"

namespace emu::lambda {
namespace {

// "[LogicalId] " followed by `what`, with room for `more` characters.
std::string line_of(const FunctionVersion& version, std::string_view what, std::size_t more) {
  std::string line;
  line.reserve(version.logical_id.size() + 3 + what.size() + more);
  line.push_back('[');
  line.append(version.logical_id).append("] ").append(what);
  return line;
}

}  // namespace

std::string start_line(const FunctionVersion& version, const std::string& request_id) {
  std::string line = line_of(version, "START RequestId: ", request_id.size() + 10 +
                                                              version.version.size());
  line.append(request_id).append(" Version: ").append(version.version);
  return line;
}

std::string end_line(const FunctionVersion& version, const std::string& request_id) {
  std::string line = line_of(version, "END RequestId: ", request_id.size());
  line.append(request_id);
  return line;
}

std::string report_line(const FunctionVersion& version, const std::string& request_id,
                        double duration_ms) {
  std::string line = line_of(version, "REPORT RequestId: ", request_id.size() + 96);
  line.append(request_id).append("\tDuration: ");
  append_fixed(line, duration_ms, 2);
  line.append(" ms\tBilled Duration: ");
  append_fixed(line, std::max(1.0, std::ceil(duration_ms)), 0);
  line.append(" ms\tMemory Size: ");
  append_integer(line, version.memory_mb);
  line.append(" MB");
  return line;
}

std::string timeout_message(int seconds) {
  char text[64];
  std::snprintf(text, sizeof text, "Task timed out after %d.00 seconds", seconds);
  return text;
}

std::string function_line(const FunctionVersion& version, std::string_view line) {
  return line_of(version, line, 0);
}

}  // namespace emu::lambda
