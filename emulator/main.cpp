// emulator: runs a SAM template locally. See docs/cli.md.
#include <iostream>
#include <string>
#include <vector>

#include "emulator/cli/options.h"
#include "emulator/cli/serve.h"

int main(int argc, char** argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  auto options = emu::cli::parse_options(arguments);
  if (!options.ok()) {
    std::cerr << "emulator: " << options.error().message << "\n\n" << emu::cli::usage();
    return 2;
  }
  if (options->help) {
    std::cout << emu::cli::usage();
    return 0;
  }
  if (options->version) {
    std::cout << "emulator " << EMULATOR_VERSION << "\n";
    return 0;
  }
  return emu::cli::serve(options.value());
}
