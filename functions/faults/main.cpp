// The fault functions as one standalone `bootstrap` program, for Runtime API mode and its tests.
// The fault is picked by the name of the folder the program runs from (LAMBDA_TASK_ROOT's last
// component), the same name in-process mode takes from CodeUri: a CodeUri folder `faults/throw/`
// whose `bootstrap` is this program runs the throw handler.
//
// Besides the in-process faults, a real process can fail in ways a handler in the emulator must
// not (they would take the emulator down), so these exist only here:
//   crash         aborts during the invocation (SIGABRT)           -> Runtime.ExitError
//   exit-at-init  exits with status 3 before asking for an event   -> Runtime.ExitError
//   init-error    its INIT code throws                             -> /runtime/init/error
//   chatty        writes lines to stdout and stderr, then answers 200
//   big-response  returns a body over Lambda's 6 MB response limit -> Function.ResponseSizeTooLarge
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "faults/faults.h"
#include "runtime/runtime_api_loop.h"

namespace {

nlohmann::json crash_handler(const nlohmann::json&, const lambda_runtime::Context&) {
  std::abort();
}

nlohmann::json chatty_handler(const nlohmann::json& event, const lambda_runtime::Context& context) {
  std::printf("a line on stdout\n");
  std::fflush(stdout);
  std::fprintf(stderr, "a line on stderr\n");
  context.log("a line through Context::log");
  return {{"statusCode", 200}, {"body", "chatty " + std::string(context.aws_request_id())},
          {"isBase64Encoded", false}, {"headers", {{"X-Path", event.value("path", "")}}}};
}

nlohmann::json big_response_handler(const nlohmann::json&, const lambda_runtime::Context&) {
  return {{"statusCode", 200}, {"body", std::string(7 * 1024 * 1024, 'x')}};
}

void failing_init() { throw std::runtime_error("deliberate failure in the init code"); }

std::string fault_name() {
  const char* root = std::getenv("LAMBDA_TASK_ROOT");
  std::string_view path = root ? root : "";
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace

int main() {
  const std::string name = fault_name();
  lambda_runtime::RunOptions options;
  lambda_runtime::Handler handler = nullptr;
  if (name == "echo") handler = functions::echo_handler;
  if (name == "throw") handler = functions::throw_handler;
  if (name == "throw-non-std") handler = functions::throw_non_std_handler;
  if (name == "invalid-response") handler = functions::invalid_response_handler;
  if (name == "not-an-object") handler = functions::not_an_object_handler;
  if (name == "sleep") handler = functions::sleep_handler;
  if (name == "crash") handler = crash_handler;
  if (name == "chatty") handler = chatty_handler;
  if (name == "big-response") handler = big_response_handler;
  if (name == "init-error") {
    handler = functions::echo_handler;
    options.init = failing_init;
  }
  if (name == "exit-at-init") {
    std::fprintf(stderr, "exit-at-init: exiting with status 3 before asking for an event\n");
    return 3;
  }
  if (handler == nullptr) {
    std::fprintf(stderr, "faults bootstrap: no fault named \"%s\" (the folder it runs from)\n",
                 name.c_str());
    return 2;
  }
  return lambda_runtime::run(handler, options);
}
