// RoutingInvoker: runs each version the way its code says (FunctionVersion): a handler built into
// the program in process, anything else (a `bootstrap`, or the Python or Node.js runtime loop)
// as an execution environment over the Lambda Runtime API, and a version whose runtime cannot
// run here fails with the reason given at start. So one template can mix C++, provided, Python
// and Node.js functions. Thread-safe as the invokers it routes to.
#pragma once

#include "emulator/lambda/invoker.h"

namespace emu::lambda {

class RoutingInvoker final : public Invoker {
 public:
  // Both must outlive the router.
  RoutingInvoker(Invoker& in_process, Invoker& runtime_api)
      : in_process_(in_process), runtime_api_(runtime_api) {}

  void invoke(FunctionVersionPtr version, nlohmann::json event, std::string invoked_arn,
              InvokeCallback done) override;
  void invoke_detached(FunctionVersionPtr version, nlohmann::json event, std::string invoked_arn,
                       InvokeCallback done) override;

 private:
  // The invoker for `version`, or nullptr when it cannot run (FunctionVersion::unavailable).
  Invoker* route(const FunctionVersion& version);

  Invoker& in_process_;
  Invoker& runtime_api_;
};

// The result of invoking a version that cannot run here: a function error of type
// Runtime.InvalidRuntime with the version's `unavailable` reason.
InvokeResult unavailable_result(const FunctionVersion& version);

}  // namespace emu::lambda
