// In-process mode's CodeResolver: a function runs the handler of the registry whose name is its
// package name (CodeUri's file name without ".zip"); the code is the emulator's own, so its
// identity (CodeSha256) is derived from that name.
#pragma once

#include "emulator/lambda/model/code_identity.h"
#include "runtime/handler_registry.h"

namespace emu::lambda {

// `handlers` must outlive the resolver (registries are static tables). A CodeUri that names no
// handler is a TemplateError at CodeUri (file:line:column) listing the handlers there are.
CodeResolver builtin_code_resolver(lambda_runtime::HandlerRegistry handlers);

}  // namespace emu::lambda
