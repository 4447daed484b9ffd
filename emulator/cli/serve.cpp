#include "emulator/cli/serve.h"

#include "emulator/app/app.h"
#include "emulator/app/function_code.h"
#include "emulator/core/log.h"

namespace emu::cli {

std::string version_text() {
  app::RuntimeCommands commands;
  const auto& loops = commands.runtimes_dir();
  return std::string("emulator ") + EMULATOR_VERSION + "\nruntime loops: " +
         (loops.empty() ? std::string("not found (Python and Node.js functions cannot run; "
                                      "set EMULATOR_RUNTIMES_DIR)")
                        : loops) +
         "\n";
}

int serve(const Options& options, lambda_runtime::HandlerRegistry handlers) {
  auto app = app::App::build(options, handlers);
  if (!app.ok()) {
    log::error(app.error().message);
    return app::exit_code_of(app.error());
  }
  return app.value()->run();
}

}  // namespace emu::cli
