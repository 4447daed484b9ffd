// CodeIdentity: what a function's CodeUri resolves to — the code a version runs and its identity
// (Lambda's CodeSha256). A CodeResolver produces it; which one depends on how the function runs:
// in process, a handler of the registry the program handed in (in_process/builtin_code.h); in
// Runtime API mode, the package on disk, hashed and unpacked (runtime_api/code_artifacts.h).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/template/stack.h"
#include "runtime/handler.h"

namespace emu::lambda {

struct CodeIdentity {
  std::string package;                         // CodeUri's file name without .zip ("whodis")
  lambda_runtime::Handler handler = nullptr;   // in-process: the built-in handler
  std::string code_sha256;                     // base64 SHA-256 (Lambda's CodeSha256)
  long long code_size = 0;                     // bytes
  std::string code_dir;                        // Runtime API: the task root (holds `bootstrap`)
  // Runtime API: what runs in the task root, argv[0] absolute ({python3, -u, loop.py}); empty =
  // the task root's own `bootstrap`.
  std::vector<std::string> command;
  // Runtime API: the folders of the function's template layers, in Layers order, and their
  // identity together (base64 SHA-256; "" without layers).
  std::vector<std::string> layer_dirs;
  std::string layers_sha256;
  // Runtime API: variables the command needs on top of Lambda's (PYTHONPATH, NODE_PATH, ...).
  std::map<std::string, std::string> environment;
  // Non-empty when the function cannot run here: why (its invocations fail with it).
  std::string unavailable;
};

// Resolves one function's code. Errors point at CodeUri in the template (file:line:column).
using CodeResolver =
    std::function<Result<CodeIdentity>(const tmpl::Stack&, const tmpl::FunctionSpec&)>;

// The package name a CodeUri names: its file name without ".zip" (build/package/whodis.zip ->
// whodis; a folder's own name).
std::string package_name(const std::string& code_uri);

// For an error about a function's code that needs a `bootstrap` or a built-in handler: "" for
// provided.al2023, provided.al2 or none, else a sentence saying how that runtime runs here (python
// and nodejs: through the emulator's loop in the default mode) or that it does not.
std::string runtime_support_note(const std::string& runtime);

}  // namespace emu::lambda
