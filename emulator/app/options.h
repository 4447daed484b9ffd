// Options: what `emulator [TEMPLATE] ...` is asked to serve (docs/cli.md). The command line
// parses into it (cli/options.h); the App builds everything from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace emu::app {

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
  bool help = false;              // the command line's own flags: print and exit
  bool version = false;
};

}  // namespace emu::app
