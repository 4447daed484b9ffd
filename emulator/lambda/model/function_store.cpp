#include "emulator/lambda/model/function_store.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "emulator/core/base64.h"
#include "emulator/core/ids.h"
#include "emulator/core/sha256.h"
#include "emulator/lambda/model/lambda_errors.h"

namespace emu::lambda {
namespace {

bool reserved_variable(const std::string& name) {
  return name.rfind("AWS_LAMBDA_", 0) == 0 || name == "AWS_REGION" ||
         name == "AWS_ACCESS_KEY_ID" || name == "AWS_SECRET_ACCESS_KEY" ||
         name == "AWS_SESSION_TOKEN" || name == "_HANDLER";
}

// Variables Lambda sets in every execution environment (AWS Lambda developer guide, "Defined
// runtime environment variables"). Credentials are dummies: the emulator's endpoints accept any.
std::map<std::string, std::string> runtime_environment(const FunctionVersion& version,
                                                       const std::string& region,
                                                       const StoreOptions& options) {
  std::map<std::string, std::string> env = {
      {"AWS_REGION", region},
      {"AWS_DEFAULT_REGION", region},
      {"AWS_LAMBDA_FUNCTION_NAME", version.function_name},
      {"AWS_LAMBDA_FUNCTION_VERSION", version.version},
      {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", std::to_string(version.memory_mb)},
      {"AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + version.function_name},
      {"AWS_LAMBDA_LOG_STREAM_NAME", "local/[" + version.version + "]emulator"},
      {"AWS_ACCESS_KEY_ID", "AKIAEMULATORLOCAL000"},
      {"AWS_SECRET_ACCESS_KEY", "emulator-local-secret-key"},
      {"AWS_SESSION_TOKEN", "emulator-local-session-token"},
      {"_HANDLER", version.handler_name},
      // Where the code is: /var/task on Lambda; the unpacked package in Runtime API mode.
      {"LAMBDA_TASK_ROOT", version.code_dir.empty() ? "/var/task" : version.code_dir},
      {"LAMBDA_RUNTIME_DIR", version.code_dir.empty() ? "/var/runtime" : version.code_dir},
      {"TZ", ":UTC"},
  };
  // "The runtime identifier, prefixed by AWS_Lambda_ ... not defined for OS-only runtimes"
  // (developer guide, "Defined runtime environment variables").
  if (!version.runtime.empty() && version.runtime.rfind("provided", 0) != 0)
    env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + version.runtime;
  if (!options.aws_endpoint_url.empty()) env["AWS_ENDPOINT_URL"] = options.aws_endpoint_url;
  // The function's own variables win, except over those Lambda reserves (it refuses to let a
  // function set its credentials or the runtime's own names).
  for (const auto& [name, value] : version.environment)
    if (!reserved_variable(name)) env[name] = value;
  return env;
}

// A copy of `base` as version `version_name`, with its environment and revision made anew.
FunctionVersionPtr derive_version(const FunctionVersion& base, std::string version_name,
                                  const std::string& region, const StoreOptions& options) {
  auto version = std::make_shared<FunctionVersion>(base);
  version->version = std::move(version_name);
  version->revision_id = ids::new_request_id();
  version->runtime_environment = runtime_environment(*version, region, options);
  return version;
}

std::string role_arn(const tmpl::Stack& stack, const tmpl::FunctionSpec& spec) {
  return "arn:" + stack.partition + ":iam::" + stack.account_id + ":role/" + stack.stack_name +
         "-" + spec.logical_id + "Role-" +
         ids::stable_id(stack.stack_name + "/" + spec.logical_id + "/role", 12, ids::kUpperAlnum);
}

Result<FunctionVersion> latest_from_spec(const tmpl::Stack& stack, const tmpl::FunctionSpec& spec,
                                         const StoreOptions& options) {
  FunctionVersion base;
  base.logical_id = spec.logical_id;
  base.function_name = spec.function_name;
  base.function_arn = "arn:" + stack.partition + ":lambda:" + stack.region + ":" +
                      stack.account_id + ":function:" + spec.function_name;
  if (!options.resolve_code)
    return Error{"ServiceException", "StoreOptions::resolve_code is not set: nothing can tell "
                                     "which code " + spec.logical_id + " runs"};
  auto code = options.resolve_code(stack, spec);
  if (!code.ok()) return code.error();
  base.package = code->package;
  base.handler = code->handler;
  base.code_dir = code->code_dir;
  base.command = code->command;
  base.layer_dirs = code->layer_dirs;
  base.layers_sha256 = code->layers_sha256;
  base.command_environment = code->environment;
  base.unavailable = code->unavailable;
  base.handler_name = spec.handler;
  base.runtime = spec.runtime;
  base.role = role_arn(stack, spec);
  base.architectures = spec.architectures;
  base.code_sha256 = code->code_sha256;
  base.code_size = code->code_size;
  base.last_modified = lambda_timestamp_now();
  base.timeout_seconds = spec.timeout_seconds;
  base.memory_mb = spec.memory_mb;
  base.reserved_concurrency = spec.reserved_concurrency;
  base.environment =
      apply_env_vars(options.env_vars, spec.logical_id, spec.function_name, spec.environment);
  if (options.output_tap)
    base.output_tap = std::make_shared<const std::function<void(const FunctionVersion&,
                                                                 std::string_view)>>(
        options.output_tap);
  return base;
}

// A function as a first deploy leaves it: $LATEST, and with an API alias also version 1 and the
// alias pointing at it (SAM docs, "AutoPublishAlias").
std::shared_ptr<LambdaFunction> first_deploy(const FunctionVersion& base,
                                             const std::string& api_alias,
                                             const std::string& region,
                                             const StoreOptions& options) {
  auto function = std::make_shared<LambdaFunction>();
  function->logical_id = base.logical_id;
  function->name = base.function_name;
  function->arn = base.function_arn;
  function->latest = derive_version(base, "$LATEST", region, options);
  if (!api_alias.empty()) {
    function->api_alias = api_alias;
    function->versions.push_back(derive_version(base, "1", region, options));
    function->last_version_number = 1;
    auto alias = std::make_shared<Alias>();
    alias->name = api_alias;
    alias->function_version = "1";
    alias->revision_id = ids::new_request_id();
    function->aliases.emplace(api_alias, alias);
  }
  return function;
}

Error function_not_found(const std::string& arn) {
  return errors::resource_not_found("Function not found: " + arn);
}

Error revision_mismatch() {
  return errors::precondition_failed(
      "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/"
      "GetAlias API to retrieve the latest Revision Id");
}

}  // namespace

std::string lambda_timestamp_now() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms % 1000));
  return text;
}

