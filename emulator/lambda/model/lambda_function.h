// LambdaFunction: one function as Lambda holds it, immutable: $LATEST, its published versions and
// its aliases. Changes make a new LambdaFunction (see FunctionStore), so a reader holding one
// sees a consistent function.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/lambda/model/alias.h"
#include "emulator/lambda/model/function_version.h"

namespace emu::lambda {

struct LambdaFunction {
  std::string logical_id;
  std::string name;
  std::string arn;                                  // unqualified
  std::string api_alias;                            // AutoPublishAlias, "" when none
  FunctionVersionPtr latest;                        // $LATEST
  std::vector<FunctionVersionPtr> versions;         // published: versions[i] is version i + 1
  std::map<std::string, AliasPtr> aliases;
  int last_version_number = 0;                      // versions are never reused, even if deleted

  // "$LATEST" or a published version number; nullptr when there is no such version.
  FunctionVersionPtr version(std::string_view number_text) const;
  AliasPtr alias(std::string_view alias_name) const;
  std::string qualified_arn(std::string_view qualifier) const { return arn + ":" + std::string(qualifier); }
};

using LambdaFunctionPtr = std::shared_ptr<const LambdaFunction>;

}  // namespace emu::lambda
