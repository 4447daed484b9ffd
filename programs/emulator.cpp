// emulator: runs a SAM template locally; `emulator deploy` and `emulator watch` talk to a running
// one. See docs/cli.md. This program is the emulator's command line (emulator/cli) with this
// repo's handlers built in (functions/registry.h): the in-process mode runs those. Another
// program can embed the emulator with handlers of its own the same way.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "emulator/cli/deploy_command.h"
#include "emulator/cli/options.h"
#include "emulator/cli/serve.h"
#include "emulator/cli/watch_command.h"
#include "registry.h"

namespace {

constexpr int kExitUsage = 2;

std::string usage() {
  return emu::cli::usage() + R"(
Commands for a running emulator (each has --help):
  emulator deploy [--endpoint URL] [--template PATH] [--parameter-overrides K=V ...] [--no-wait]
                                 deploy the template again; follow the CodeDeploy deployments
  emulator watch [--endpoint URL] [--once]
                                 show deployments, alias weights and observed traffic, live
)";
}

// Parses and runs a subcommand: `parse` gives a Result<Options>, `run` the exit code.
template <class Parse, class Run>
int run_command(const char* name, const std::vector<std::string>& arguments, Parse parse,
                const std::string& command_usage, Run run) {
  auto options = parse(arguments);
  if (!options.ok()) {
    std::cerr << "emulator " << name << ": " << options.error().message << "\n\n" << command_usage;
    return kExitUsage;
  }
  if (options->help) {
    std::cout << command_usage;
    return 0;
  }
  return run(options.value(), std::cout, std::cerr, ::isatty(STDOUT_FILENO) == 1);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  if (!arguments.empty() && (arguments[0] == "deploy" || arguments[0] == "watch")) {
    std::vector<std::string> rest(arguments.begin() + 1, arguments.end());
    if (arguments[0] == "deploy")
      return run_command("deploy", rest, emu::cli::parse_deploy_options, emu::cli::deploy_usage(),
                         emu::cli::run_deploy);
    return run_command("watch", rest, emu::cli::parse_watch_options, emu::cli::watch_usage(),
                       emu::cli::run_watch);
  }

  auto options = emu::cli::parse_options(arguments);
  if (!options.ok()) {
    std::cerr << "emulator: " << options.error().message << "\n\n" << usage();
    return kExitUsage;
  }
  if (options->help) {
    std::cout << usage();
    return 0;
  }
  if (options->version) {
    std::cout << emu::cli::version_text();
    return 0;
  }
  return emu::cli::serve(options.value(), functions::builtin_handlers());
}
