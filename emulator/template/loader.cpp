#include "emulator/template/loader.h"

#include <exception>
#include <fstream>
#include <set>
#include <sstream>

#include "emulator/core/closest_names.h"
#include "emulator/template/api_events.h"
#include "emulator/template/api_auth.h"
#include "emulator/template/api_resource.h"
#include "emulator/template/alarm_resource.h"
#include "emulator/template/deployment_config_resource.h"
#include "emulator/template/deployment_preference.h"
#include "emulator/template/function_resource.h"
#include "emulator/template/globals.h"
#include "emulator/template/http_api_resource.h"
#include "emulator/template/outputs.h"
#include "emulator/template/parameters.h"
#include "emulator/template/property_reader.h"
#include "emulator/template/pseudo_parameters.h"
#include "emulator/template/resources.h"
#include "emulator/template/stack_scope.h"
#include "emulator/template/template_error.h"
#include "emulator/template/template_sections.h"
#include "emulator/template/yaml_reader.h"

namespace emu::tmpl {
namespace {

// CloudFormation accepts template bodies of up to 1 MB from S3; SAM templates before the
// transform are smaller still. Beyond this the text is surely not a template.
constexpr std::size_t kMaxTemplateBytes = 16 * 1024 * 1024;

Result<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return template_error(SourceLocation{path, 0, 0}, "",
                          "cannot open the template file; check the path (a relative path starts "
                          "at the current folder; with no path, `emulator` serves ./template.yaml)");
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return template_error(SourceLocation{path, 0, 0}, "", "cannot read the file");
  return text.str();
}

Result<std::string> stack_name_of(const LoadOptions& options, const std::string& display_path) {
  if (options.stack_name.empty()) return stack_name_for_template(display_path);
  if (!is_valid_stack_name(options.stack_name))
    return template_error(SourceLocation{display_path, 0, 0}, "",
                          "stack name " + quote(options.stack_name) +
                              " is not valid: it must start with a letter and contain only "
                              "letters, digits and '-' (at most 128 characters)");
  return options.stack_name;
}

SourceLocation section_key_where(const Node& root, const char* section) {
  const MapEntry* entry = root.find_entry(section);
  return entry ? entry->key_where : root.where;
}

std::optional<Error> check_name_clashes(const ParameterValues& parameters,
                                        const std::vector<ResourceDecl>& resources) {
  for (const auto& resource : resources)
    if (parameters.count(resource.logical_id))
      return template_error(resource.where, resource.path(),
                            "'" + resource.logical_id + "' names both a parameter and a resource; "
                            "logical ids must be unique");
  return std::nullopt;
}

std::optional<Error> evaluate_all_conditions(const Node& root, StackScope& scope) {
  const Node* conditions = root.find("Conditions");
  if (!conditions) return std::nullopt;
  for (const auto& entry : conditions->entries) {
    auto holds = scope.condition(entry.key, entry.key_where, "Conditions." + entry.key);
    if (!holds) return holds.error();
  }
  return std::nullopt;
}

std::optional<Error> add_resource(const ResourceDecl& resource, StackScope& scope,
                                  std::set<std::string>& reported_event_types, Stack& stack) {
  if (resource.type == kFunctionType) {
    auto function = read_function(resource, scope, reported_event_types, stack.warnings);
    if (!function) return function.error();
    stack.functions.push_back(std::move(function.value()));
  } else if (resource.type == kApiType) {
    auto api = read_api(resource, scope, stack.warnings);
    if (!api) return api.error();
    stack.apis.push_back(std::move(api.value()));
  } else if (resource.type == kHttpApiType) {
    auto api = read_http_api(resource, scope, stack.warnings);
    if (!api) return api.error();
    stack.apis.push_back(std::move(api.value()));
  } else if (resource.type == kLayerType) {
    // Served through the functions whose Layers name it (function_resource.cpp).
  } else if (resource.type == kAlarmType) {
    auto alarm = read_alarm(resource, scope, stack.warnings);
    if (!alarm) return alarm.error();
    stack.alarms.push_back(std::move(alarm.value()));  // evaluated by cloudwatch::Alarms
  } else if (is_lambda_deployment_config(resource)) {
    auto config = read_deployment_config(resource, scope);
    if (!config) return config.error();
    stack.deployment_configs.push_back(std::move(config.value()));
  } else {
    stack.not_emulated.push_back(OtherResource{resource.logical_id, resource.type});
  }
  return std::nullopt;
}

// The implicit APIs SAM creates, first in stack.apis (ServerlessRestApi, then ServerlessHttpApi),
// each located at the first event that uses it.
std::optional<Error> add_implicit_apis(const Globals& globals, StackScope& scope, Stack& stack) {
  const ApiEvent* rest = nullptr;
  const ApiEvent* http = nullptr;
  for (const auto& function : stack.functions)
    for (const auto& event : function.api_events) {
      if (!rest && event.api == kImplicitApiId) rest = &event;
      if (!http && event.api == kImplicitHttpApiId) http = &event;
    }
  // A template may declare the implicit API itself (a resource named ServerlessHttpApi, to give it
  // CorsConfiguration, say); its events then join that resource, as SAM's implicit API plugins
  // merge into an existing resource of that name.
  if (stack.find_api(kImplicitApiId)) rest = nullptr;
  if (stack.find_api(kImplicitHttpApiId)) http = nullptr;
  std::vector<ApiSpec> implicit;
  if (rest) {
    auto api = implicit_api(globals.api, scope, rest->where, stack.warnings);
    if (!api) return api.error();
    implicit.push_back(std::move(api).value());
  }
  if (http) {
    auto api = implicit_http_api(globals.http_api, scope, http->where, stack.warnings);
    if (!api) return api.error();
    implicit.push_back(std::move(api).value());
  }
  stack.apis.insert(stack.apis.begin(), std::make_move_iterator(implicit.begin()),
                    std::make_move_iterator(implicit.end()));
  return std::nullopt;
}

// A DeploymentPreference Type must be a predefined CodeDeploy Lambda configuration or an
// AWS::CodeDeploy::DeploymentConfig of the template: SAM passes any other name on as the deployment
// group's DeploymentConfigName and CodeDeploy refuses it (DeploymentConfigDoesNotExistException,
// CodeDeploy API reference, "CreateDeploymentGroup"), failing the stack.
std::optional<Error> check_deployment_types(const Stack& stack) {
  for (const auto& function : stack.functions) {
    const auto& preference = function.deployment_preference;
    if (!preference || !preference->enabled || is_predefined_deployment_type(preference->type))
      continue;
    std::vector<std::string> valid = predefined_deployment_types();
    bool declared = false;
    for (const auto& config : stack.deployment_configs) {
      declared = declared || config.name == preference->type;
      valid.push_back(config.name);
    }
    if (declared) continue;
    std::string names;
    for (const auto& name : closest_first(preference->type, valid))
      names += (names.empty() ? "" : ", ") + name;
    return template_error(
        preference->type_where,
        "Resources." + function.logical_id + ".Properties.DeploymentPreference.Type",
        quote(preference->type) +
            " is not a deployment configuration: neither one CodeDeploy predefines for Lambda nor "
            "an AWS::CodeDeploy::DeploymentConfig of this template, so CodeDeploy would refuse "
            "the deployment group. Use one of (closest first): " + names);
  }
  return std::nullopt;
}

std::optional<Error> read_resources_into(const std::vector<ResourceDecl>& resources,
                                         const Globals& globals, StackScope& scope, Stack& stack) {
  std::set<std::string> reported_event_types;
  for (const auto& resource : resources) {
    if (!scope.is_created(resource.logical_id)) continue;
    if (auto error = add_resource(resource, scope, reported_event_types, stack)) return error;
  }
  if (auto error = add_implicit_apis(globals, scope, stack)) return error;
  if (auto error = check_unique_routes(stack.functions)) return error;
  if (auto error = resolve_authorizers(stack)) return error;
  return check_deployment_types(stack);
}

// Resolves into `stack`; on an error, stack.warnings holds what was found before it.
std::optional<Error> load(const std::string& text, const std::string& display_path,
                          const LoadOptions& options, Stack& stack) {
  if (text.size() > kMaxTemplateBytes)
    return template_error(SourceLocation{display_path, 0, 0}, "",
                          "the template is larger than " + std::to_string(kMaxTemplateBytes) +
                              " bytes; CloudFormation accepts at most 1 MB");
  auto root = read_yaml(text, display_path);
  if (!root) return root.error();
  if (auto error = check_sections(root.value(), stack.warnings)) return *error;
  auto stack_name = stack_name_of(options, display_path);
  if (!stack_name) return stack_name.error();
  auto parameters = resolve_parameters(root->find("Parameters"),
                                       section_key_where(root.value(), "Parameters"),
                                       options.parameter_overrides);
  if (!parameters) return parameters.error();
  auto globals = read_globals(root->find("Globals"));
  if (!globals) return globals.error();
  auto resources = read_resources(root.value(), globals.value(), stack.warnings);
  if (!resources) return resources.error();
  if (auto error = check_name_clashes(parameters.value(), resources.value())) return *error;

  const PseudoParameters pseudo = make_pseudo_parameters(options.region, stack_name.value());
  stack.template_path = display_path;
  stack.stack_name = pseudo.stack_name;
  stack.region = pseudo.region;
  stack.partition = pseudo.partition;
  stack.url_suffix = pseudo.url_suffix;
  for (const auto& [name, value] : parameters.value()) stack.parameters[name] = value.text;

  StackScope scope(ScopeInputs{pseudo, std::move(parameters.value()), root->find("Conditions"),
                               root->find("Mappings"), &resources.value(), false, false,
                               options.function_versions});
  if (auto error = evaluate_all_conditions(root.value(), scope)) return *error;
  if (auto error = scope.decide_created_resources()) return *error;
  auto implicit = needs_implicit_apis(resources.value(), scope);
  if (!implicit) return implicit.error();
  scope.set_implicit_apis(implicit->rest, implicit->http);
  if (auto error = read_resources_into(resources.value(), globals.value(), scope, stack))
    return *error;
  if (stack.find_api(kImplicitApiId))  // explicit APIs merged Globals.Api
    warn_not_emulated_api_properties(globals->api, "Globals.Api", stack.warnings);
  auto outputs = read_outputs(root->find("Outputs"), scope);
  if (!outputs) return outputs.error();
  stack.outputs = std::move(outputs.value());
  return std::nullopt;
}

// `error`, with the warnings found before it handed to the caller to print first; when one of
// them is an ignored key, the error says that it may be the cause (a key indented at the wrong
// level is ignored where it stands, and what it should have configured is missing further on).
Error after_warnings(Error error, const std::vector<std::string>& warnings,
                     std::vector<std::string>* warnings_before_error) {
  if (!warnings_before_error) return error;  // nobody will print them: say nothing of them
  for (const auto& warning : warnings) {
    if (!warning.ends_with(kIgnoredKeyNote)) continue;
    error.message +=
        " (the ignored key warned about before this error may be the cause: a key indented at "
        "the wrong level is ignored where it stands)";
    break;
  }
  warnings_before_error->insert(warnings_before_error->end(), warnings.begin(), warnings.end());
  return error;
}

}  // namespace

Result<Stack> load_stack(const LoadOptions& options,
                         std::vector<std::string>* warnings_before_error) {
  auto text = read_file(options.template_path);
  if (!text) return text.error();
  return load_stack_from_string(text.value(), options.template_path, options,
                                warnings_before_error);
}

Result<Stack> load_stack_from_string(const std::string& text, const std::string& display_path,
                                     const LoadOptions& options,
                                     std::vector<std::string>* warnings_before_error) {
  // yaml-cpp's exceptions are translated in yaml_reader; this only keeps the promise that nothing
  // escapes (e.g. std::bad_alloc on a pathological template).
  try {
    Stack stack;
    if (auto error = load(text, display_path, options, stack))
      return after_warnings(std::move(*error), stack.warnings, warnings_before_error);
    return stack;
  } catch (const std::exception& failure) {
    return template_error(SourceLocation{display_path, 0, 0}, "",
                          std::string("the template could not be loaded: ") + failure.what());
  }
}

}  // namespace emu::tmpl
