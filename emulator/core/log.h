// Process-wide line logger. Thread-safe: each call writes whole lines atomically, so lines from
// concurrent invocations never interleave mid-line, and lines appear in the order they were logged
// (info_soon's lines included).
#pragma once

#include <string_view>

namespace emu::log {

// Informational lines (start-up, shutdown) go to stdout, written before the call returns.
void info(std::string_view line);
// Warnings and errors go to stderr, prefixed "warning: " / "error: ", written before the call
// returns (after any info_soon lines still pending, so the order holds across both streams).
void warn(std::string_view line);
void error(std::string_view line);

// The per-request lines (access log, Lambda's START/END/REPORT) go to stdout like info(), but
// through a background writer that batches them: the caller only appends to a buffer, and the
// writer writes everything pending at most about a millisecond later, in one write() per batch.
// `lines` is one line or several separated by '\n' (no trailing newline). Every pending line is
// written before any info/warn/error line that follows it, by flush(), and at exit.
void info_soon(std::string_view lines);

// Writes the pending info_soon lines now.
void flush();

// Tests may silence stdout lines; errors and warnings are always written.
void set_quiet(bool quiet);

}  // namespace emu::log
