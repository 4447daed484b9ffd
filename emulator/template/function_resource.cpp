#include "emulator/template/function_resource.h"

#include <array>
#include <cctype>
#include <string_view>

#include "emulator/template/api_events.h"
#include "emulator/template/deployment_preference.h"
#include "emulator/template/property_reader.h"
#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

constexpr int kMaxTimeoutSeconds = 900;       // Lambda quotas
constexpr int kMinMemoryMb = 128;
constexpr int kMaxMemoryMb = 10240;
constexpr int kMaxReservedConcurrency = 1'000'000;

// SAM documentation, "AWS::Serverless::Function": every property it lists.
constexpr std::array<std::string_view, 46> kFunctionProperties = {
    "Architectures", "AssumeRolePolicyDocument", "AutoPublishAlias",
    "AutoPublishAliasAllProperties", "AutoPublishCodeSha256", "CodeSigningConfigArn", "CodeUri",
    "DeadLetterQueue", "DeploymentPreference", "Description", "Environment", "EphemeralStorage",
    "EventInvokeConfig", "Events", "FileSystemConfigs", "FunctionName", "FunctionUrlConfig",
    "Handler", "ImageConfig", "ImageUri", "InlineCode", "KmsKeyArn", "Layers", "LoggingConfig",
    "MemorySize", "PackageType", "PermissionsBoundary", "Policies", "PropagateTags",
    "ProvisionedConcurrencyConfig", "RecursiveLoop", "ReservedConcurrentExecutions", "Role",
    "RolePath", "Runtime", "RuntimeManagementConfig", "SnapStart", "SourceKMSKeyArn", "Tags",
    "Timeout", "Tracing", "VersionDescription", "VpcConfig", "VersionDeletionPolicy",
    "FunctionScalingConfig", "CapacityProviderConfig"};

bool is_function_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

bool is_alias_name(const std::string& name) {
  bool all_digits = true;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  }
  return !name.empty() && name.size() <= 128 && !all_digits;
}

// Reads one property when present (and not AWS::NoValue) through `read`.
template <class Read>
std::optional<Error> with_property(const ResourceDecl& function, StackScope& scope,
                                   const std::string& key, Read read) {
  auto value = scope.evaluate_property(function, key);
  if (!value) return value.error();
  if (!value.value()) return std::nullopt;
  return read(*value.value(), function.property_path(key));
}

// CodeUri: a path, or {Bucket, Key[, Version]} as "s3://bucket/key".
Result<std::string> read_code_uri(const Node& value, const std::string& path) {
  if (value.is_scalar()) return value.text;
  const Node* bucket = value.find("Bucket");
  const Node* key = value.find("Key");
  if (!value.is_map() || !bucket || !key || !bucket->is_scalar() || !key->is_scalar())
    return template_error(value.where, path,
                          "expected a path, or a map with Bucket and Key, got " + describe(value));
  return "s3://" + bucket->text + "/" + key->text;
}

std::optional<Error> read_code(const ResourceDecl& function, StackScope& scope, FunctionSpec& spec) {
  const bool has_code_uri = function.property("CodeUri") != nullptr;
  const bool has_inline = function.property("InlineCode") != nullptr;
  if (has_code_uri && has_inline)
    return template_error(function.where, function.path(),
                          "Only one of 'InlineCode' or 'CodeUri' can be set");
  if (!has_code_uri && !has_inline && !function.property("ImageUri"))
    return template_error(function.where, function.path(),
                          "the function has no code: set CodeUri (here or in Globals.Function), "
                          "InlineCode or ImageUri");
  return with_property(function, scope, "CodeUri", [&](const Node& value, const std::string& path)
                                                       -> std::optional<Error> {
    auto uri = read_code_uri(value, path);
    if (!uri) return uri.error();
    spec.code_uri = uri.value();
    spec.code_uri_where = function.has_own("CodeUri") ? value.where : function.where;
    return std::nullopt;
  });
}

