// The handlers of this repo's sample application and its fault handlers, by package name: the
// registry the `emulator` program hands to the emulator (programs/emulator.cpp). In in-process
// mode a template function runs the handler whose name is the file name of its CodeUri without
// ".zip" (build/package/whodis.zip -> "whodis").
#pragma once

#include "runtime/handler_registry.h"

namespace functions {

// Every built-in handler, in a fixed order.
lambda_runtime::HandlerRegistry builtin_handlers();

}  // namespace functions
