#include "emulator/control/redeployer.h"

#include <set>

#include "emulator/codedeploy/deployment_groups.h"
#include "emulator/core/log.h"

namespace emu::control {
namespace {

// A function's plan for this deploy: its new $LATEST and whether it differs from what serves.
struct Plan {
  const tmpl::FunctionSpec* spec = nullptr;
  lambda::FunctionVersion candidate;
  lambda::LambdaFunctionPtr current;  // nullptr for a function new in the template
  bool changed = false;
};

// The version a function's API traffic runs now: its alias's primary, else $LATEST.
lambda::FunctionVersionPtr serving_version(const lambda::LambdaFunction& function) {
  if (auto alias = function.alias(function.api_alias))
    if (auto version = function.version(alias->function_version)) return version;
  return function.latest;
}

Result<std::vector<Plan>> plan(const tmpl::Stack& stack, const lambda::FunctionStore& store) {
  std::vector<Plan> plans;
  for (const auto& spec : stack.functions) {
    Plan p;
    p.spec = &spec;
    auto candidate = store.candidate(stack, spec);
    if (!candidate.ok()) return candidate.error();
    p.candidate = std::move(candidate).value();
    p.current = store.find(spec.logical_id);
    p.changed = !p.current || !serving_version(*p.current)->same_code_and_configuration(p.candidate);
    plans.push_back(std::move(p));
  }
  return plans;
}

std::map<std::string, int> version_numbers(const std::vector<Plan>& plans) {
  std::map<std::string, int> numbers;
  for (const auto& p : plans) {
    if (!p.spec->auto_publish_alias || !p.current) continue;
    auto serving = serving_version(*p.current);
    int in_force = serving->version == "$LATEST" ? 1 : std::stoi(serving->version);
    if (!p.changed) {
      numbers[p.spec->logical_id] = in_force;
      continue;
    }
    // PublishVersion returns the last version when nothing changed since it (after a rollback,
    // redeploying the same change reuses it), else makes the next number.
    const auto& versions = p.current->versions;
    bool reused = !versions.empty() && versions.back()->same_code_and_configuration(p.candidate);
    numbers[p.spec->logical_id] =
        reused ? std::stoi(versions.back()->version) : p.current->last_version_number + 1;
  }
  return numbers;
}

std::vector<std::string> route_keys(const apigw::RouteTable& table) {
  std::vector<std::string> keys;
  for (const auto& route : table.routes())
    keys.push_back(route.api_id + " " + route.stage + " " + route.method + " " +
                   route.resource_path + " " + route.function_logical_id);
  return keys;
}

}  // namespace

Redeployer::Redeployer(tmpl::LoadOptions load_options, tmpl::Stack initial,
                       apigw::RouteTableHolder& routes, lambda::LambdaService& lambda,
                       codedeploy::DeploymentEngine& engine)
    : load_options_(std::move(load_options)),
      stack_(std::move(initial)),
      routes_(routes),
      lambda_(lambda),
      engine_(engine) {}

tmpl::Stack Redeployer::stack() const {
  std::lock_guard lock(mutex_);
  return stack_;
}

Result<DeployOutcome> Redeployer::deploy(const DeployRequest& request) {
  std::lock_guard lock(mutex_);
  tmpl::LoadOptions options = load_options_;
  if (!request.template_path.empty()) options.template_path = request.template_path;
  for (const auto& [key, value] : request.parameter_overrides)
    options.parameter_overrides[key] = value;
  auto& store = lambda_.store();

  // Resolve until the versions that `Ref <Function>.Version` names agree with the plan: a new
  // version of one function changes the environment of functions that name it (the hooks).
  tmpl::Stack stack;
  std::vector<Plan> plans;
  for (int pass = 0; pass < 3; ++pass) {
    auto loaded = tmpl::load_stack(options);
    if (!loaded.ok()) return Error{"TemplateError", loaded.error().message};
    stack = std::move(loaded).value();
    auto planned = plan(stack, store);
    if (!planned.ok()) return Error{"TemplateError", planned.error().message};
    plans = std::move(planned).value();
    auto numbers = version_numbers(plans);
    if (numbers == options.function_versions) break;
    options.function_versions = numbers;
  }

  for (const auto& p : plans) {
    if (!p.changed || !p.current) continue;
    if (auto active = engine_.in_progress(p.current->name))
      return Error{"DeploymentInProgressException",
                   "Cannot deploy: " + p.spec->logical_id + " changed, but deployment " +
                       *active + " of " + p.current->name +
                       " is in progress. Wait for it to finish or stop it (aws deploy "
                       "stop-deployment --deployment-id " + *active +
                       "), then deploy again. Nothing was changed."};
  }

  if (on_stack_change_) on_stack_change_(stack_, stack);
  DeployOutcome outcome;
  auto application = codedeploy::application_for(stack);
  // Functions without an alias first: the hooks must run their new code when deployments start.
  std::vector<const Plan*> ordered;
  for (const auto& p : plans) if (!p.spec->auto_publish_alias) ordered.push_back(&p);
  for (const auto& p : plans) if (p.spec->auto_publish_alias) ordered.push_back(&p);

  for (const Plan* p : ordered) {
    if (!p->changed) continue;
    const auto& spec = *p->spec;
    FunctionChange change;
    change.logical_id = spec.logical_id;
    change.function_name = spec.function_name;
    std::string alias = spec.auto_publish_alias.value_or("");
    auto replaced = store.replace_latest(p->candidate, alias);
    if (!replaced.ok()) return replaced.error();
    if (!p->current) {
      change.action = "added";
      change.to_version = alias.empty() ? "$LATEST" : "1";
      outcome.changes.push_back(change);
      continue;
    }
    if (alias.empty()) {
      change.action = "latest-replaced";
      change.from_version = change.to_version = "$LATEST";
      outcome.changes.push_back(change);
      continue;
    }
    change.from_version = serving_version(*p->current)->version;
    auto published = store.publish_version(spec.function_name, "", "", "");
    if (!published.ok()) return published.error();
    change.to_version = published.value()->version;

    const auto& preference = spec.deployment_preference;
    if (preference && preference->enabled && request.use_deployment_preference) {
      codedeploy::DeploymentRequest deployment;
      deployment.application_name = application.name;
      for (const auto& group : application.groups)
        if (group.function_logical_id == spec.logical_id) deployment.group_name = group.name;
      auto config = codedeploy::find_config(stack, preference->type);
      deployment.config = config ? *config : codedeploy::predefined_configs().front();
      deployment.function_name = spec.function_name;
      deployment.alias = alias;
      deployment.from_version = change.from_version;
      deployment.to_version = change.to_version;
      deployment.pre_traffic_hook = preference->pre_traffic_hook;
      deployment.post_traffic_hook = preference->post_traffic_hook;
      deployment.alarms = preference->alarms;
      deployment.description = "emulator deploy of " + spec.logical_id;
      auto id = engine_.start(deployment);
      if (!id.ok()) return id.error();
      change.action = "deployment";
      change.deployment_id = id.value();
      change.deployment_config_name = deployment.config.name;
    } else {
      lambda::AliasChange move;
      move.function_version = change.to_version;
      move.additional_weights = std::map<std::string, double>{};
      auto moved = store.update_alias(spec.function_name, alias, move, "");
      if (!moved.ok()) return moved.error();
      change.action = "alias-moved";
    }
    outcome.changes.push_back(change);
  }

  std::vector<std::string> warnings;
  auto table = std::make_shared<const apigw::RouteTable>(apigw::RouteTable::build(stack, warnings));
  outcome.routes_changed = route_keys(*table) != route_keys(*routes_.load());
  routes_.store(table);
  for (const auto& warning : warnings) log::warn(warning);

  std::set<std::string> kept;
  for (const auto& spec : stack.functions) kept.insert(spec.logical_id);
  for (const auto& old : stack_.functions)
    if (!kept.count(old.logical_id))
      log::warn(old.logical_id + " is no longer in the template: its routes are gone, but the "
                "function itself stays until the emulator restarts");

  if (outcome.changes.empty() && !outcome.routes_changed)
    outcome.message = "No changes: the template resolves to what is already deployed.";
  else
    outcome.message = std::to_string(outcome.changes.size()) + " function(s) changed" +
                      (outcome.routes_changed ? "; routes updated" : "");
  log::info("Deploy: " + outcome.message);
  for (const auto& c : outcome.changes)
    log::info("Deploy: " + c.logical_id + " " + c.action + " " + c.from_version + " -> " +
              c.to_version + (c.deployment_id.empty() ? "" : " (" + c.deployment_id + ")"));
  load_options_.parameter_overrides = options.parameter_overrides;
  load_options_.template_path = options.template_path;
  stack_ = std::move(stack);
  return outcome;
}

}  // namespace emu::control
