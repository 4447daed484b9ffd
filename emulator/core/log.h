// Process-wide line logger. Thread-safe: each call writes whole lines atomically, so lines from
// concurrent invocations never interleave mid-line.
#pragma once

#include <string_view>

namespace emu::log {

// Informational lines (start-up, access log, Lambda START/END/REPORT) go to stdout.
void info(std::string_view line);
// Warnings and errors go to stderr, prefixed "warning: " / "error: ".
void warn(std::string_view line);
void error(std::string_view line);

// Tests may silence stdout lines; errors and warnings are always written.
void set_quiet(bool quiet);

}  // namespace emu::log
