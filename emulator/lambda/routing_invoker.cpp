#include "emulator/lambda/routing_invoker.h"

#include "emulator/core/ids.h"

namespace emu::lambda {

Invoker* RoutingInvoker::route(const FunctionVersion& version) {
  if (version.handler) return &in_process_;
  if (!version.unavailable.empty()) return nullptr;
  return &runtime_api_;
}

InvokeResult unavailable_result(const FunctionVersion& version) {
  InvokeResult result;
  result.outcome = InvokeResult::Outcome::kFunctionError;
  result.payload = error_payload("Runtime.InvalidRuntime", version.unavailable);
  result.request_id = ids::new_request_id();
  result.executed_version = version.version;
  return result;
}

void RoutingInvoker::invoke(FunctionVersionPtr version, nlohmann::json event,
                            std::string invoked_arn, InvokeCallback done) {
  Invoker* invoker = route(*version);
  if (!invoker) return done(unavailable_result(*version));
  invoker->invoke(std::move(version), std::move(event), std::move(invoked_arn), std::move(done));
}

void RoutingInvoker::invoke_detached(FunctionVersionPtr version, nlohmann::json event,
                                     std::string invoked_arn, InvokeCallback done) {
  Invoker* invoker = route(*version);
  if (!invoker) return done(unavailable_result(*version));
  invoker->invoke_detached(std::move(version), std::move(event), std::move(invoked_arn),
                           std::move(done));
}

}  // namespace emu::lambda
