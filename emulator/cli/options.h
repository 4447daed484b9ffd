// The command line of `emulator` (docs/cli.md):
//   emulator [TEMPLATE] [--port N] [--aws-port N] [--host ADDR]
//            [--parameter-overrides K=V ...] [--env-vars FILE.json] [--region R]
//            [--stack-name S] [--seed N] [--time-scale N] [--help] [--version]
#pragma once

#include <string>
#include <vector>

#include "emulator/app/options.h"
#include "emulator/core/result.h"

namespace emu::cli {

// The serve command's options are the App's (emulator/app/options.h).
using Options = app::Options;

// Parses argv[1..]. An Error carries a one-line reason; the caller prints it with usage().
Result<Options> parse_options(const std::vector<std::string>& arguments);

std::string usage();

}  // namespace emu::cli
