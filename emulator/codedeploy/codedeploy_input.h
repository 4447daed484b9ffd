// CodeDeployInput: the body of a CodeDeploy JSON 1.1 request (botocore model `codedeploy`
// 2014-10-06, protocol "json") and typed reads of its members.
//
// Absent and null members read as std::nullopt; members the operation does not know are ignored,
// as AWS ignores them. A member of the wrong JSON type is an error naming it, with the exception
// name the operation's model lists for bad input ("InvalidInputException" for ListDeployments,
// "ValidationException" elsewhere).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"

namespace emu::codedeploy {

class CodeDeployInput {
 public:
  // An empty body reads as {} (botocore always sends at least "{}"). Malformed JSON is a
  // SerializationException naming the line and column; JSON that is not an object is one too.
  static Result<CodeDeployInput> parse(std::string_view body, std::string type_error_code);

  Result<std::optional<std::string>> string(std::string_view member) const;
  Result<std::optional<bool>> boolean(std::string_view member) const;
  Result<std::optional<std::vector<std::string>>> strings(std::string_view member) const;
  // An object member (valid while this input lives), or nullptr when absent or null.
  Result<const nlohmann::json*> object(std::string_view member) const;

 private:
  // The error for `member` holding `value` when `expected` ("a string", "a list of strings")
  // was required.
  Error wrong_type(std::string_view member, const nlohmann::json& value,
                   std::string_view expected) const;

  CodeDeployInput(nlohmann::json body, std::string type_error_code)
      : body_(std::move(body)), type_error_code_(std::move(type_error_code)) {}
  const nlohmann::json* find(std::string_view member) const;

  nlohmann::json body_;  // always an object
  std::string type_error_code_;
};

}  // namespace emu::codedeploy