LambdaFunctionPtr FunctionStore::Snapshot::find(std::string_view name) const {
  auto it = index.find(std::string(name));
  return it == index.end() ? nullptr : functions[it->second];
}

FunctionStore::FunctionStore(SnapshotPtr initial, tmpl::Stack stack, StoreOptions options)
    : snapshot_(std::move(initial)), stack_(std::move(stack)), options_(std::move(options)) {}

Result<std::unique_ptr<FunctionStore>> FunctionStore::build(const tmpl::Stack& stack,
                                                           const StoreOptions& options) {
  auto snapshot = std::make_shared<Snapshot>();
  for (const auto& spec : stack.functions) {
    auto base = latest_from_spec(stack, spec, options);
    if (!base.ok()) return base.error();
    auto function = first_deploy(base.value(), spec.auto_publish_alias.value_or(""),
                                 stack.region, options);
    snapshot->index.emplace(spec.function_name, snapshot->functions.size());
    snapshot->index.emplace(spec.logical_id, snapshot->functions.size());
    snapshot->functions.push_back(std::move(function));
  }
  return std::unique_ptr<FunctionStore>(new FunctionStore(std::move(snapshot), stack, options));
}

void FunctionStore::publish(const LambdaFunctionPtr& function) {
  auto next = std::make_shared<Snapshot>(*snapshot_.load());
  next->functions[next->index.at(function->name)] = function;
  snapshot_.store(std::move(next));
}

Result<LambdaFunctionPtr> FunctionStore::existing(std::string_view function) const {
  auto found = find(function);
  if (!found) {
    return function_not_found("arn:" + stack_.partition + ":lambda:" + stack_.region + ":" +
                              stack_.account_id + ":function:" + std::string(function));
  }
  return found;
}

Result<FunctionVersion> FunctionStore::candidate(const tmpl::Stack& stack,
                                                 const tmpl::FunctionSpec& spec) const {
  return latest_from_spec(stack, spec, options_);
}

