// App: the emulator as one object. It loads the template, binds the ports, builds every service
// from the Stack and the Options and registers it on its port, prints what it serves, runs the
// I/O threads until SIGINT or SIGTERM, drains the requests in flight and reports.
//
// Adding a service: build it in App::build (app.cpp) and register it — an AWS-compatible API is
// one entry in aws_services(), a port of its own is one more Listener. docs/architecture.md,
// "How to add a service".
#pragma once

#include <memory>

#include "emulator/app/options.h"
#include "emulator/core/result.h"
#include "runtime/handler_registry.h"

namespace emu::app {

// Process exit codes of `emulator [TEMPLATE]` (docs/cli.md).
inline constexpr int kExitCannotServe = 1;  // a port cannot be bound
inline constexpr int kExitBadInput = 2;     // the template or an option is wrong

class App {
 public:
  // Everything up to listening: template, ports, functions, services. An Error's message is the
  // line to print and its code is "1" or "2", the exit code (kExitCannotServe, kExitBadInput).
  // `handlers` are what in-process mode runs (static tables; they outlive the App).
  static Result<std::unique_ptr<App>> build(const Options& options,
                                            lambda_runtime::HandlerRegistry handlers);
  ~App();

  // Prints what is served, accepts on both ports and serves until stopped (SIGINT, SIGTERM);
  // returns the exit code. Call once.
  int run();

  struct Parts;  // the services, in construction order; defined in app.cpp

 private:
  explicit App(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

// The exit code an Error from App::build stands for.
int exit_code_of(const Error& error);

}  // namespace emu::app
