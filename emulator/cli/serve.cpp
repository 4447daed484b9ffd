#include "emulator/cli/serve.h"

#include "emulator/app/app.h"
#include "emulator/core/log.h"

namespace emu::cli {

int serve(const Options& options, lambda_runtime::HandlerRegistry handlers) {
  auto app = app::App::build(options, handlers);
  if (!app.ok()) {
    log::error(app.error().message);
    return app::exit_code_of(app.error());
  }
  return app.value()->run();
}

}  // namespace emu::cli
