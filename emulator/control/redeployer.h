// Redeployer: `emulator deploy`, as `sam deploy` followed by CloudFormation and CodeDeploy would
// do it. Resolves the template anew (parameter overrides on top of those in force), and per
// function compares the new configuration with the version its alias serves (code identity,
// handler, runtime, environment, timeout, memory):
//   - unchanged: nothing happens;
//   - changed, with AutoPublishAlias: $LATEST is replaced and a new version published; with an
//     enabled DeploymentPreference a CodeDeploy deployment moves the alias, otherwise (or when
//     the request says so, as `sam sync` does) the alias moves at once;
//   - changed, without AutoPublishAlias: $LATEST is replaced;
//   - new in the template: added (version 1 and its alias when it has AutoPublishAlias).
// Functions without an alias (the hooks) are updated first, so a deployment's hooks already run
// the new code. Routes are rebuilt and swapped atomically. A deploy that would change a function
// with a deployment in progress is refused whole and changes nothing. Serialised: one deploy at
// a time.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "emulator/apigateway/route_table_holder.h"
#include "emulator/codedeploy/deployment_engine.h"
#include "emulator/core/result.h"
#include "emulator/lambda/lambda_service.h"
#include "emulator/template/loader.h"

namespace emu::control {

struct DeployRequest {
  std::string template_path;  // "" = the template being served
  std::map<std::string, std::string> parameter_overrides;
  // false: a changed function's alias moves to its new version at once even when it has a
  // DeploymentPreference, as `sam sync` does (--watch; app/hot_reload.h).
  bool use_deployment_preference = true;
};

struct FunctionChange {
  std::string logical_id;
  std::string function_name;
  std::string action;          // "deployment", "alias-moved", "latest-replaced", "added"
  std::string from_version;
  std::string to_version;
  std::string deployment_id;   // for "deployment"
  std::string deployment_config_name;
};

struct DeployOutcome {
  std::string message;
  std::vector<FunctionChange> changes;
  bool routes_changed = false;
};

class Redeployer {
 public:
  // `initial` is the stack being served, loaded with `load_options`; `routes` is where the
  // gateway reads its route table. All references must outlive the redeployer.
  Redeployer(tmpl::LoadOptions load_options, tmpl::Stack initial,
             apigw::RouteTableHolder& routes, lambda::LambdaService& lambda,
             codedeploy::DeploymentEngine& engine);

  // Errors: code "TemplateError" (the message has file:line:column) or
  // "DeploymentInProgressException".
  Result<DeployOutcome> deploy(const DeployRequest& request);

  // The stack in force (after the last successful deploy).
  tmpl::Stack stack() const;

  // Called by deploy() with the stack in force and the new one, once the new one is accepted and
  // before any function or deployment changes: the owner updates what else the stack defines
  // (CloudWatch alarms). Set before the first deploy.
  using StackChange = std::function<void(const tmpl::Stack& before, const tmpl::Stack& after)>;
  void set_on_stack_change(StackChange hook) { on_stack_change_ = std::move(hook); }

 private:
  mutable std::mutex mutex_;
  tmpl::LoadOptions load_options_;
  tmpl::Stack stack_;
  apigw::RouteTableHolder& routes_;
  lambda::LambdaService& lambda_;
  codedeploy::DeploymentEngine& engine_;
  StackChange on_stack_change_;
};

}  // namespace emu::control
