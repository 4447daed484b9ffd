// LambdaService: invoking a function the way Lambda's Invoke does. Resolves a function name (or
// logical id) and qualifier to one version (an alias with weights picks per invocation), runs it
// on the Invoker, and counts it in InvocationMetrics. Used by API Gateway and the Lambda API alike.
// Thread-safe; never blocks.
#pragma once

#include <string>
#include <string_view>

#include "emulator/core/random.h"
#include "emulator/core/result.h"
#include "emulator/lambda/model/function_store.h"
#include "emulator/lambda/invocation_journal.h"
#include "emulator/lambda/invocation_metrics.h"
#include "emulator/lambda/invoker.h"

namespace emu::lambda {

struct InvokeTarget {
  LambdaFunctionPtr function;
  FunctionVersionPtr version;  // the version that will run
  std::string alias;           // the alias it was reached through, "" when none
  std::string invoked_arn;     // as the caller named it: unqualified, :version or :alias
};

class LambdaService {
 public:
  // All four must outlive the service.
  LambdaService(FunctionStore& store, Invoker& invoker, Random& random, InvocationMetrics& metrics)
      : store_(store), invoker_(invoker), random_(random), metrics_(metrics) {}

  // `qualifier`: "" or "$LATEST", a version number, or an alias name. ResourceNotFoundException
  // when the function, version or alias does not exist.
  Result<InvokeTarget> resolve(std::string_view function, std::string_view qualifier) const;

  // What an API event of the function with `logical_id` invokes: its AutoPublishAlias when it
  // has one (SAM points the integration at the alias), else $LATEST.
  Result<InvokeTarget> resolve_for_api(std::string_view logical_id) const;

  // Invokes the target and records its metrics; see Invoker::invoke and invoke_detached.
  void invoke(const InvokeTarget& target, nlohmann::json event, InvokeCallback done);
  void invoke_detached(const InvokeTarget& target, nlohmann::json event, InvokeCallback done);

  FunctionStore& store() { return store_; }
  InvocationMetrics& metrics() { return metrics_; }

  // Also keeps each invocation, with its log, in `journal` (the console's recent invocations).
  // Set before invocations start; the journal must outlive the service.
  void set_journal(InvocationJournal* journal) { journal_ = journal; }

 private:
  FunctionStore& store_;
  InvokeCallback recording(const InvokeTarget& target, InvokeCallback done);

  Invoker& invoker_;
  Random& random_;
  InvocationMetrics& metrics_;
  InvocationJournal* journal_ = nullptr;
};

}  // namespace emu::lambda
