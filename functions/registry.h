// The handlers compiled into this build, by package name. In in-process mode a template function
// runs the handler whose name is the file name of its CodeUri without ".zip"
// (build/package/whodis.zip -> "whodis").
#pragma once

#include <span>
#include <string_view>

#include "runtime/handler.h"

namespace functions {

struct BuiltinHandler {
  std::string_view name;
  lambda_runtime::Handler handler;
  std::string_view summary;  // one line, for error messages and docs
};

// Every built-in handler, in a fixed order.
std::span<const BuiltinHandler> builtin_handlers();

// The handler named `name`, or nullptr.
const BuiltinHandler* find_builtin_handler(std::string_view name);

}  // namespace functions
