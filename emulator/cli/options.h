// The command line of `emulator` (docs/cli.md):
//   emulator [TEMPLATE] [--port N] [--aws-port N] [--host ADDR]
//            [--parameter-overrides K=V ...] [--env-vars FILE.json] [--region R]
//            [--stack-name S] [--seed N] [--time-scale N] [--help] [--version]
#pragma once

#include <cstddef>
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

// For the argument loops of parse_options and of the commands' parsers (deploy, watch), which
// walk `arguments` with an index i on the current argument.

// An Error with code "UsageError" and a one-line reason.
Error usage_error(const std::string& what);

// Whether `argument` is a flag ("--NAME"); a flag is never taken as a value.
bool is_flag(const std::string& argument);

// The value of the flag at arguments[i], named `flag` in the error; i moves onto the value. A
// UsageError "FLAG needs a value" when no argument follows or the next one is a flag.
Result<std::string> flag_value(const std::vector<std::string>& arguments, std::size_t& i,
                               const std::string& flag);

// --parameter-overrides at arguments[i]: appends to `overrides` every following argument up to
// the next flag, as SAM CLI takes them; i moves onto the last one taken. A UsageError when
// there is none.
Result<bool> take_parameter_overrides(const std::vector<std::string>& arguments, std::size_t& i,
                                      std::vector<std::string>& overrides);

}  // namespace emu::cli
