// The command line of `emulator` (docs/cli.md):
//   emulator [TEMPLATE] [--port N] [--aws-port N] [--host ADDR]
//            [--parameter-overrides K=V ...] [--env-vars FILE.json] [--region R]
//            [--stack-name S] [--seed N] [--time-scale N] [--help] [--version]
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/result.h"

namespace emu::cli {

struct Options {
  std::string template_path = "template.yaml";
  std::string host = "127.0.0.1";
  std::uint16_t port = 3000;      // API Gateway; 0 picks a free port
  std::uint16_t aws_port = 3001;  // AWS-compatible endpoints (Lambda, CodeDeploy); 0 = free port
  std::vector<std::string> parameter_overrides;  // as given; parsed by the template engine
  std::string env_vars_path;
  std::string region = "us-east-1";
  std::string stack_name;         // "" = the template's folder name
  std::optional<std::uint64_t> seed;  // weighted alias routing; none = seeded from the clock
  double time_scale = 1.0;        // virtual seconds per real second for deployments (> 0)
  // How functions run: handlers compiled into the emulator, or each function's own `bootstrap`
  // as a child process over the Lambda Runtime API (docs/runtime-api.md).
  enum class InvokeMode { kInProcess, kRuntimeApi };
  InvokeMode invoke_mode = InvokeMode::kInProcess;
  std::string base_dir;           // where relative CodeUris start ("" = the template's folder)
  bool help = false;
  bool version = false;
};

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
