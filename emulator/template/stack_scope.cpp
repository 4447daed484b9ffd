#include "emulator/template/stack_scope.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "emulator/core/ids.h"
#include "emulator/template/conditions.h"
#include "emulator/template/deployment_config_resource.h"
#include "emulator/template/stack.h"
#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

constexpr std::size_t kMaxFunctionNameLength = 64;   // Lambda's limit on function names
constexpr std::size_t kMaxRoleNameLength = 64;       // IAM's limit on role names
constexpr std::size_t kMaxPhysicalIdLength = 128;
constexpr std::size_t kSuffixLength = 13;            // CloudFormation's generated name suffix

// "sqs" for "AWS::SQS::Queue", for plausible ARNs of resources the emulator does not run.
std::string service_of(const std::string& type) {
  const auto start = type.find("::");
  if (start == std::string::npos) return "unknown";
  const auto end = type.find("::", start + 2);
  std::string service = type.substr(start + 2, end == std::string::npos ? end : end - start - 2);
  std::transform(service.begin(), service.end(), service.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return service;
}

}  // namespace

StackScope::StackScope(ScopeInputs inputs) : inputs_(std::move(inputs)), evaluator_(*this) {
  for (const auto& resource : *inputs_.resources) by_id_[resource.logical_id] = &resource;
}

std::optional<Error> StackScope::decide_created_resources() {
  for (const auto& resource : *inputs_.resources) {
    bool created = true;
    if (resource.condition) {
      auto holds = condition(*resource.condition, resource.condition_where,
                             resource.path() + ".Condition");
      if (!holds) return holds.error();
      created = holds.value();
    }
    created_[resource.logical_id] = created;
  }
  return std::nullopt;
}

Result<std::optional<Node>> StackScope::evaluate_property(const ResourceDecl& resource,
                                                          const std::string& key) {
  const Node* value = resource.property(key);
  if (!value) return std::optional<Node>();
  return evaluator_.evaluate(*value, resource.property_path(key));
}

bool StackScope::is_created(const std::string& logical_id) const {
  const auto found = created_.find(logical_id);
  return found != created_.end() && found->second;
}

const ResourceDecl* StackScope::find_resource(const std::string& logical_id) const {
  const auto found = by_id_.find(logical_id);
  return found == by_id_.end() ? nullptr : found->second;
}

std::string StackScope::circular_chain(const std::vector<std::string>& chain,
                                       const std::string& key) const {
  const auto start = std::find(chain.begin(), chain.end(), key);
  std::string text;
  for (auto it = start; it != chain.end(); ++it) text += *it + " -> ";
  return text + key;
}

template <class Compute>
Result<std::string> StackScope::resolve_once(const std::string& key, const SourceLocation& where,
                                             const std::string& path, Compute compute) {
  if (const auto found = resolved_.find(key); found != resolved_.end()) return found->second;
  if (std::find(resolving_.begin(), resolving_.end(), key) != resolving_.end())
    return template_error(where, path, "circular reference: " + circular_chain(resolving_, key));
  resolving_.push_back(key);
  Result<std::string> value = compute();
  resolving_.pop_back();
  if (value) resolved_[key] = value.value();
  return value;
}

std::string StackScope::physical_id(const std::string& logical_id, std::size_t max_length) const {
  const std::string& stack = inputs_.pseudo.stack_name;
  std::string prefix = stack + "-" + logical_id;
  prefix.resize(std::min(prefix.size(), max_length - kSuffixLength - 1));
  return prefix + "-" + ids::stable_id(stack + "/" + logical_id, kSuffixLength, ids::kUpperAlnum);
}

std::string StackScope::api_id(const std::string& logical_id) const {
  return ids::stable_id(inputs_.pseudo.stack_name + "/" + logical_id, 10, ids::kLowerAlnum);
}