Result<LambdaFunctionPtr> FunctionStore::replace_latest(const FunctionVersion& candidate,
                                                        const std::string& api_alias) {
  std::lock_guard lock(write_mutex_);
  auto current = find(candidate.function_name);
  auto latest = derive_version(candidate, "$LATEST", stack_.region, options_);
  if (current) {
    auto updated = std::make_shared<LambdaFunction>(*current);
    updated->latest = latest;
    publish(updated);
    return LambdaFunctionPtr(updated);
  }
  auto added = first_deploy(candidate, api_alias, stack_.region, options_);
  auto next = std::make_shared<Snapshot>(*snapshot_.load());
  next->index.emplace(added->name, next->functions.size());
  next->index.emplace(added->logical_id, next->functions.size());
  next->functions.push_back(added);
  snapshot_.store(std::move(next));
  return LambdaFunctionPtr(added);
}

Result<FunctionVersionPtr> FunctionStore::update_configuration(std::string_view function,
                                                               const ConfigurationChange& change,
                                                               std::string_view revision_id) {
  std::lock_guard lock(write_mutex_);
  auto current = existing(function);
  if (!current.ok()) return current.error();
  const auto& latest = *current.value()->latest;
  if (!revision_id.empty() && revision_id != latest.revision_id) return revision_mismatch();
  if (change.timeout_seconds && (*change.timeout_seconds < 1 || *change.timeout_seconds > 900))
    return errors::validation("1 validation error detected: Value '" +
                              std::to_string(*change.timeout_seconds) +
                              "' at 'timeout' failed to satisfy constraint: Member must have "
                              "value greater than or equal to 1 and less than or equal to 900");
  if (change.memory_mb && (*change.memory_mb < 128 || *change.memory_mb > 10240))
    return errors::validation("1 validation error detected: Value '" +
                              std::to_string(*change.memory_mb) +
                              "' at 'memorySize' failed to satisfy constraint: Member must have "
                              "value greater than or equal to 128 and less than or equal to 10240");
  if (change.environment)
    for (const auto& [name, value] : *change.environment)
      if (reserved_variable(name))
        return errors::invalid_parameter(
            "Lambda was unable to configure your environment variables because the environment "
            "variables you have provided contains reserved keys that are currently not supported "
            "for modification. Reserved keys used in this request: " + name);

  FunctionVersion next = latest;
  if (change.environment) next.environment = *change.environment;
  if (change.timeout_seconds) next.timeout_seconds = *change.timeout_seconds;
  if (change.memory_mb) next.memory_mb = *change.memory_mb;
  if (change.description) next.description = *change.description;
  if (change.handler_name) next.handler_name = *change.handler_name;
  if (change.runtime) next.runtime = *change.runtime;
  next.last_modified = lambda_timestamp_now();
  auto version = derive_version(next, "$LATEST", stack_.region, options_);

  auto updated = std::make_shared<LambdaFunction>(*current.value());
  updated->latest = version;
  publish(updated);
  return FunctionVersionPtr(version);
}

Result<FunctionVersionPtr> FunctionStore::publish_version(std::string_view function,
                                                          std::string description,
                                                          std::string_view code_sha256,
                                                          std::string_view revision_id) {
  std::lock_guard lock(write_mutex_);
  auto current = existing(function);
  if (!current.ok()) return current.error();
  const auto& fn = *current.value();
  const auto& latest = *fn.latest;
  if (!revision_id.empty() && revision_id != latest.revision_id) return revision_mismatch();
  if (!code_sha256.empty() && code_sha256 != latest.code_sha256)
    return errors::invalid_parameter("CodeSHA256 (" + std::string(code_sha256) +
                                     ") is different from current CodeSHA256 in $LATEST (" +
                                     latest.code_sha256 +
                                     "). Please try again with the current CodeSHA256.");
  // Nothing changed since the last published version: AWS returns that version.
  if (!fn.versions.empty() && fn.versions.back()->same_code_and_configuration(latest))
    return FunctionVersionPtr(fn.versions.back());

  auto updated = std::make_shared<LambdaFunction>(fn);
  updated->last_version_number += 1;
  FunctionVersion next = latest;
  next.description = std::move(description);
  next.last_modified = lambda_timestamp_now();
  auto version = derive_version(next, std::to_string(updated->last_version_number), stack_.region,
                                options_);
  updated->versions.push_back(version);
  publish(updated);
  return FunctionVersionPtr(version);
}

