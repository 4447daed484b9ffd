#include "emulator/template/api_auth.h"

#include <algorithm>
#include <cctype>
#include <array>
#include <regex>
#include <span>
#include <string_view>

#include "emulator/template/property_reader.h"
#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

// SAM documentation, "ApiAuth", "LambdaTokenAuthorizer", "LambdaRequestAuthorizer",
// "LambdaTokenAuthorizationIdentity", "LambdaRequestAuthorizationIdentity", "ApiFunctionAuth".
constexpr std::array<std::string_view, 9> kAuthKeys = {
    "AddApiKeyRequiredToCorsPreflight", "AddDefaultAuthorizerToCorsPreflight", "ApiKeyRequired",
    "Authorizers", "DefaultAuthorizer", "InvokeRole", "ResourcePolicy", "UsagePlan",
    "DisableFunctionDefaultPermissions"};
constexpr std::array<std::string_view, 7> kLambdaAuthorizerKeys = {
    "FunctionArn", "FunctionInvokeRole", "FunctionPayloadType", "Identity",
    "DisableFunctionDefaultPermissions", "AuthorizationScopes", "UserPoolArn"};
constexpr std::array<std::string_view, 3> kTokenIdentityKeys = {"Header", "ValidationExpression",
                                                                "ReauthorizeEvery"};
constexpr std::array<std::string_view, 5> kRequestIdentityKeys = {
    "Headers", "QueryStrings", "StageVariables", "Context", "ReauthorizeEvery"};
constexpr std::array<std::string_view, 6> kEventAuthKeys = {
    "ApiKeyRequired", "AuthorizationScopes", "Authorizer", "InvokeRole", "ResourcePolicy",
    "OverrideApiAuth"};

// "Amazon API Gateway quotas" / AWS::ApiGateway::Authorizer AuthorizerResultTtlInSeconds: 0-3600.
constexpr int kMaxTtlSeconds = 3600;
constexpr int kDefaultTtlSeconds = 300;

std::optional<Error> check_keys(const Node& map, std::span<const std::string_view> keys,
                                const std::string& path, const std::string& owner,
                                std::vector<std::string>& warnings) {
  if (!map.is_map())
    return template_error(map.where, path, "expected a map (" + owner + "), got " + describe(map));
  for (const auto& entry : map.entries)
    if (std::find(keys.begin(), keys.end(), entry.key) == keys.end())
      warn_unknown_key(entry, path, owner, warnings);
  return std::nullopt;
}

Result<std::vector<std::string>> read_names(const Node& value, const std::string& path) {
  if (value.is_scalar()) {
    auto text = read_string(value, path);
    if (!text) return text.error();
    return std::vector<std::string>{text.value()};
  }
  return read_string_list(value, path);
}

Result<int> read_ttl(const Node& identity, const std::string& path) {
  const Node* every = identity.find("ReauthorizeEvery");
  if (!every) return kDefaultTtlSeconds;
  return read_int(*every, child_path(path, "ReauthorizeEvery"), 0, kMaxTtlSeconds);
}

std::optional<Error> read_token_identity(const Node* identity, const std::string& path,
                                         AuthorizerSpec& spec, std::vector<std::string>& warnings) {
  spec.identity = {{IdentitySource::Where::kHeader, "Authorization"}};
  if (!identity) return std::nullopt;
  if (auto error = check_keys(*identity, kTokenIdentityKeys, path, "a token authorizer's Identity",
                              warnings))
    return error;
  if (const Node* header = identity->find("Header")) {
    auto name = read_string(*header, child_path(path, "Header"));
    if (!name) return name.error();
    spec.identity = {{IdentitySource::Where::kHeader, name.value()}};
  }
  if (const Node* expression = identity->find("ValidationExpression")) {
    auto text = read_string(*expression, child_path(path, "ValidationExpression"));
    if (!text) return text.error();
    try {
      std::regex compiled(text.value());
    } catch (const std::regex_error& error) {
      return template_error(expression->where, child_path(path, "ValidationExpression"),
                            quote(text.value()) + " is not a regular expression the emulator can "
                            "use (" + error.what() + ")");
    }
    spec.validation_expression = text.value();
  }
  auto ttl = read_ttl(*identity, path);
  if (!ttl) return ttl.error();
  spec.ttl_seconds = ttl.value();
  return std::nullopt;
}