std::string StackScope::function_arn(const std::string& name) const {
  const auto& pseudo = inputs_.pseudo;
  return "arn:" + pseudo.partition + ":lambda:" + pseudo.region + ":" + pseudo.account_id +
         ":function:" + name;
}

Result<std::string> StackScope::function_name(const ResourceDecl& function) {
  return function_name(function, function.where, function.path());
}

Result<std::string> StackScope::function_name(const ResourceDecl& function,
                                              const SourceLocation& where, const std::string& path) {
  return resolve_once(function.logical_id, where, path, [&]() -> Result<std::string> {
    const Node* name = function.property("FunctionName");
    if (!name) return physical_id(function.logical_id, kMaxFunctionNameLength);
    return evaluator_.evaluate_string(*name, function.property_path("FunctionName"));
  });
}

Result<std::optional<std::string>> StackScope::function_alias(const ResourceDecl& function) {
  return function_alias(function, function.where, function.path());
}

Result<std::optional<std::string>> StackScope::function_alias(const ResourceDecl& function,
                                                              const SourceLocation& where,
                                                              const std::string& path) {
  const Node* alias = function.property("AutoPublishAlias");
  if (!alias) return std::optional<std::string>();
  auto value = resolve_once(function.logical_id + ".Alias", where, path, [&]() -> Result<std::string> {
    return evaluator_.evaluate_string(*alias, function.property_path("AutoPublishAlias"));
  });
  if (!value) return value.error();
  return std::optional<std::string>(value.value());
}

Result<std::string> StackScope::deployment_config_name(const ResourceDecl& config) {
  return deployment_config_name(config, config.where, config.path());
}

Result<std::string> StackScope::deployment_config_name(const ResourceDecl& config,
                                                       const SourceLocation& where,
                                                       const std::string& path) {
  return resolve_once(config.logical_id, where, path, [&]() -> Result<std::string> {
    const Node* name = config.property("DeploymentConfigName");
    if (!name) return physical_id(config.logical_id, kMaxPhysicalIdLength);
    return evaluator_.evaluate_string(*name, config.property_path("DeploymentConfigName"));
  });
}

Result<std::string> StackScope::alarm_name(const ResourceDecl& alarm, const SourceLocation& where,
                                           const std::string& path) {
  return resolve_once(alarm.logical_id, where, path, [&]() -> Result<std::string> {
    const Node* name = alarm.property("AlarmName");
    if (!name) return physical_id(alarm.logical_id, kMaxPhysicalIdLength);
    return evaluator_.evaluate_string(*name, alarm.property_path("AlarmName"));
  });
}

Result<const ResourceDecl*> StackScope::created_resource(const std::string& logical_id,
                                                         const SourceLocation& where,
                                                         const std::string& path) const {
  const ResourceDecl* resource = find_resource(logical_id);
  if (!resource)
    return template_error(where, path,
                          "'" + logical_id + "' is not a parameter, pseudo parameter or resource "
                          "of this template");
  if (!created_.empty() && !is_created(logical_id))
    return template_error(where, path,
                          "resource '" + logical_id + "' is not created because its Condition '" +
                              resource->condition.value_or("") +
                              "' is false; guard this reference with Fn::If on that condition");
  return resource;
}

Result<std::string> StackScope::resource_ref(const ResourceDecl& resource,
                                             const SourceLocation& where, const std::string& path) {
  if (resource.type == kFunctionType) return function_name(resource, where, path);
  if (resource.type == kApiType || resource.type == kHttpApiType)
    return api_id(resource.logical_id);
  if (is_lambda_deployment_config(resource)) return deployment_config_name(resource, where, path);
  // Ref of an alarm is its name (CloudFormation User Guide, AWS::CloudWatch::Alarm, "Return values").
  if (resource.type == kAlarmType) return alarm_name(resource, where, path);
  return physical_id(resource.logical_id, kMaxPhysicalIdLength);
}

