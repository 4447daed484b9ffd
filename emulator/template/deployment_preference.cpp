#include "emulator/template/deployment_preference.h"

#include <array>
#include <string_view>

#include "emulator/template/property_reader.h"
#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

// AWS CodeDeploy User Guide, "Deployment configurations on an AWS Lambda compute platform".
constexpr std::array<std::string_view, 9> kPredefinedTypes = {
    "Canary10Percent30Minutes",       "Canary10Percent5Minutes",
    "Canary10Percent10Minutes",       "Canary10Percent15Minutes",
    "Linear10PercentEvery10Minutes",  "Linear10PercentEvery1Minute",
    "Linear10PercentEvery2Minutes",   "Linear10PercentEvery3Minutes",
    "AllAtOnce"};

constexpr std::array<std::string_view, 7> kKnownKeys = {
    "Type", "Enabled", "Hooks", "Alarms", "Role", "TriggerConfigurations", "PassthroughCondition"};

std::optional<Error> read_hooks(const Node& hooks, const std::string& path,
                                DeploymentPreference& preference) {
  if (auto error = expect_map(hooks, path)) return error;
  for (const auto& hook : hooks.entries) {
    const std::string hook_path = child_path(path, hook.key);
    if (hook.key != "PreTraffic" && hook.key != "PostTraffic")
      return template_error(hook.key_where, hook_path,
                            "'" + hook.key + "' is not a hook; expected PreTraffic or PostTraffic");
    auto name = read_string(hook.value, hook_path);
    if (!name) return name.error();
    (hook.key == "PreTraffic" ? preference.pre_traffic_hook : preference.post_traffic_hook) =
        name.value();
  }
  return std::nullopt;
}

std::optional<Error> read_fields(const Node& value, const std::string& path,
                                 DeploymentPreference& preference) {
  if (const Node* enabled = value.find("Enabled")) {
    auto flag = read_bool(*enabled, child_path(path, "Enabled"));
    if (!flag) return flag.error();
    preference.enabled = flag.value();
  }
  if (const Node* type = value.find("Type")) {
    auto text = read_string(*type, child_path(path, "Type"));
    if (!text) return text.error();
    preference.type = text.value();
    preference.type_where = type->where;
  }
  if (const Node* hooks = value.find("Hooks"))
    if (auto error = read_hooks(*hooks, child_path(path, "Hooks"), preference)) return error;
  if (const Node* alarms = value.find("Alarms")) {
    auto names = read_string_list(*alarms, child_path(path, "Alarms"));
    if (!names) return names.error();
    preference.alarms = names.value();
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> predefined_deployment_types() {
  return std::vector<std::string>(kPredefinedTypes.begin(), kPredefinedTypes.end());
}

bool is_predefined_deployment_type(const std::string& type) {
  // CodeDeploy's own names ("CodeDeployDefault.LambdaCanary10Percent5Minutes") are accepted too:
  // SAM passes a Type it does not shorten to CodeDeploy as it is.
  constexpr std::string_view kCodeDeployPrefix = "CodeDeployDefault.Lambda";
  std::string_view name = type;
  if (name.starts_with(kCodeDeployPrefix)) name.remove_prefix(kCodeDeployPrefix.size());
  for (std::string_view known : kPredefinedTypes)
    if (known == name) return true;
  return false;
}

Result<std::optional<DeploymentPreference>> read_deployment_preference(
    const ResourceDecl& function, bool has_alias, StackScope& scope,
    std::vector<std::string>& warnings) {
  auto evaluated = scope.evaluate_property(function, "DeploymentPreference");
  if (!evaluated) return evaluated.error();
  if (!evaluated.value()) return std::optional<DeploymentPreference>();
  const Node& value = *evaluated.value();
  const std::string path = function.property_path("DeploymentPreference");
  if (auto error = expect_map(value, path)) return *error;
  warn_unknown_keys(value, kKnownKeys, path, "DeploymentPreference", warnings);
  DeploymentPreference preference;
  preference.where = value.where;
  if (auto error = read_fields(value, path, preference)) return *error;
  if (preference.enabled && preference.type.empty())
    return template_error(value.where, path,
                          "'DeploymentPreference' is missing required Property 'Type'; e.g. "
                          "Canary10Percent5Minutes or AllAtOnce");
  if (preference.enabled && !has_alias)
    return template_error(value.where, path,
                          "'DeploymentPreference' requires AutoPublishAlias property to be "
                          "specified");
  return std::optional<DeploymentPreference>(std::move(preference));
}

}  // namespace emu::tmpl
