// The Runtime API's view of one ExecutionEnvironment: what its listener (RuntimeApiHandler) calls
// for GET next, .../response, .../error and /init/error. The listener holds the backend weakly;
// the backend holds the environment weakly, so neither keeps the other alive.
#pragma once

#include <memory>

#include "emulator/lambda/runtime_api/execution_environment.h"
#include "emulator/lambda/runtime_api/runtime_api_handler.h"

namespace emu::lambda {

std::shared_ptr<RuntimeApiBackend> make_environment_backend(
    std::weak_ptr<ExecutionEnvironment> environment);

}  // namespace emu::lambda