std::optional<Error> read_request_identity(const Node* identity, const std::string& path,
                                           AuthorizerSpec& spec,
                                           std::vector<std::string>& warnings) {
  if (identity) {
    if (auto error = check_keys(*identity, kRequestIdentityKeys, path,
                                "a request authorizer's Identity", warnings))
      return error;
    const std::pair<const char*, IdentitySource::Where> kinds[] = {
        {"Headers", IdentitySource::Where::kHeader},
        {"QueryStrings", IdentitySource::Where::kQuery},
        {"StageVariables", IdentitySource::Where::kStageVariable},
        {"Context", IdentitySource::Where::kContext}};
    for (const auto& [key, where] : kinds) {
      const Node* list = identity->find(key);
      if (!list) continue;
      auto names = read_string_list(*list, child_path(path, key));
      if (!names) return names.error();
      for (auto& name : names.value()) spec.identity.push_back({where, std::move(name)});
    }
    auto ttl = read_ttl(*identity, path);
    if (!ttl) return ttl.error();
    spec.ttl_seconds = ttl.value();
  }
  // samtranslator: "Identity must be provided unless ReauthorizeEvery is 0" (a cached answer
  // needs a key), for REQUEST authorizers.
  if (spec.identity.empty() && spec.ttl_seconds != 0)
    return template_error(identity ? identity->where : spec.where, path,
                          "a REQUEST authorizer needs Identity (Headers, QueryStrings, "
                          "StageVariables or Context) unless ReauthorizeEvery is 0 (SAM's error: "
                          "its cached answers are keyed on them)");
  return std::nullopt;
}

Result<AuthorizerSpec> read_authorizer(const MapEntry& entry, const std::string& path,
                                       std::vector<std::string>& warnings) {
  AuthorizerSpec spec;
  spec.name = entry.key;
  spec.where = entry.value.where;
  const Node& value = entry.value;
  if (auto error = check_keys(value, kLambdaAuthorizerKeys, path, "an authorizer", warnings))
    return *error;
  if (value.find("UserPoolArn")) {
    spec.kind = AuthorizerSpec::Kind::kCognito;
    auto pools = read_names(*value.find("UserPoolArn"), child_path(path, "UserPoolArn"));
    if (!pools) return pools.error();
    spec.user_pool_arns = pools.value();
    auto identity = read_token_identity(value.find("Identity"), child_path(path, "Identity"), spec,
                                        warnings);
    if (identity) return *identity;
    return spec;
  }
  const Node* arn = value.find("FunctionArn");
  if (!arn)
    return template_error(value.where, path,
                          "an authorizer needs FunctionArn (a Lambda authorizer, e.g. FunctionArn: "
                          "!GetAtt MyAuthFunction.Arn) or UserPoolArn (a Cognito one)");
  auto function_arn = read_string(*arn, child_path(path, "FunctionArn"));
  if (!function_arn) return function_arn.error();
  spec.function_arn = function_arn.value();
  spec.function_arn_where = arn->where;
  std::string payload = "TOKEN";
  if (const Node* type = value.find("FunctionPayloadType")) {
    auto text = read_string(*type, child_path(path, "FunctionPayloadType"));
    if (!text) return text.error();
    payload = text.value();
    if (payload != "TOKEN" && payload != "REQUEST")
      return template_error(type->where, child_path(path, "FunctionPayloadType"),
                            "FunctionPayloadType must be TOKEN or REQUEST, got " + quote(payload));
  }
  const std::string identity_path = child_path(path, "Identity");
  if (payload == "TOKEN") {
    spec.kind = AuthorizerSpec::Kind::kLambdaToken;
    if (auto error = read_token_identity(value.find("Identity"), identity_path, spec, warnings))
      return *error;
  } else {
    spec.kind = AuthorizerSpec::Kind::kLambdaRequest;
    if (auto error = read_request_identity(value.find("Identity"), identity_path, spec, warnings))
      return *error;
  }
  return spec;
}

}  // namespace

Result<ApiAuth> read_rest_auth(const Node& value, const std::string& path,
                               std::vector<std::string>& warnings) {
  ApiAuth auth;
  auth.where = value.where;
  if (auto error = check_keys(value, kAuthKeys, path, "an Api's Auth", warnings)) return *error;
  if (const Node* authorizers = value.find("Authorizers")) {
    const std::string authorizers_path = child_path(path, "Authorizers");
    if (auto error = expect_map(*authorizers, authorizers_path)) return *error;
    for (const auto& entry : authorizers->entries) {
      auto spec = read_authorizer(entry, child_path(authorizers_path, entry.key), warnings);
      if (!spec) return spec.error();
      auth.authorizers.push_back(std::move(spec.value()));
    }
  }
  if (const Node* name = value.find("DefaultAuthorizer")) {
    auto text = read_string(*name, child_path(path, "DefaultAuthorizer"));
    if (!text) return text.error();
    auth.default_authorizer = text.value();
    const bool known = auth.default_authorizer == "AWS_IAM" ||
                       std::any_of(auth.authorizers.begin(), auth.authorizers.end(),
                                   [&](const auto& a) { return a.name == auth.default_authorizer; });
    // samtranslator: "Unable to find an Authorizer in 'Authorizers' with name '...'".
    if (!known)
      return template_error(name->where, child_path(path, "DefaultAuthorizer"),
                            "Unable to set DefaultAuthorizer because '" +
                                auth.default_authorizer +
                                "' was not defined in 'Authorizers'. (SAM's error)");
  }
  if (const Node* required = value.find("ApiKeyRequired")) {
    auto flag = read_bool(*required, child_path(path, "ApiKeyRequired"));
    if (!flag) return flag.error();
    auth.api_key_required = flag.value();
  }
  if (const Node* preflight = value.find("AddDefaultAuthorizerToCorsPreflight")) {
    auto flag = read_bool(*preflight, child_path(path, "AddDefaultAuthorizerToCorsPreflight"));
    if (!flag) return flag.error();
    auth.add_default_authorizer_to_cors_preflight = flag.value();
  }
  return auth;
}

