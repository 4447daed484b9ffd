// How each function runs, decided per function from its Runtime (after Globals) and CodeUri
// (docs/runtimes.md):
//   - a C++ handler built into this program, when the runtime is provided.* (or none) and the
//     registry has a handler named by the CodeUri's package: in process;
//   - provided.al2023 / provided.al2: the package's own `bootstrap` over the Runtime API;
//   - python3.x: the machine's Python 3 running runtimes/python/bootstrap.py over the Runtime API;
//   - nodejs18.x and later: the machine's Node.js running runtimes/nodejs/bootstrap.js;
//   - anything else (java, dotnet, ruby, ...): named at start with the reason, and its
//     invocations fail with it; the other functions are still served.
// --invoke-mode overrides the first two: in-process runs every function in process (each must be
// built in), runtime-api runs provided functions' bootstraps even when a handler is built in.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "emulator/app/options.h"
#include "emulator/lambda/model/code_identity.h"
#include "emulator/lambda/runtime_api/code_artifacts.h"
#include "runtime/handler_registry.h"

namespace emu::app {

// A local interpreter: its absolute path ("" = none found) and version.
struct Interpreter {
  std::string path;
  int major = 0;  // Python 3, Node.js 20
  int minor = 0;  // Python 11
  std::string version() const;  // "3.11", "20.19"
};

// Where the interpreters and the runtime loops are. Each is looked for the first time a function
// needs it (asking an interpreter its version costs tens of milliseconds), then kept. Thread-safe.
class RuntimeCommands {
 public:
  // The runtime loops: EMULATOR_RUNTIMES_DIR, else <exe>/../share/sam-emulator/runtimes (an
  // installed emulator), else this source tree's runtimes/. "" = none found.
  const std::string& runtimes_dir();
  // $VIRTUAL_ENV/bin/python3 (the virtualenv the emulator was started from), else python3 on PATH.
  const Interpreter& python();
  // node on PATH.
  const Interpreter& node();

 private:
  std::once_flag dir_once_, python_once_, node_once_;
  std::string runtimes_dir_;
  Interpreter python_, node_;
};

// True when `spec`'s code comes from CodeArtifacts in `mode` (false for a built-in handler and
// for a runtime that cannot run here): what start-up prefetches.
bool runs_from_artifacts(Options::InvokeMode mode, lambda_runtime::HandlerRegistry handlers,
                         const tmpl::FunctionSpec& spec);

// The CodeResolver for `mode`: built-in handlers from `handlers`, packages and folders through
// `artifacts`, interpreters from `commands`. A function whose runtime is newer than the local
// interpreter, or cannot run here, is warned about once. All must outlive the resolver.
lambda::CodeResolver function_code_resolver(Options::InvokeMode mode,
                                            lambda_runtime::HandlerRegistry handlers,
                                            lambda::CodeArtifacts& artifacts,
                                            RuntimeCommands& commands);

}  // namespace emu::app
