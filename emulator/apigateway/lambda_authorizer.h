// REST API Lambda authorizers (API Gateway developer guide, "Use API Gateway Lambda
// authorizers"): which identity a request carries, the event the authorizer function gets
// (TOKEN: {type, authorizationToken, methodArn}; REQUEST: the proxy event's request fields with
// type and methodArn, no body), and what its answer means for the request. Pure functions; the
// gateway invokes the function and caches answers (authorizer_cache.h).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "emulator/apigateway/proxy_event.h"
#include "emulator/lambda/invoker.h"
#include "emulator/template/stack.h"

namespace emu::apigw {

// "arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<path without its first />"
// (developer guide, "Output from an API Gateway Lambda authorizer": the method ARN is the
// request's own path, path parameters filled in).
std::string method_arn(const std::string& region, const std::string& account_id,
                       const std::string& api_id, const std::string& stage,
                       const std::string& method, const std::string& path);

// The identity source values of `authorizer` for a request, in order, read from its proxy event
// (TOKEN: the header; REQUEST: headers, query strings, stage variables, requestContext fields).
// nullopt when one is missing or empty: API Gateway then answers 401 without invoking the
// authorizer (TOKEN always; REQUEST when its answers are cached, ReauthorizeEvery > 0).
// `missing` gets the first missing source's name ("header Authorization").
std::optional<std::vector<std::string>> identity_values(const tmpl::AuthorizerSpec& authorizer,
                                                        const nlohmann::json& proxy_event,
                                                        std::string& missing);

// The event: TOKEN from the token, REQUEST from the proxy event (consumed).
nlohmann::json token_event(const std::string& token, const std::string& method_arn);
nlohmann::json request_event(nlohmann::json proxy_event, const std::string& method_arn);

struct AuthorizerOutcome {
  enum class Kind {
    kAllow,
    kUnauthorized,       // 401: no identity, a token failing ValidationExpression, or the
                         // authorizer failing with "Unauthorized"
    kExplicitDeny,       // 403: a Deny statement matches
    kNotAllowed,         // 403: no Allow statement matches
    kConfigurationError  // 500: the authorizer failed otherwise, or answered something invalid
  };
  Kind kind = Kind::kNotAllowed;
  // For kAllow: requestContext.authorizer without integrationLatency ({"principalId", the
  // context's keys with their values as strings}).
  nlohmann::json context;
  std::string reason;  // why, for the log line
};

// The authorizer's answer (a successful invocation's payload) judged for `method_arn`; a cached
// answer is judged again for each request.
AuthorizerOutcome judge_answer(const nlohmann::json& answer, const std::string& method_arn);

// An invocation that did not succeed: "Unauthorized" -> 401, anything else -> 500.
AuthorizerOutcome judge_failure(const lambda::InvokeResult& result);

}  // namespace emu::apigw
