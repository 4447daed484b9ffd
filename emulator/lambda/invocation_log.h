// The log lines Lambda writes around every invocation (AWS Lambda developer guide, "Using
// CloudWatch Logs with Lambda"): START, END and REPORT, each prefixed here with the function's
// logical id in brackets so that lines of several functions in one process stay apart.
#pragma once

#include <string>

#include "emulator/lambda/model/function_version.h"

namespace emu::lambda {

std::string start_line(const FunctionVersion& version, const std::string& request_id);
std::string end_line(const FunctionVersion& version, const std::string& request_id);
// "REPORT RequestId: <id>\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB"
// Billed duration rounds up to the next millisecond, as Lambda bills since December 2020.
std::string report_line(const FunctionVersion& version, const std::string& request_id,
                        double duration_ms);
// A line the function itself wrote.
std::string function_line(const FunctionVersion& version, std::string_view line);
// Length of the "[LogicalId] " prefix the lines above carry (the invocation's own log, Invoke's
// LogType Tail, has them without it).
inline std::size_t line_prefix_length(const FunctionVersion& version) {
  return version.logical_id.size() + 3;
}
// "Task timed out after 3.00 seconds", as Lambda reports a timeout (errorType Sandbox.Timedout).
std::string timeout_message(int seconds);

}  // namespace emu::lambda