std::optional<Error> read_name(const ResourceDecl& function, StackScope& scope, FunctionSpec& spec) {
  auto name = scope.function_name(function);
  if (!name) return name.error();
  if (!is_function_name(name.value())) {
    const Node* written = function.property("FunctionName");
    return template_error(written ? written->where : function.where,
                          function.property_path("FunctionName"),
                          "a function name must be 1 to 64 letters, digits, '-' or '_', got " +
                              quote(name.value()));
  }
  spec.function_name = name.value();
  return std::nullopt;
}

std::optional<Error> read_handler_and_runtime(const ResourceDecl& function, StackScope& scope,
                                              FunctionSpec& spec) {
  for (const char* key : {"Handler", "Runtime"}) {
    auto error = with_property(function, scope, key, [&](const Node& value, const std::string& path)
                                                         -> std::optional<Error> {
      auto text = read_string(value, path);
      if (!text) return text.error();
      (std::string_view(key) == "Handler" ? spec.handler : spec.runtime) = text.value();
      return std::nullopt;
    });
    if (error) return error;
  }
  const Node* package_type = function.property("PackageType");
  const bool is_image = package_type && package_type->is_scalar() && package_type->text == "Image";
  if (is_image) return std::nullopt;
  if (spec.handler.empty() || spec.runtime.empty())
    return template_error(function.where, function.path(),
                          std::string(spec.handler.empty() ? "Handler" : "Runtime") +
                              " is required for a .zip function; set it here or in "
                              "Globals.Function");
  return std::nullopt;
}

std::optional<Error> read_sizes(const ResourceDecl& function, StackScope& scope, FunctionSpec& spec) {
  if (auto error = with_property(function, scope, "Timeout", [&](const Node& value, const std::string& path)
                                     -> std::optional<Error> {
        auto seconds = read_int(value, path, 1, kMaxTimeoutSeconds);
        if (!seconds) return seconds.error();
        spec.timeout_seconds = seconds.value();
        return std::nullopt;
      }))
    return error;
  if (auto error = with_property(function, scope, "MemorySize", [&](const Node& value, const std::string& path)
                                     -> std::optional<Error> {
        auto megabytes = read_int(value, path, kMinMemoryMb, kMaxMemoryMb);
        if (!megabytes) return megabytes.error();
        spec.memory_mb = megabytes.value();
        return std::nullopt;
      }))
    return error;
  return with_property(function, scope, "ReservedConcurrentExecutions",
                       [&](const Node& value, const std::string& path) -> std::optional<Error> {
    auto count = read_int(value, path, 0, kMaxReservedConcurrency);
    if (!count) return count.error();
    spec.reserved_concurrency = count.value();
    return std::nullopt;
  });
}

std::optional<Error> read_environment(const ResourceDecl& function, StackScope& scope,
                                      FunctionSpec& spec) {
  return with_property(function, scope, "Environment", [&](const Node& value, const std::string& path)
                                                           -> std::optional<Error> {
    if (auto error = expect_map(value, path)) return error;
    const Node* variables = value.find("Variables");
    if (!variables) return std::nullopt;
    auto entries = read_string_map(*variables, path + ".Variables");
    if (!entries) return entries.error();
    spec.environment = entries.value();
    return std::nullopt;
  });
}

std::optional<Error> read_architectures(const ResourceDecl& function, StackScope& scope,
                                        FunctionSpec& spec) {
  return with_property(function, scope, "Architectures", [&](const Node& value, const std::string& path)
                                                             -> std::optional<Error> {
    auto names = read_string_list(value, path);
    if (!names) return names.error();
    const bool valid = names->size() == 1 && (names->front() == "x86_64" || names->front() == "arm64");
    if (!valid)
      return template_error(value.where, path,
                            "expected a list of one architecture, [x86_64] or [arm64]");
    spec.architectures = names.value();
    return std::nullopt;
  });
}

std::optional<Error> read_alias(const ResourceDecl& function, StackScope& scope, FunctionSpec& spec) {
  auto alias = scope.function_alias(function);
  if (!alias) return alias.error();
  if (alias.value() && !is_alias_name(*alias.value()))
    return template_error(function.property("AutoPublishAlias")->where,
                          function.property_path("AutoPublishAlias"),
                          "an alias name must be letters, digits, '-' or '_' (not only digits), "
                          "got " + quote(*alias.value()));
  spec.auto_publish_alias = alias.value();
  return std::nullopt;
}