Result<bool> validate_routing(const LambdaFunction& function, const std::string& primary,
                              const std::map<std::string, double>& weights) {
  if (weights.empty()) return true;
  for (const auto& [version, weight] : weights) {
    if (!(weight >= 0.0 && weight <= 1.0)) {
      char text[64];
      std::snprintf(text, sizeof text, "%g", weight);
      return errors::validation(
          "1 validation error detected: Value '{" + version + "=" + text +
          "}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map "
          "value must satisfy constraint: [Member must have value less than or equal to 1.0, "
          "Member must have value greater than or equal to 0.0, Member must not be null]");
    }
  }
  if (weights.size() > 1)
    return errors::invalid_parameter(
        "Number of items in AdditionalVersionWeights cannot be greater than 1");
  const std::string& additional = weights.begin()->first;
  if (primary == "$LATEST" || additional == "$LATEST")
    return errors::invalid_parameter(
        "$LATEST is not supported for an alias pointing to more than 1 version");
  if (additional == primary)
    return errors::invalid_parameter("Invalid function version " + additional +
                                     ". Function version " + additional +
                                     " is already included in routing configuration.");
  if (!function.version(additional)) return function_not_found(function.qualified_arn(additional));
  return true;
}

Result<AliasPtr> FunctionStore::create_alias(std::string_view function, std::string name,
                                             const AliasChange& change) {
  std::lock_guard lock(write_mutex_);
  auto current = existing(function);
  if (!current.ok()) return current.error();
  const auto& fn = *current.value();
  if (fn.alias(name)) return errors::resource_conflict("Alias already exists: " + fn.qualified_arn(name));
  bool numeric = !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
  if (name.empty() || numeric || name == "$LATEST")
    return errors::validation("1 validation error detected: Value '" + name +
                              "' at 'name' failed to satisfy constraint: Member must satisfy "
                              "regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)");
  std::string version = change.function_version.value_or("");
  if (!fn.version(version)) return function_not_found(fn.qualified_arn(version));
  auto weights = change.additional_weights.value_or(std::map<std::string, double>{});
  if (auto valid = validate_routing(fn, version, weights); !valid.ok()) return valid.error();

  auto alias = std::make_shared<Alias>();
  alias->name = std::move(name);
  alias->function_version = version;
  alias->additional_weights = std::move(weights);
  alias->description = change.description.value_or("");
  alias->revision_id = ids::new_request_id();
  auto updated = std::make_shared<LambdaFunction>(fn);
  updated->aliases[alias->name] = alias;
  publish(updated);
  return AliasPtr(alias);
}

Result<AliasPtr> FunctionStore::update_alias(std::string_view function, std::string_view name,
                                             const AliasChange& change,
                                             std::string_view revision_id) {
  std::lock_guard lock(write_mutex_);
  auto current = existing(function);
  if (!current.ok()) return current.error();
  const auto& fn = *current.value();
  auto alias = fn.alias(name);
  if (!alias) return errors::resource_not_found("Alias not found: " + fn.qualified_arn(name));
  if (!revision_id.empty() && revision_id != alias->revision_id) return revision_mismatch();

  auto next = std::make_shared<Alias>(*alias);
  if (change.function_version) next->function_version = *change.function_version;
  if (change.additional_weights) next->additional_weights = *change.additional_weights;
  if (change.description) next->description = *change.description;
  if (!fn.version(next->function_version))
    return function_not_found(fn.qualified_arn(next->function_version));
  // Moving the primary onto the additional version clears the split, as a completed shift does.
  if (change.function_version && !change.additional_weights)
    next->additional_weights.erase(next->function_version);
  if (auto valid = validate_routing(fn, next->function_version, next->additional_weights);
      !valid.ok())
    return valid.error();
  next->revision_id = ids::new_request_id();

  auto updated = std::make_shared<LambdaFunction>(fn);
  updated->aliases[next->name] = next;
  publish(updated);
  return AliasPtr(next);
}

Result<bool> FunctionStore::delete_alias(std::string_view function, std::string_view name) {
  std::lock_guard lock(write_mutex_);
  auto current = existing(function);
  if (!current.ok()) return current.error();
  auto updated = std::make_shared<LambdaFunction>(*current.value());
  updated->aliases.erase(std::string(name));  // deleting a missing alias succeeds, as on AWS
  publish(updated);
  return true;
}

}  // namespace emu::lambda
