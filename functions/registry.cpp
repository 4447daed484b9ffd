#include "registry.h"

#include <array>

#include "faults/faults.h"
#include "hooks/traffic_hooks.h"
#include "oleoleole/oleoleole.h"
#include "whodis/whodis.h"

namespace functions {
namespace {

constexpr std::array kHandlers = {
    BuiltinHandler{"whodis", whodis_handler, "the whodis greeting (seed application)"},
    BuiltinHandler{"oleoleole", oleoleole_handler, "the oleoleole greeting (seed application)"},
    BuiltinHandler{"pre-traffic-hook", pre_traffic_hook_handler, "CodeDeploy pre-traffic hook"},
    BuiltinHandler{"post-traffic-hook", post_traffic_hook_handler, "CodeDeploy post-traffic hook"},
    BuiltinHandler{"echo", echo_handler, "answers 200 with the proxy event as its body"},
    BuiltinHandler{"throw", throw_handler, "throws std::runtime_error"},
    BuiltinHandler{"throw-non-std", throw_non_std_handler, "throws an int"},
    BuiltinHandler{"invalid-response", invalid_response_handler,
                   "returns a proxy response with an unknown key"},
    BuiltinHandler{"not-an-object", not_an_object_handler, "returns a JSON string"},
    BuiltinHandler{"sleep", sleep_handler, "sleeps SLEEP_MS milliseconds (default 10000)"},
};

}  // namespace

std::span<const BuiltinHandler> builtin_handlers() { return kHandlers; }

const BuiltinHandler* find_builtin_handler(std::string_view name) {
  for (const auto& entry : kHandlers)
    if (entry.name == name) return &entry;
  return nullptr;
}

}  // namespace functions
