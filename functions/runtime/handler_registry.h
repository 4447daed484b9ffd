// HandlerRegistry: handlers by name, as a program hands them to whatever runs them. The emulator
// takes one (in-process mode runs the handler whose name is a function's package name), so it
// does not depend on any particular set of handlers: this repo's sample handlers are one
// registry (functions/registry.h), a test's fault handlers or another program's own are others.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "runtime/handler.h"

namespace lambda_runtime {

struct NamedHandler {
  std::string_view name;     // e.g. "whodis": a CodeUri's file name without ".zip"
  Handler handler = nullptr;
  std::string_view summary;  // one line, for error messages and docs
};

// A registry does not own its entries: they are static tables that outlive every user.
using HandlerRegistry = std::span<const NamedHandler>;

// The entry named `name`, or nullptr.
const NamedHandler* find_handler(HandlerRegistry registry, std::string_view name);

// "a, b, c": the names, in the registry's order (for error messages).
std::string handler_names(HandlerRegistry registry);

}  // namespace lambda_runtime
