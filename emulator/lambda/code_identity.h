// CodeIdentity: what a function's CodeUri resolves to — the code a version runs and its identity
// (Lambda's CodeSha256). A CodeResolver produces it; which one depends on the invoke mode:
// in-process mode looks up a handler compiled into the emulator (BuiltinCode), Runtime API mode
// hashes and unpacks the package on disk (CodeArtifacts).
#pragma once

#include <functional>
#include <string>

#include "emulator/core/result.h"
#include "emulator/template/stack.h"
#include "runtime/handler.h"

namespace emu::lambda {

struct CodeIdentity {
  std::string package;                         // CodeUri's file name without .zip ("whodis")
  lambda_runtime::Handler handler = nullptr;   // in-process: the built-in handler
  std::string code_sha256;                     // base64 SHA-256 (Lambda's CodeSha256)
  long long code_size = 0;                     // bytes
  std::string code_dir;                        // Runtime API mode: the folder holding `bootstrap`
};

// Resolves one function's code. Errors point at CodeUri in the template (file:line:column).
using CodeResolver =
    std::function<Result<CodeIdentity>(const tmpl::Stack&, const tmpl::FunctionSpec&)>;

// In-process mode: the handler whose name is CodeUri's file name without ".zip"; the identity is
// that name (the code is the emulator's own).
Result<CodeIdentity> builtin_code(const tmpl::Stack& stack, const tmpl::FunctionSpec& spec);

// The package name a CodeUri names: its file name without ".zip" (build/package/whodis.zip ->
// whodis; a folder's own name).
std::string package_name(const std::string& code_uri);

}  // namespace emu::lambda
