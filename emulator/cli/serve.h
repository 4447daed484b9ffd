// `emulator [TEMPLATE] ...`: loads the template, prints what it serves, and serves it until
// SIGINT or SIGTERM. Returns the process exit code: 0 after a clean stop, 1 when a port cannot be
// bound, 2 when the template or an option is wrong (nothing is served then).
#pragma once

#include <string>

#include "emulator/cli/options.h"
#include "runtime/handler_registry.h"

namespace emu::cli {

// `emulator --version`: the version, and the folder of the Python and Node.js runtime loops in use
// (installed: PREFIX/share/sam-emulator/runtimes; docs/runtimes.md).
std::string version_text();

// `handlers`: what in-process mode runs (a program's own registry; static tables).
int serve(const Options& options, lambda_runtime::HandlerRegistry handlers);

}  // namespace emu::cli