Result<std::string> StackScope::version_or_alias(const ResourceDecl& function,
                                                 const std::string& which,
                                                 const SourceLocation& where,
                                                 const std::string& path) {
  auto alias = function_alias(function, where, path);
  if (!alias) return alias.error();
  if (!alias.value())
    return template_error(where, path,
                          "'" + function.logical_id + "." + which + "' exists only for a function "
                          "with AutoPublishAlias; add AutoPublishAlias to " + function.logical_id);
  auto name = function_name(function, where, path);
  if (!name) return name.error();
  if (which != "Version") return function_arn(name.value()) + ":" + *alias.value();
  auto version = inputs_.function_versions.find(function.logical_id);
  int number = version == inputs_.function_versions.end() ? 1 : version->second;
  return function_arn(name.value()) + ":" + std::to_string(number);
}

// SAM's generated resources that a template may name: "<Function>.Version", "<Function>.Alias",
// "<Function>Role" (when the function has no Role) and the implicit "ServerlessRestApi" and
// "ServerlessHttpApi".
std::optional<Result<std::string>> StackScope::generated_ref(const std::string& name,
                                                             const SourceLocation& where,
                                                             const std::string& path) {
  if (const auto dot = name.find('.'); dot != std::string::npos) {
    const std::string which = name.substr(dot + 1);
    const ResourceDecl* function = find_resource(name.substr(0, dot));
    if (!function || function->type != kFunctionType || (which != "Version" && which != "Alias"))
      return std::nullopt;
    auto created = created_resource(function->logical_id, where, path);
    if (!created) return Result<std::string>(created.error());
    return version_or_alias(*function, which, where, path);
  }
  if (name == kImplicitApiId && inputs_.has_implicit_api) return api_id(name);
  if (name == kImplicitHttpApiId && inputs_.has_implicit_http_api) return api_id(name);
  if (implicit_role_owner(name)) return physical_id(name, kMaxRoleNameLength);
  return std::nullopt;
}

const ResourceDecl* StackScope::implicit_role_owner(const std::string& name) const {
  if (!name.ends_with("Role")) return nullptr;
  const ResourceDecl* function = find_resource(name.substr(0, name.size() - 4));
  if (!function || function->type != kFunctionType || function->property("Role")) return nullptr;
  return function;
}

bool StackScope::is_generated_reference(const std::string& name) const {
  const auto dot = name.find('.');
  if (dot == std::string::npos) return false;
  const std::string which = name.substr(dot + 1);
  const ResourceDecl* function = find_resource(name.substr(0, dot));
  return function && function->type == kFunctionType && (which == "Version" || which == "Alias");
}

Result<std::optional<Node>> StackScope::ref(const std::string& name, const SourceLocation& where,
                                            const std::string& path) {
  const auto as_node = [&](Result<std::string> text) -> Result<std::optional<Node>> {
    if (!text) return text.error();
    return std::optional<Node>(Node::scalar(std::move(text.value()), where));
  };
  if (name == "AWS::NoValue") return std::optional<Node>();
  if (name.starts_with("AWS::")) {
    if (auto value = pseudo_parameter(inputs_.pseudo, name, where)) return value;
    return template_error(where, path, "unknown pseudo parameter '" + name +
                                           "'; the pseudo parameters are " +
                                           pseudo_parameter_names_text());
  }
  if (const auto parameter = inputs_.parameters.find(name); parameter != inputs_.parameters.end()) {
    Node value = parameter->second.value;
    value.where = where;
    for (auto& item : value.items) item.where = where;
    return std::optional<Node>(std::move(value));
  }
  if (find_resource(name)) {
    auto resource = created_resource(name, where, path);
    if (!resource) return resource.error();
    return as_node(resource_ref(*resource.value(), where, path));
  }
  if (auto generated = generated_ref(name, where, path)) return as_node(std::move(*generated));
  return template_error(where, path,
                        "'" + name + "' is not a parameter, pseudo parameter or resource of this "
                        "template");
}

