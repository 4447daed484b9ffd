#include "emulator/apigateway/iam_policy.h"

#include <vector>

#include "emulator/core/ascii.h"

namespace emu::apigw {
namespace {

using Json = nlohmann::json;

// A statement's Action or Resource: a string or a list of strings (IAM JSON policy grammar).
Result<std::vector<std::string>> strings_of(const Json& statement, const char* key) {
  auto found = statement.find(key);
  if (found == statement.end())
    return Error{"AuthorizerConfigurationException",
                 std::string("a policy statement has no ") + key};
  std::vector<std::string> values;
  if (found->is_string()) {
    values.push_back(found->get<std::string>());
    return values;
  }
  if (found->is_array()) {
    for (const auto& value : *found) {
      if (!value.is_string())
        return Error{"AuthorizerConfigurationException",
                     std::string("a policy statement's ") + key + " holds a non-string"};
      values.push_back(value.get<std::string>());
    }
    return values;
  }
  return Error{"AuthorizerConfigurationException",
               std::string("a policy statement's ") + key + " is neither a string nor a list"};
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text) {
  // Iterative glob match with backtracking to the last *: linear in practice, no recursion.
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Result<PolicyVerdict> evaluate_policy(const Json& policy, std::string_view method_arn) {
  if (!policy.is_object())
    return Error{"AuthorizerConfigurationException", "policyDocument is not an object"};
  auto statements = policy.find("Statement");
  if (statements == policy.end())
    return Error{"AuthorizerConfigurationException", "policyDocument has no Statement"};
  std::vector<Json> list;
  if (statements->is_object()) list.push_back(*statements);
  else if (statements->is_array()) list.assign(statements->begin(), statements->end());
  else return Error{"AuthorizerConfigurationException", "Statement is neither a list nor an object"};

  PolicyVerdict verdict;
  for (const auto& statement : list) {
    if (!statement.is_object())
      return Error{"AuthorizerConfigurationException", "a Statement entry is not an object"};
    auto effect = statement.find("Effect");
    if (effect == statement.end() || !effect->is_string() ||
        (*effect != "Allow" && *effect != "Deny"))
      return Error{"AuthorizerConfigurationException",
                   "a statement's Effect must be \"Allow\" or \"Deny\""};
    auto actions = strings_of(statement, "Action");
    if (!actions.ok()) return actions.error();
    auto resources = strings_of(statement, "Resource");
    if (!resources.ok()) return resources.error();
    bool action_matches = false;
    for (const auto& action : actions.value())
      action_matches = action_matches || wildcard_match(ascii::lower(action), "execute-api:invoke");
    if (!action_matches) continue;
    for (const auto& resource : resources.value()) {
      if (!wildcard_match(resource, method_arn)) continue;
      const std::string what = effect->get<std::string>() + " " + resource;
      if (*effect == "Deny") return PolicyVerdict{PolicyDecision::kExplicitDeny, what};
      if (verdict.decision != PolicyDecision::kAllow) verdict = {PolicyDecision::kAllow, what};
    }
  }
  return verdict;
}

}  // namespace emu::apigw
