// The Outputs section (AWS CloudFormation User Guide, "Outputs"): Value, Description and
// Export.Name resolved; an output whose Condition is false is left out.
#pragma once

#include <vector>

#include "emulator/core/result.h"
#include "emulator/template/node.h"
#include "emulator/template/stack.h"
#include "emulator/template/stack_scope.h"

namespace emu::tmpl {

// `section` is the Outputs section, or nullptr when the template has none.
Result<std::vector<Output>> read_outputs(const Node* section, StackScope& scope);

}  // namespace emu::tmpl