Result<Node> StackScope::get_att(const std::string& logical_id, const std::string& attribute,
                                 const SourceLocation& where, const std::string& path) {
  const auto& pseudo = inputs_.pseudo;
  const auto as_node = [&](Result<std::string> text) -> Result<Node> {
    if (!text) return text.error();
    return Node::scalar(std::move(text.value()), where);
  };
  const auto no_attribute = [&](const std::string& type, const std::string& known) -> Error {
    return template_error(where, path,
                          type + " '" + logical_id + "' has no attribute '" + attribute +
                              "' the emulator knows; supported: " + known);
  };
  if (logical_id == kImplicitApiId && inputs_.has_implicit_api && !find_resource(logical_id)) {
    if (attribute == "RootResourceId") return as_node(api_id(logical_id + "/root"));
    return no_attribute(kApiType, "RootResourceId");
  }
  // AWS::ApiGatewayV2::Api's ApiEndpoint: "https://<api-id>.execute-api.<region>.amazonaws.com"
  // (CloudFormation User Guide, AWS::ApiGatewayV2::Api, "Return values"), which SAM passes on.
  const auto http_api_attribute = [&]() -> Result<Node> {
    if (attribute == "ApiEndpoint")
      return as_node("https://" + api_id(logical_id) + ".execute-api." + pseudo.region + "." +
                     pseudo.url_suffix);
    if (attribute == "ApiId") return as_node(api_id(logical_id));
    return no_attribute(kHttpApiType, "ApiEndpoint, ApiId");
  };
  if (logical_id == kImplicitHttpApiId && inputs_.has_implicit_http_api &&
      !find_resource(logical_id))
    return http_api_attribute();
  if (implicit_role_owner(logical_id) && !find_resource(logical_id)) {
    if (attribute == "Arn")
      return as_node("arn:" + pseudo.partition + ":iam::" + pseudo.account_id + ":role/" +
                     physical_id(logical_id, kMaxRoleNameLength));
    return no_attribute("AWS::IAM::Role", "Arn");
  }
  auto resource = created_resource(logical_id, where, path);
  if (!resource) return resource.error();
  const ResourceDecl& found = *resource.value();
  if (found.type == kFunctionType) {
    if (attribute != "Arn") return no_attribute(found.type, "Arn");
    auto name = function_name(found, where, path);
    if (!name) return name.error();
    return as_node(function_arn(name.value()));
  }
  if (found.type == kApiType) {
    if (attribute == "RootResourceId") return as_node(api_id(logical_id + "/root"));
    return no_attribute(found.type, "RootResourceId");
  }
  if (found.type == kHttpApiType) return http_api_attribute();
  if (is_lambda_deployment_config(found))
    return template_error(where, path, "AWS::CodeDeploy::DeploymentConfig has no attributes; "
                                       "use !Ref " + logical_id + " for its name");
  return as_node("arn:" + pseudo.partition + ":" + service_of(found.type) + ":" + pseudo.region +
                 ":" + pseudo.account_id + ":" + logical_id + "/" + attribute);
}

Result<bool> StackScope::condition(const std::string& name, const SourceLocation& where,
                                   const std::string& path) {
  if (const auto found = conditions_.find(name); found != conditions_.end()) return found->second;
  const Node* expression = inputs_.conditions ? inputs_.conditions->find(name) : nullptr;
  if (!expression)
    return template_error(where, path,
                          "condition '" + name + "' is not declared in the Conditions section");
  if (std::find(evaluating_conditions_.begin(), evaluating_conditions_.end(), name) !=
      evaluating_conditions_.end())
    return template_error(where, path, "circular condition reference: " +
                                           circular_chain(evaluating_conditions_, name));
  evaluating_conditions_.push_back(name);
  auto holds = evaluate_condition(*expression, "Conditions." + name, evaluator_, *this);
  evaluating_conditions_.pop_back();
  if (holds) conditions_[name] = holds.value();
  return holds;
}

}  // namespace emu::tmpl