// A layer of the template, named by a Ref in a function's Layers: its ContentUri (SAM
// documentation, "AWS::Serverless::LayerVersion": ContentUri is required; a path or
// {Bucket, Key}).
Result<FunctionLayer> template_layer(const ResourceDecl& layer, StackScope& scope,
                                     const SourceLocation& where) {
  FunctionLayer entry;
  entry.layer_logical_id = layer.logical_id;
  entry.where = where;
  if (!layer.property("ContentUri"))
    return template_error(layer.where, layer.path(),
                          "a layer needs ContentUri: the folder (or zip) of its content");
  auto error = with_property(layer, scope, "ContentUri",
                             [&](const Node& value, const std::string& path) -> std::optional<Error> {
    auto uri = read_code_uri(value, path);
    if (!uri) return uri.error();
    entry.content_uri = uri.value();
    return std::nullopt;
  });
  if (error) return *error;
  return entry;
}

// Layers: a list whose items are a Ref to an AWS::Serverless::LayerVersion of the template (its
// content is served) or a layer version ARN (its content is elsewhere: warned, not served).
std::optional<Error> read_layers(const ResourceDecl& function, StackScope& scope,
                                 FunctionSpec& spec, std::vector<std::string>& warnings) {
  const Node* layers = function.property("Layers");
  if (!layers) return std::nullopt;
  const std::string path = function.property_path("Layers");
  if (!layers->is_sequence())
    return template_error(layers->where, path,
                          "expected a list of layers (a Ref to a LayerVersion, or an ARN), got " +
                              describe(*layers));
  for (std::size_t i = 0; i < layers->items.size(); ++i) {
    const Node& item = layers->items[i];
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    if (item.single_key() == "Ref" && item.find("Ref")->is_scalar()) {
      const ResourceDecl* layer = scope.find_resource(item.find("Ref")->text);
      if (layer && layer->type == kLayerType) {
        if (!scope.is_created(layer->logical_id)) continue;  // its Condition is false
        auto entry = template_layer(*layer, scope, item.where);
        if (!entry) return entry.error();
        spec.layers.push_back(std::move(entry.value()));
        continue;
      }
    }
    auto value = scope.evaluator().evaluate(item, item_path);
    if (!value) return value.error();
    if (!value.value()) continue;  // AWS::NoValue
    auto arn = read_string(*value.value(), item_path);
    if (!arn) return arn.error();
    warnings.push_back(item.where.to_string() + ": " + item_path + ": layer " + arn.value() +
                       " is not in this template, so its content is not here; " +
                       function.logical_id + " runs without it (declare the layer as an " +
                       "AWS::Serverless::LayerVersion with a local ContentUri to serve it)");
    spec.layers.push_back(FunctionLayer{"", "", arn.value(), item.where});
  }
  return std::nullopt;
}

}  // namespace

Result<FunctionSpec> read_function(const ResourceDecl& function, StackScope& scope,
                                   std::set<std::string>& reported_event_types,
                                   std::vector<std::string>& warnings) {
  FunctionSpec spec;
  spec.logical_id = function.logical_id;
  spec.where = function.where;
  spec.code_uri_where = function.where;
  spec.architectures = {"x86_64"};
  warn_unknown_keys(function.properties, kFunctionProperties, function.path() + ".Properties",
                    kFunctionType, warnings);
  for (auto read : {read_name, read_code, read_handler_and_runtime, read_sizes, read_environment,
                    read_architectures, read_alias})
    if (auto error = read(function, scope, spec)) return *error;
  if (auto error = read_layers(function, scope, spec, warnings)) return *error;
  auto preference = read_deployment_preference(function, spec.auto_publish_alias.has_value(), scope,
                                               warnings);
  if (!preference) return preference.error();
  spec.deployment_preference = preference.value();
  auto events = read_api_events(function, scope, reported_event_types, warnings);
  if (!events) return events.error();
  spec.api_events = events.value();
  return spec;
}

}  // namespace emu::tmpl
