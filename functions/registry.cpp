#include "registry.h"

#include <array>

#include "faults/faults.h"
#include "hooks/traffic_hooks.h"
#include "oleoleole/oleoleole.h"
#include "whodis/whodis.h"

namespace functions {
namespace {

using lambda_runtime::NamedHandler;

constexpr std::array kHandlers = {
    NamedHandler{"whodis", whodis_handler, "the whodis greeting (seed application)"},
    NamedHandler{"oleoleole", oleoleole_handler, "the oleoleole greeting (seed application)"},
    NamedHandler{"pre-traffic-hook", pre_traffic_hook_handler, "CodeDeploy pre-traffic hook"},
    NamedHandler{"post-traffic-hook", post_traffic_hook_handler, "CodeDeploy post-traffic hook"},
    NamedHandler{"echo", echo_handler, "answers 200 with the proxy event as its body"},
    NamedHandler{"throw", throw_handler, "throws std::runtime_error"},
    NamedHandler{"throw-non-std", throw_non_std_handler, "throws an int"},
    NamedHandler{"invalid-response", invalid_response_handler,
                 "returns a proxy response with an unknown key"},
    NamedHandler{"not-an-object", not_an_object_handler, "returns a JSON string"},
    NamedHandler{"sleep", sleep_handler, "sleeps SLEEP_MS milliseconds (default 10000)"},
};

}  // namespace

lambda_runtime::HandlerRegistry builtin_handlers() { return kHandlers; }

}  // namespace functions
