#include "emulator/lambda/lambda_service.h"

#include "emulator/lambda/model/lambda_errors.h"

namespace emu::lambda {

Result<InvokeTarget> LambdaService::resolve(std::string_view function,
                                            std::string_view qualifier) const {
  auto found = store_.find(function);
  if (!found) {
    // The ARN Lambda names in its message, built from the store's own naming.
    auto any = store_.snapshot()->functions;
    std::string prefix = any.empty() ? "arn:aws:lambda:us-east-1:123456789012:function:"
                                     : any.front()->arn.substr(0, any.front()->arn.rfind(':') + 1);
    return errors::resource_not_found("Function not found: " + prefix + std::string(function) +
                                      (qualifier.empty() ? "" : ":" + std::string(qualifier)));
  }
  InvokeTarget target;
  target.function = found;
  if (qualifier.empty()) {
    target.version = found->latest;
    target.invoked_arn = found->arn;
    return target;
  }
  target.invoked_arn = found->qualified_arn(qualifier);
  if (auto version = found->version(qualifier)) {
    target.version = std::move(version);
    return target;
  }
  if (auto alias = found->alias(qualifier)) {
    target.alias = alias->name;
    target.version = found->version(alias->choose_version(random_));
    if (target.version) return target;
  }
  return errors::resource_not_found("Function not found: " + target.invoked_arn);
}

Result<InvokeTarget> LambdaService::resolve_for_api(std::string_view logical_id) const {
  auto found = store_.find(logical_id);
  if (!found) return errors::resource_not_found("no function " + std::string(logical_id));
  return resolve(found->name, found->api_alias);
}

// `done`, after recording the invocation in the metrics.
InvokeCallback LambdaService::recording(const InvokeTarget& target, InvokeCallback done) {
  return [this, function = target.function, alias = target.alias,
          done = std::move(done)](InvokeResult result) {
    using Outcome = InvokeResult::Outcome;
    metrics_.record(function->name, result.executed_version, alias,
                    result.outcome != Outcome::kSuccess, result.outcome == Outcome::kTimeout,
                    result.duration_ms);
    if (journal_) {
      JournalEntry entry;
      entry.request_id = result.request_id;
      entry.function_name = function->name;
      entry.logical_id = function->logical_id;
      entry.version = result.executed_version;
      entry.alias = alias;
      entry.outcome = result.outcome == Outcome::kSuccess         ? "Success"
                      : result.outcome == Outcome::kFunctionError ? "Error"
                                                                   : "Timeout";
      entry.duration_ms = result.duration_ms;
      entry.log = result.log;
      journal_->record(std::move(entry));
    }
    done(std::move(result));
  };
}

void LambdaService::invoke(const InvokeTarget& target, nlohmann::json event, InvokeCallback done) {
  invoker_.invoke(target.version, std::move(event), target.invoked_arn,
                  recording(target, std::move(done)));
}

void LambdaService::invoke_detached(const InvokeTarget& target, nlohmann::json event,
                                    InvokeCallback done) {
  invoker_.invoke_detached(target.version, std::move(event), target.invoked_arn,
                           recording(target, std::move(done)));
}

}  // namespace emu::lambda