Result<EventAuth> read_rest_event_auth(const Node& value, const std::string& path,
                                       std::vector<std::string>& warnings) {
  EventAuth auth;
  if (auto error = check_keys(value, kEventAuthKeys, path, "an Api event's Auth", warnings))
    return *error;
  if (const Node* name = value.find("Authorizer")) {
    auto text = read_string(*name, child_path(path, "Authorizer"));
    if (!text) return text.error();
    auth.authorizer = text.value();
    auth.authorizer_where = name->where;
  }
  if (const Node* required = value.find("ApiKeyRequired")) {
    auto flag = read_bool(*required, child_path(path, "ApiKeyRequired"));
    if (!flag) return flag.error();
    auth.api_key_required = flag.value();
    if (flag.value())
      warnings.push_back(warning_text(required->where, child_path(path, "ApiKeyRequired"),
                                      "API keys are not emulated yet: requests without x-api-key "
                                      "pass here, while API Gateway answers 403 (docs/auth.md)."));
  }
  if (const Node* scopes = value.find("AuthorizationScopes")) {
    auto names = read_string_list(*scopes, child_path(path, "AuthorizationScopes"));
    if (!names) return names.error();
    auth.scopes = names.value();
  }
  return auth;
}

std::optional<Error> resolve_authorizers(Stack& stack) {
  for (auto& api : stack.apis) {
    if (!api.auth) continue;
    const std::string path = "Resources." + api.logical_id + ".Properties.Auth";
    for (auto& authorizer : api.auth->authorizers) {
      const std::string where_path = path + ".Authorizers." + authorizer.name;
      if (authorizer.kind == AuthorizerSpec::Kind::kCognito) {
        stack.warnings.push_back(warning_text(
            authorizer.where, where_path,
            "Cognito user pool authorizers are not emulated yet: the routes they guard are open "
            "here, while API Gateway answers 401 without a valid token (docs/auth.md)."));
        continue;
      }
      for (const auto& function : stack.functions)
        if (authorizer.function_arn.ends_with(":function:" + function.function_name))
          authorizer.function = function.logical_id;
      if (authorizer.function.empty())
        return template_error(authorizer.function_arn_where, where_path + ".FunctionArn",
                              quote(authorizer.function_arn) +
                                  " is not a function of this template: the emulator runs only "
                                  "the template's functions; use !GetAtt <Function>.Arn of one");
    }
    if (api.auth->default_authorizer == "AWS_IAM")
      stack.warnings.push_back(warning_text(
          api.auth->where, path + ".DefaultAuthorizer",
          "AWS_IAM is not emulated: requests are not checked for a SigV4 signature here "
          "(docs/auth.md)."));
    if (api.auth->api_key_required)
      stack.warnings.push_back(warning_text(
          api.auth->where, path + ".ApiKeyRequired",
          "API keys are not emulated yet: requests without x-api-key pass here, while API "
          "Gateway answers 403 (docs/auth.md)."));
  }
  for (const auto& function : stack.functions) {
    for (const auto& event : function.api_events) {
      if (event.kind != ApiKind::kRest || !event.auth.authorizer) continue;
      const std::string& name = *event.auth.authorizer;
      const std::string path = "Resources." + function.logical_id + ".Properties.Events." +
                               event.name + ".Properties.Auth.Authorizer";
      if (name == "NONE") continue;
      if (name == "AWS_IAM") {
        stack.warnings.push_back(warning_text(
            event.auth.authorizer_where, path,
            "AWS_IAM is not emulated: requests are not checked for a SigV4 signature here "
            "(docs/auth.md)."));
        continue;
      }
      const ApiSpec* api = stack.find_api(event.api);
      std::string method = event.method;
      for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const std::string subject = "Unable to set Authorizer [" + name + "] on API method [" +
                                  method + "] for path [" + event.path + "] because ";
      // samtranslator's two errors, word for word.
      if (!api || !api->auth || api->auth->authorizers.empty())
        return template_error(event.auth.authorizer_where, path,
                              subject + "the related API does not define any Authorizers.");
      if (!api->auth->find(name))
        return template_error(event.auth.authorizer_where, path,
                              subject + "it wasn't defined in the API's Authorizers.");
    }
  }
  return std::nullopt;
}

}  // namespace emu::tmpl
