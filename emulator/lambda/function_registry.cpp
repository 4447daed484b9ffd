#include "emulator/lambda/function_registry.h"

#include "registry.h"

namespace emu::lambda {
namespace {

std::string known_handlers() {
  std::string names;
  for (const auto& entry : functions::builtin_handlers()) {
    if (!names.empty()) names += ", ";
    names += entry.name;
  }
  return names;
}

// Variables Lambda sets in every execution environment (AWS Lambda developer guide, "Defined
// runtime environment variables"). Credentials are dummies: the emulator's endpoints accept any.
std::map<std::string, std::string> runtime_environment(const FunctionVersion& version,
                                                       const tmpl::FunctionSpec& spec,
                                                       const RegistryOptions& options) {
  std::map<std::string, std::string> env = {
      {"AWS_REGION", options.region},
      {"AWS_DEFAULT_REGION", options.region},
      {"AWS_LAMBDA_FUNCTION_NAME", version.function_name},
      {"AWS_LAMBDA_FUNCTION_VERSION", version.version},
      {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", std::to_string(version.memory_mb)},
      {"AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + version.function_name},
      {"AWS_LAMBDA_LOG_STREAM_NAME", "local/[" + version.version + "]emulator"},
      {"AWS_ACCESS_KEY_ID", "AKIAEMULATORLOCAL000"},
      {"AWS_SECRET_ACCESS_KEY", "emulator-local-secret-key"},
      {"AWS_SESSION_TOKEN", "emulator-local-session-token"},
      {"_HANDLER", spec.handler},
      {"LAMBDA_TASK_ROOT", "/var/task"},
      {"LAMBDA_RUNTIME_DIR", "/var/runtime"},
      {"TZ", ":UTC"},
  };
  if (!options.aws_endpoint_url.empty()) env["AWS_ENDPOINT_URL"] = options.aws_endpoint_url;
  // The function's own variables win, except over the reserved ones Lambda refuses to let a
  // function set (the credentials and the runtime's own names).
  for (const auto& [name, value] : version.environment) {
    bool reserved = name.rfind("AWS_LAMBDA_", 0) == 0 || name == "AWS_REGION" ||
                    name == "AWS_ACCESS_KEY_ID" || name == "AWS_SECRET_ACCESS_KEY" ||
                    name == "AWS_SESSION_TOKEN" || name == "_HANDLER";
    if (!reserved) env[name] = value;
  }
  return env;
}

FunctionVersionPtr make_version(const FunctionVersion& base, std::string version_name,
                                const tmpl::FunctionSpec& spec, const RegistryOptions& options) {
  auto version = std::make_shared<FunctionVersion>(base);
  version->version = std::move(version_name);
  version->runtime_environment = runtime_environment(*version, spec, options);
  return version;
}

}  // namespace

std::string package_name(const std::string& code_uri) {
  std::string name = code_uri;
  while (!name.empty() && name.back() == '/') name.pop_back();
  if (auto slash = name.rfind('/'); slash != std::string::npos) name.erase(0, slash + 1);
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".zip") == 0) name.resize(name.size() - 4);
  return name;
}

Result<FunctionRegistry> FunctionRegistry::build(const tmpl::Stack& stack,
                                                 const RegistryOptions& options) {
  FunctionRegistry registry;
  for (const auto& spec : stack.functions) {
    FunctionVersion base;
    base.logical_id = spec.logical_id;
    base.function_name = spec.function_name;
    base.function_arn = "arn:" + stack.partition + ":lambda:" + stack.region + ":" +
                        stack.account_id + ":function:" + spec.function_name;
    base.package = package_name(spec.code_uri);
    const auto* builtin = functions::find_builtin_handler(base.package);
    if (builtin == nullptr) {
      return Error{"TemplateError",
                   spec.code_uri_where.to_string() + ": " + spec.logical_id +
                       ".CodeUri: no handler named \"" + base.package + "\" (from \"" +
                       spec.code_uri + "\") is built into this emulator. In-process mode runs " +
                       "the handler whose name is CodeUri's file name without .zip; built in: " +
                       known_handlers() + "."};
    }
    base.handler = builtin->handler;
    base.timeout_seconds = spec.timeout_seconds;
    base.memory_mb = spec.memory_mb;
    base.environment =
        apply_env_vars(options.env_vars, spec.logical_id, spec.function_name, spec.environment);

    LambdaFunction function;
    function.logical_id = spec.logical_id;
    function.latest = make_version(base, "$LATEST", spec, options);
    ApiTarget target{function.latest, base.function_arn};
    if (spec.auto_publish_alias) {
      auto first = make_version(base, "1", spec, options);
      function.published.push_back(first);
      function.aliases.emplace(*spec.auto_publish_alias, "1");
      target = ApiTarget{first, base.function_arn + ":" + *spec.auto_publish_alias};
    }
    registry.api_targets_.emplace(spec.logical_id, target);
    registry.functions_.push_back(std::move(function));
  }
  return registry;
}

ApiTarget FunctionRegistry::api_target(const std::string& logical_id) const {
  auto it = api_targets_.find(logical_id);
  return it == api_targets_.end() ? ApiTarget{} : it->second;
}

}  // namespace emu::lambda
