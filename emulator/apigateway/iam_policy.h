// The IAM policy a Lambda authorizer returns, evaluated as API Gateway evaluates it against the
// request's method ARN (API Gateway developer guide, "Output from an API Gateway Lambda
// authorizer" and "Control access to an API with IAM permissions": Resource
// arn:aws:execute-api:region:account-id:api-id/stage/HTTP-VERB/resource-path, where * matches any
// characters, "/" included, and ? one character; an explicit Deny overrides any Allow; no
// matching Allow denies).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "emulator/core/result.h"

namespace emu::apigw {

enum class PolicyDecision {
  kAllow,         // an Allow statement matches, no Deny does
  kExplicitDeny,  // a Deny statement matches
  kNoAllow,       // nothing matches (an implicit deny)
};

struct PolicyVerdict {
  PolicyDecision decision = PolicyDecision::kNoAllow;
  std::string statement;  // the matching statement's Effect and Resource, for the log ("" if none)
};

// IAM's wildcard match: * any run of characters (none included), ? exactly one.
bool wildcard_match(std::string_view pattern, std::string_view text);

// Evaluates `policy` (the authorizer's policyDocument) for execute-api:Invoke on `method_arn`.
// An error says what is malformed (no Statement, an Effect that is neither Allow nor Deny, a
// Resource that is not a string or list of strings): API Gateway answers those with 500.
Result<PolicyVerdict> evaluate_policy(const nlohmann::json& policy, std::string_view method_arn);

}  // namespace emu::apigw
