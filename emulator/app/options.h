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
  bool template_given = false;    // named on the command line (else SAM's search, template_choice.h)
  bool use_sam_build = true;      // serve .aws-sam/build/template.yaml when it exists
  std::string host = "127.0.0.1";
  std::uint16_t port = 3000;      // API Gateway; 0 picks a free port
  std::uint16_t aws_port = 3001;  // AWS-compatible endpoints (Lambda, CodeDeploy); 0 = free port
  std::vector<std::string> parameter_overrides;  // as given; parsed by the template engine
  std::string env_vars_path;
  std::string region = "us-east-1";
  std::string stack_name;         // "" = the template's folder name
  std::optional<std::uint64_t> seed;  // weighted alias routing; none = seeded from the clock
  double time_scale = 1.0;        // virtual seconds per real second for deployments (> 0)
  // How functions run (docs/runtimes.md). kAuto decides per function (app/function_code.h): a
  // handler built into the emulator in process, a provided.* function's `bootstrap`, python3.x and
  // nodejs functions through the emulator's runtime loops, each over the Lambda Runtime API.
  // kInProcess runs every function in process (each must be built in); kRuntimeApi runs provided
  // functions' bootstraps even when a handler of that name is built in.
  enum class InvokeMode { kAuto, kInProcess, kRuntimeApi };
  InvokeMode invoke_mode = InvokeMode::kAuto;
  std::string base_dir;           // where relative CodeUris start ("" = the template's folder)
  // --watch: a change to the template or to a function's code deploys again (app/hot_reload.h):
  // at once (kLive), or through each DeploymentPreference (kDeploy, --watch-deploy).
  enum class Watch { kOff, kLive, kDeploy };
  Watch watch = Watch::kOff;
  bool help = false;              // the command line's own flags: print and exit
  bool version = false;
};

}  // namespace emu::app
