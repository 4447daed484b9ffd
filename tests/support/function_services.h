// FunctionServices: what unit tests of the services above Lambda build by hand — a Stack's
// functions in a FunctionStore, running this repo's built-in handlers (as in-process mode does),
// and a LambdaService over the test's own Invoker, with a seeded Random and fresh metrics.
//
// A test fixture derives from it and calls build() once its stack and invoker exist; random,
// metrics, store and service are then the fixture's own members. Destroyed after the deriving
// fixture's members, so a DeploymentEngine or API built on `service` goes first.
#pragma once

#include <memory>

#include "emulator/core/random.h"
#include "emulator/lambda/in_process/builtin_code.h"
#include "emulator/lambda/invocation_metrics.h"
#include "emulator/lambda/lambda_service.h"
#include "emulator/lambda/model/function_store.h"
#include "registry.h"

namespace emu::testing {

// Store options that resolve CodeUris to this repo's built-in handlers (functions/registry.h).
inline lambda::StoreOptions builtin_store_options() {
  lambda::StoreOptions options;
  options.resolve_code = lambda::builtin_code_resolver(functions::builtin_handlers());
  return options;
}

struct FunctionServices {
  // Builds the store from `stack` (which must build: a failure stops the test) and the service
  // over `invoker`, which must outlive this object.
  void build(const tmpl::Stack& stack, lambda::Invoker& invoker) {
    auto built = lambda::FunctionStore::build(stack, builtin_store_options());
    if (!built.ok()) throw std::runtime_error("FunctionStore::build: " + built.error().message);
    store = std::move(built).value();
    service = std::make_unique<lambda::LambdaService>(*store, invoker, random, metrics);
  }

  SeededRandom random{1};
  lambda::InvocationMetrics metrics;
  std::unique_ptr<lambda::FunctionStore> store;
  std::unique_ptr<lambda::LambdaService> service;
};

}  // namespace emu::testing
