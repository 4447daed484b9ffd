#include "emulator/apigateway/lambda_authorizer.h"

#include <cctype>

#include "emulator/apigateway/iam_policy.h"
#include "emulator/core/ascii.h"

namespace emu::apigw {
namespace {

using Json = nlohmann::json;
using Kind = AuthorizerOutcome::Kind;

// A header of the proxy event by name, without regard to case (HTTP field names).
std::string header_of(const Json& event, const std::string& name) {
  const auto& headers = event.value("headers", Json());
  if (!headers.is_object()) return {};
  for (const auto& [key, value] : headers.items())
    if (ascii::iequals(key, name) && value.is_string()) return value.get<std::string>();
  return {};
}

std::string string_in(const Json& object, const std::string& key) {
  if (!object.is_object()) return {};
  auto found = object.find(key);
  if (found == object.end() || found->is_null()) return {};
  return found->is_string() ? found->get<std::string>() : found->dump();
}

// "identity.sourceIp" -> requestContext.identity.sourceIp.
std::string context_value(const Json& event, const std::string& dotted) {
  const Json* at = &event["requestContext"];
  std::size_t start = 0;
  while (true) {
    const auto dot = dotted.find('.', start);
    const std::string part = dotted.substr(start, dot - start);
    if (!at->is_object() || !at->contains(part)) return {};
    at = &(*at)[part];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (at->is_null()) return {};
  return at->is_string() ? at->get<std::string>() : at->dump();
}

AuthorizerOutcome outcome(Kind kind, std::string reason) {
  AuthorizerOutcome result;
  result.kind = kind;
  result.reason = std::move(reason);
  return result;
}

}  // namespace

std::string method_arn(const std::string& region, const std::string& account_id,
                       const std::string& api_id, const std::string& stage,
                       const std::string& method, const std::string& path) {
  std::string arn = "arn:aws:execute-api:" + region + ":" + account_id + ":" + api_id + "/" + stage +
                    "/" + method + "/";
  arn += path.starts_with('/') ? path.substr(1) : path;
  return arn;
}

std::optional<std::vector<std::string>> identity_values(const tmpl::AuthorizerSpec& authorizer,
                                                        const Json& event, std::string& missing) {
  using Where = tmpl::IdentitySource::Where;
  std::vector<std::string> values;
  for (const auto& source : authorizer.identity) {
    std::string value;
    std::string what;
    switch (source.where) {
      case Where::kHeader:
        value = header_of(event, source.name);
        what = "header " + source.name;
        break;
      case Where::kQuery:
        value = string_in(event.value("queryStringParameters", Json()), source.name);
        what = "query string " + source.name;
        break;
      case Where::kStageVariable:
        value = string_in(event.value("stageVariables", Json()), source.name);
        what = "stage variable " + source.name;
        break;
      case Where::kContext:
        value = context_value(event, source.name);
        what = "context " + source.name;
        break;
    }
    if (value.empty()) {
      missing = what;
      return std::nullopt;
    }
    values.push_back(std::move(value));
  }
  return values;
}

Json token_event(const std::string& token, const std::string& arn) {
  return {{"type", "TOKEN"}, {"authorizationToken", token}, {"methodArn", arn}};
}

Json request_event(Json event, const std::string& arn) {
  // aws-lambda-go's events/testdata/apigw-custom-auth-request-type-request.json: the proxy
  // event's request fields, type and methodArn, no body.
  event.erase("body");
  event.erase("isBase64Encoded");
  event["type"] = "REQUEST";
  event["methodArn"] = arn;
  return event;
}

AuthorizerOutcome judge_answer(const Json& answer, const std::string& arn) {
  if (!answer.is_object())
    return outcome(Kind::kConfigurationError,
                   "its answer is not a JSON object with principalId and policyDocument");
  auto principal = answer.find("principalId");
  if (principal == answer.end() || principal->is_null() || principal->is_object() ||
      principal->is_array())
    return outcome(Kind::kConfigurationError, "its answer has no principalId");
  auto policy = answer.find("policyDocument");
  if (policy == answer.end())
    return outcome(Kind::kConfigurationError, "its answer has no policyDocument");
  auto verdict = evaluate_policy(*policy, arn);
  if (!verdict.ok())
    return outcome(Kind::kConfigurationError, "its policyDocument: " + verdict.error().message);
  Json context = Json::object();
  context["principalId"] =
      principal->is_string() ? principal->get<std::string>() : principal->dump();
  if (auto extra = answer.find("context"); extra != answer.end() && !extra->is_null()) {
    if (!extra->is_object())
      return outcome(Kind::kConfigurationError, "its context is not a JSON object");
    for (const auto& [key, value] : extra->items()) {
      // "Output from an API Gateway Lambda authorizer": context values are strings, numbers or
      // booleans; an object or a list is an invalid answer.
      if (value.is_object() || value.is_array())
        return outcome(Kind::kConfigurationError,
                       "its context value " + key + " is an object or a list (only strings, "
                       "numbers and booleans are allowed)");
      context[key] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  switch (verdict->decision) {
    case PolicyDecision::kExplicitDeny:
      return outcome(Kind::kExplicitDeny, "its policy denies " + arn + " (" + verdict->statement + ")");
    case PolicyDecision::kNoAllow:
      return outcome(Kind::kNotAllowed, "no statement of its policy allows " + arn);
    case PolicyDecision::kAllow:
      break;
  }
  AuthorizerOutcome allowed = outcome(Kind::kAllow, "allowed by " + verdict->statement);
  allowed.context = std::move(context);
  return allowed;
}

AuthorizerOutcome judge_failure(const lambda::InvokeResult& result) {
  const std::string message = result.payload.is_object()
                                  ? result.payload.value("errorMessage", std::string())
                                  : std::string();
  if (result.outcome == lambda::InvokeResult::Outcome::kFunctionError && message == "Unauthorized")
    return outcome(Kind::kUnauthorized, "the authorizer failed with \"Unauthorized\"");
  if (result.outcome == lambda::InvokeResult::Outcome::kTimeout)
    return outcome(Kind::kConfigurationError, "the authorizer timed out");
  return outcome(Kind::kConfigurationError,
                 "the authorizer failed: " + (message.empty() ? std::string("(no message)") : message));
}

}  // namespace emu::apigw
