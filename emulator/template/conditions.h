// Condition expressions (AWS CloudFormation User Guide, "Condition functions"): Fn::Equals,
// Fn::Not, Fn::And, Fn::Or (2 to 10 conditions) and {Condition: Name}. Their arguments may use the
// other intrinsic functions (Ref, Fn::FindInMap, ...), which `evaluator` resolves.
#pragma once

#include <string>

#include "emulator/core/result.h"
#include "emulator/template/intrinsics.h"
#include "emulator/template/node.h"
#include "emulator/template/resolver.h"

namespace emu::tmpl {

// The truth of `expression`, a condition expression; `path` names it in messages.
Result<bool> evaluate_condition(const Node& expression, const std::string& path,
                                Evaluator& evaluator, Resolver& resolver);

}  // namespace emu::tmpl
