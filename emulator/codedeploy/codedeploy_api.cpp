#include "emulator/codedeploy/codedeploy_api.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "emulator/codedeploy/codedeploy_input.h"
#include "emulator/codedeploy/codedeploy_shapes.h"
#include "emulator/aws/json_protocol.h"
#include "emulator/core/log.h"

namespace emu::codedeploy {
namespace {

namespace http = boost::beast::http;
using server::HttpRequest;
using server::HttpResponse;
using Json = nlohmann::json;

// Names are 1..100 characters (model shapes ApplicationName, DeploymentGroupName,
// DeploymentConfigName).
constexpr std::size_t kMaxNameLength = 100;

// The model's DeploymentStatus enum: ListDeployments accepts all of them, though the engine
// never reaches Queued, Baking or Ready for Lambda.
constexpr std::array<std::string_view, 8> kDeploymentStatuses = {
    "Created", "Queued", "InProgress", "Baking", "Succeeded", "Failed", "Stopped", "Ready"};

// What a name member is called in messages and which exceptions the model has for it.
struct NameMember {
  const char* member;    // "applicationName"
  const char* what;      // "application name"
  const char* required;  // ApplicationNameRequiredException
  const char* invalid;   // InvalidApplicationNameException
};

constexpr NameMember kApplicationName = {"applicationName", "application name",
                                         "ApplicationNameRequiredException",
                                         "InvalidApplicationNameException"};
constexpr NameMember kGroupName = {"deploymentGroupName", "deployment group name",
                                   "DeploymentGroupNameRequiredException",
                                   "InvalidDeploymentGroupNameException"};
constexpr NameMember kConfigName = {"deploymentConfigName", "deployment configuration name",
                                    "DeploymentConfigNameRequiredException",
                                    "InvalidDeploymentConfigNameException"};

Error name_required(const NameMember& name) {
  return Error{name.required,
               std::string("The ") + name.what + " is required: pass " + name.member};
}

Error name_invalid(const NameMember& name, const std::string& value) {
  return Error{name.invalid, std::string("The ") + name.what + " '" + value +
                                 "' is not valid: it must be 1 to 100 characters long"};
}

// An optional name: absent is fine, present must be 1..100 characters.
Result<std::optional<std::string>> optional_name(const CodeDeployInput& input,
                                                 const NameMember& name) {
  auto value = input.string(name.member);
  if (!value.ok()) return value.error();
  if (value.value() && (value.value()->empty() || value.value()->size() > kMaxNameLength))
    return name_invalid(name, *value.value());
  return value;
}

// A required name: absent or empty is the model's "...RequiredException".
Result<std::string> required_name(const CodeDeployInput& input, const NameMember& name) {
  auto value = input.string(name.member);
  if (!value.ok()) return value.error();
  if (!value.value() || value.value()->empty()) return name_required(name);
  if (value.value()->size() > kMaxNameLength) return name_invalid(name, *value.value());
  return *value.value();
}

// "d-" and 9 upper-case letters or digits, as CodeDeploy's deployment ids.
bool valid_deployment_id(std::string_view id) {
  if (id.size() != 11 || !id.starts_with("d-")) return false;
  return std::all_of(id.begin() + 2, id.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

Error invalid_deployment_id(const std::string& id) {
  return Error{"InvalidDeploymentIdException",
               "Specified DeploymentId is not in the valid format: '" + id +
                   "' (a deployment id is \"d-\" and 9 upper-case letters or digits)"};
}

Result<std::string> required_deployment_id(const CodeDeployInput& input) {
  auto id = input.string("deploymentId");
  if (!id.ok()) return id.error();
  if (!id.value() || id.value()->empty())
    return Error{"DeploymentIdRequiredException",
                 "The deployment id is required: pass deploymentId"};
  if (!valid_deployment_id(*id.value())) return invalid_deployment_id(*id.value());
  return *id.value();
}

Error invalid_next_token(const std::string& token) {
  return Error{"InvalidNextTokenException",
               "The next token '" + token + "' was not given by an earlier call of this operation"};
}

// One page of `names` starting at `token` (the first name of the page, as the previous page's
// nextToken gave it) under `key`, with nextToken when more follow.
Result<Json> name_page(const std::vector<std::string>& names,
                       const std::optional<std::string>& token, const char* key) {
  std::size_t start = 0;
  if (token) {
    auto it = std::find(names.begin(), names.end(), *token);
    if (it == names.end()) return invalid_next_token(*token);
    start = static_cast<std::size_t>(it - names.begin());
  }
  std::size_t end = std::min(names.size(), start + kListPageSize);
  Json body = {{key, std::vector<std::string>(names.begin() + static_cast<std::ptrdiff_t>(start),
                                              names.begin() + static_cast<std::ptrdiff_t>(end))}};
  if (end < names.size()) body["nextToken"] = names[end];
  return body;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

// ListDeployments' createTimeRange: {start?, end?} in epoch seconds, both ends inclusive.
struct TimeRange {
  std::optional<double> start;
  std::optional<double> end;
  bool contains(double t) const { return (!start || t >= *start) && (!end || t <= *end); }
};

Result<std::optional<TimeRange>> time_range(const CodeDeployInput& input) {
  auto object = input.object("createTimeRange");
  if (!object.ok())
    return Error{"InvalidTimeRangeException", "createTimeRange must be an object {start, end}"};
  if (!object.value()) return std::optional<TimeRange>();
  TimeRange range;
  for (auto [member, slot] : {std::pair{"start", &range.start}, std::pair{"end", &range.end}}) {
    auto it = object.value()->find(member);
    if (it == object.value()->end() || it->is_null()) continue;
    if (!it->is_number())
      return Error{"InvalidTimeRangeException", std::string("createTimeRange.") + member +
                                                    " must be a timestamp (epoch seconds), not " +
                                                    it->type_name()};
    *slot = it->get<double>();
  }
  if (range.start && range.end && *range.start > *range.end)
    return Error{"InvalidTimeRangeException", "createTimeRange.start is after createTimeRange.end"};
  return std::optional<TimeRange>(range);
}

template <class T>
const Error* first_error(const Result<T>& result) {
  return result.ok() ? nullptr : &result.error();
}

// The operations, over the API's state for one request.
class Operations {
 public:
  Operations(DeploymentEngine& engine, const Application& application,
             const std::vector<DeploymentConfig>& configs, const std::string& region,
             const std::string& account_id)
      : engine_(engine),
        application_(application),
        configs_(configs),
        region_(region),
        account_id_(account_id) {}

  Result<Json> put_lifecycle_event_hook_execution_status(const CodeDeployInput& input) {
    auto id = required_deployment_id(input);
    auto execution_id = input.string("lifecycleEventHookExecutionId");
    auto status = input.string("status");
    for (const Error* error : {first_error(id), first_error(execution_id), first_error(status)})
      if (error) return *error;
    if (!execution_id.value() || execution_id.value()->empty())
      return Error{"InvalidLifecycleEventHookExecutionIdException",
                   "The lifecycle event hook execution id is required: pass "
                   "lifecycleEventHookExecutionId as the hook's event gave it"};
    if (!status.value() || status.value()->empty())
      return Error{"InvalidLifecycleEventHookExecutionStatusException",
                   "The status is required: pass Succeeded or Failed"};
    auto put = engine_.put_hook_status(id.value(), *execution_id.value(), *status.value());
    if (!put.ok()) return put.error();
    return Json{{"lifecycleEventHookExecutionId", *execution_id.value()}};
  }

  Result<Json> get_deployment(const CodeDeployInput& input) {
    auto id = required_deployment_id(input);
    if (!id.ok()) return id.error();
    auto deployment = engine_.get(id.value());
    if (!deployment.ok()) return deployment.error();
    return Json{{"deploymentInfo", info(deployment.value())}};
  }

  Result<Json> batch_get_deployments(const CodeDeployInput& input) {
    auto ids = input.strings("deploymentIds");
    if (!ids.ok()) return ids.error();
    if (!ids.value() || ids.value()->empty())
      return Error{"DeploymentIdRequiredException",
                   "At least one deployment id is required: pass deploymentIds"};
    if (ids.value()->size() > kBatchGetLimit)
      return Error{"BatchLimitExceededException",
                   "At most " + std::to_string(kBatchGetLimit) + " deployment ids may be given; " +
                       std::to_string(ids.value()->size()) + " were"};
    for (const auto& id : *ids.value())
      if (!valid_deployment_id(id)) return invalid_deployment_id(id);
    // Ids of no deployment are left out, as CodeDeploy does.
    Json list = Json::array();
    for (const auto& id : *ids.value()) {
      auto deployment = engine_.get(id);
      if (deployment.ok()) {
        list.push_back(info(deployment.value()));
      } else if (deployment.error().code != "DeploymentDoesNotExistException") {
        return deployment.error();
      }
    }
    return Json{{"deploymentsInfo", std::move(list)}};
  }

  // Newest first (the model does not say; the AWS CLI shows the newest first too).
  Result<Json> list_deployments(const CodeDeployInput& input) {
    auto application_name = optional_name(input, kApplicationName);
    auto group_name = optional_name(input, kGroupName);
    auto external_id = input.string("externalId");
    auto statuses = input.strings("includeOnlyStatuses");
    auto range = time_range(input);
    auto token = input.string("nextToken");
    for (const Error* error :
         {first_error(application_name), first_error(group_name), first_error(external_id),
          first_error(statuses), first_error(range), first_error(token)})
      if (error) return *error;
    // Both or neither (API reference, "ListDeployments").
    if (application_name.value() && !group_name.value()) return name_required(kGroupName);
    if (group_name.value() && !application_name.value()) return name_required(kApplicationName);
    if (application_name.value()) {
      auto group = find_group(*application_name.value(), *group_name.value());
      if (!group.ok()) return group.error();
    }
    if (statuses.value()) {
      for (const auto& status : *statuses.value())
        if (std::find(kDeploymentStatuses.begin(), kDeploymentStatuses.end(), status) ==
            kDeploymentStatuses.end())
          return Error{"InvalidDeploymentStatusException",
                       "includeOnlyStatuses has an unknown deployment status '" + status +
                           "'; valid: Created, Queued, InProgress, Baking, Succeeded, Failed, "
                           "Stopped, Ready"};
    }

    auto all = engine_.list();      // oldest first
    std::size_t from = all.size();  // the page starts at the token's deployment and goes older
    if (token.value()) {
      auto it = std::find_if(all.begin(), all.end(),
                             [&](const Deployment& d) { return d.id == *token.value(); });
      if (it == all.end()) return invalid_next_token(*token.value());
      from = static_cast<std::size_t>(it - all.begin()) + 1;
    }
    Json ids = Json::array();
    for (std::size_t i = from; i-- > 0;) {
      const Deployment& d = all[i];
      if (application_name.value() &&
          (d.application_name != *application_name.value() || d.group_name != *group_name.value()))
        continue;
      // No emulated deployment is linked to an external resource.
      if (external_id.value()) continue;
      if (statuses.value() && !statuses.value()->empty() &&
          std::find(statuses.value()->begin(), statuses.value()->end(), to_string(d.status)) ==
              statuses.value()->end())
        continue;
      if (range.value() && !range.value()->contains(epoch_seconds(engine_.clock(), d.create_time)))
        continue;
      if (ids.size() == kListPageSize) return Json{{"deployments", ids}, {"nextToken", d.id}};
      ids.push_back(d.id);
    }
    return Json{{"deployments", ids}};
  }

  Result<Json> stop_deployment(const CodeDeployInput& input) {
    auto id = required_deployment_id(input);
    auto rollback_flag = input.boolean("autoRollbackEnabled");
    for (const Error* error : {first_error(id), first_error(rollback_flag)})
      if (error) return *error;
    auto current = engine_.get(id.value());
    if (!current.ok()) return current.error();
    // Omitted: the deployment's own auto-rollback configuration decides, as CodeDeploy does.
    bool rollback = rollback_flag.value().value_or(current->auto_rollback);
    auto stopped = engine_.stop(id.value(), rollback);
    if (!stopped.ok()) return stopped.error();
    std::string message = "Deployment " + id.value() + " of " + current->function_name + ":" +
                          current->alias + " was stopped";
    auto after = engine_.get(id.value());
    if (after.ok() && !after->rollback_deployment_id.empty())
      message += "; rollback deployment " + after->rollback_deployment_id + " returned " +
                 current->alias + " to version " + current->from_version;
    else
      message += " without rollback; the alias keeps its routing as it was";
    log::info("CodeDeploy API: " + message);
    return Json{{"status", "Succeeded"}, {"statusMessage", message}};
  }

  Result<Json> list_applications(const CodeDeployInput& input) {
    auto token = input.string("nextToken");
    if (!token.ok()) return token.error();
    std::vector<std::string> names;
    if (application_exists()) names.push_back(application_.name);
    return name_page(names, token.value(), "applications");
  }

  Result<Json> get_application(const CodeDeployInput& input) {
    auto name = required_name(input, kApplicationName);
    if (!name.ok()) return name.error();
    auto found = find_application(name.value());
    if (!found.ok()) return found.error();
    return Json{{"application", application_info(application_, created())}};
  }

  Result<Json> list_deployment_groups(const CodeDeployInput& input) {
    auto name = required_name(input, kApplicationName);
    auto token = input.string("nextToken");
    for (const Error* error : {first_error(name), first_error(token)})
      if (error) return *error;
    auto found = find_application(name.value());
    if (!found.ok()) return found.error();
    std::vector<std::string> names;
    for (const auto& group : application_.groups) names.push_back(group.name);
    auto page = name_page(names, token.value(), "deploymentGroups");
    if (!page.ok()) return page.error();
    page.value()["applicationName"] = application_.name;
    return page;
  }

  Result<Json> get_deployment_group(const CodeDeployInput& input) {
    auto application_name = required_name(input, kApplicationName);
    if (!application_name.ok()) return application_name.error();
    auto group_name = required_name(input, kGroupName);
    if (!group_name.ok()) return group_name.error();
    auto group = find_group(application_name.value(), group_name.value());
    if (!group.ok()) return group.error();
    std::vector<Deployment> of_group;
    for (auto& d : engine_.list())
      if (d.application_name == application_.name && d.group_name == group.value()->name)
        of_group.push_back(std::move(d));
    return Json{{"deploymentGroupInfo",
                 deployment_group_info(application_, *group.value(), of_group, engine_.clock())}};
  }

  Result<Json> list_deployment_configs(const CodeDeployInput& input) {
    auto token = input.string("nextToken");
    if (!token.ok()) return token.error();
    std::vector<std::string> names;
    for (const auto& config : configs_) names.push_back(config.name);
    return name_page(names, token.value(), "deploymentConfigsList");
  }

  Result<Json> get_deployment_config(const CodeDeployInput& input) {
    auto name = required_name(input, kConfigName);
    if (!name.ok()) return name.error();
    for (const auto& config : configs_)
      if (config.name == name.value())
        return Json{{"deploymentConfigInfo", deployment_config_info(config, created())}};
    return Error{"DeploymentConfigDoesNotExistException",
                 "No deployment configuration found for name: " + name.value() +
                     " (the Lambda configurations here are the nine CodeDeployDefault.Lambda* "
                     "ones and the stack's AWS::CodeDeploy::DeploymentConfig resources; "
                     "ListDeploymentConfigs lists them)"};
  }

 private:
  // The application exists once SAM would create it: when some function deploys with a
  // DeploymentPreference.
  bool application_exists() const { return !application_.groups.empty(); }

  // The application, its groups and the configurations were created when the stack was
  // deployed: the emulator's start.
  double created() const { return epoch_seconds(engine_.clock(), std::chrono::milliseconds(0)); }

  std::string where() const { return "account " + account_id_ + ", region " + region_; }

  Result<bool> find_application(const std::string& name) const {
    if (application_exists() && name == application_.name) return true;
    return Error{"ApplicationDoesNotExistException",
                 "No application found for name: " + name + " (in " + where() + ", " +
                     (application_exists()
                          ? "the stack's application is " + application_.name
                          : std::string("the stack has no application: no function has an "
                                        "enabled DeploymentPreference and AutoPublishAlias")) +
                     ")"};
  }

  Result<const DeploymentGroup*> find_group(const std::string& application_name,
                                            const std::string& group_name) const {
    auto application = find_application(application_name);
    if (!application.ok()) return application.error();
    std::vector<std::string> names;
    for (const auto& group : application_.groups) {
      if (group.name == group_name) return &group;
      names.push_back(group.name);
    }
    return Error{"DeploymentGroupDoesNotExistException",
                 "No Deployment Group found for name: " + group_name + " in application " +
                     application_.name + " (" + where() + "; its groups: " + join(names) + ")"};
  }

  Json info(const Deployment& deployment) const {
    std::string resource = deployment.function_name;
    for (const auto& group : application_.groups)
      if (group.name == deployment.group_name) resource = group.function_logical_id;
    return deployment_info(deployment, resource, engine_.clock());
  }

  DeploymentEngine& engine_;
  const Application& application_;
  const std::vector<DeploymentConfig>& configs_;
  const std::string& region_;
  const std::string& account_id_;
};

using Operation = Result<Json> (Operations::*)(const CodeDeployInput&);

struct OperationEntry {
  std::string_view name;
  Operation run;
  // The exception for a member of the wrong type: InvalidInputException where the operation's
  // model lists it, else ValidationException.
  const char* type_error;
};

// botocore model `codedeploy`: protocol "json", jsonVersion 1.1, targetPrefix CodeDeploy_20141006.
constexpr aws::JsonProtocol kProtocol{kTargetPrefix, "application/x-amz-json-1.1", "CodeDeploy",
                                      "docs/codedeploy-api.md"};

constexpr std::array<OperationEntry, 11> kOperations = {{
    {"PutLifecycleEventHookExecutionStatus", &Operations::put_lifecycle_event_hook_execution_status,
     "ValidationException"},
    {"GetDeployment", &Operations::get_deployment, "ValidationException"},
    {"BatchGetDeployments", &Operations::batch_get_deployments, "ValidationException"},
    {"ListDeployments", &Operations::list_deployments, "InvalidInputException"},
    {"StopDeployment", &Operations::stop_deployment, "ValidationException"},
    {"ListApplications", &Operations::list_applications, "ValidationException"},
    {"GetApplication", &Operations::get_application, "ValidationException"},
    {"ListDeploymentGroups", &Operations::list_deployment_groups, "ValidationException"},
    {"GetDeploymentGroup", &Operations::get_deployment_group, "ValidationException"},
    {"ListDeploymentConfigs", &Operations::list_deployment_configs, "ValidationException"},
    {"GetDeploymentConfig", &Operations::get_deployment_config, "ValidationException"},
}};

}  // namespace

CodeDeployApi::CodeDeployApi(DeploymentEngine& engine, Application application,
                             std::vector<DeploymentConfig> configs, std::string region,
                             std::string account_id)
    : engine_(engine),
      application_(std::move(application)),
      configs_(std::move(configs)),
      region_(std::move(region)),
      account_id_(std::move(account_id)) {}

bool CodeDeployApi::accepts(const HttpRequest& request) const {
  return kProtocol.accepts(request);
}

void CodeDeployApi::handle(HttpRequest request, const server::ClientInfo&,
                           server::Respond respond) {
  unsigned version = request.version();
  const auto* entry = aws::find_operation<OperationEntry>(kOperations, kProtocol.operation(request));
  if (entry == nullptr)
    return respond(kProtocol.unknown_operation(
        request, aws::operation_names<OperationEntry>(kOperations), version));

  auto input = CodeDeployInput::parse(request.body(), entry->type_error);
  if (!input.ok()) return respond(kProtocol.error(input.error(), version));
  Operations operations(engine_, application_, configs_, region_, account_id_);
  auto answer = (operations.*(entry->run))(input.value());
  if (!answer.ok()) return respond(kProtocol.error(answer.error(), version));
  respond(kProtocol.ok(answer.value(), version));
}

}  // namespace emu::codedeploy
