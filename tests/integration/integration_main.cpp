// The integration suite's main. `--invoke-mode=runtime-api` (ctest registers the suite twice, once
// with it) makes every EmulatorProcess run its functions' bootstraps over the Runtime API instead
// of in process: one parameterised fixture, the same tests.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "emulator_process.h"

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string argument = argv[i];
    if (argument == "--invoke-mode=runtime-api") {
      it::set_invoke_mode(it::InvokeMode::kRuntimeApi);
    } else if (argument == "--invoke-mode=in-process") {
      it::set_invoke_mode(it::InvokeMode::kInProcess);
    } else {
      rest.push_back(argv[i]);
    }
  }
  doctest::Context context(static_cast<int>(rest.size()), rest.data());
  return context.run();
}
