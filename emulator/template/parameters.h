// The Parameters section (AWS CloudFormation User Guide, "Parameters"): each declared parameter's
// value in force, from --parameter-overrides or Default, checked against its Type and constraints.
#pragma once

#include <map>
#include <string>

#include "emulator/core/result.h"
#include "emulator/template/node.h"

namespace emu::tmpl {

struct ParameterValue {
  Node value;        // a scalar; a list of scalars for CommaDelimitedList and List<...> types
  std::string text;  // as given (a list's items joined with ",")
};

using ParameterValues = std::map<std::string, ParameterValue>;

// Resolves every parameter declared in `section` (the Parameters section, or nullptr when the
// template has none). `section_where` locates messages that concern the section as a whole
// (overrides naming undeclared parameters, parameters without a value). Errors have code
// "ParameterError" and CloudFormation's wording where it has one, e.g.
// "Parameters: [X] do not exist in the template".
Result<ParameterValues> resolve_parameters(const Node* section, const SourceLocation& section_where,
                                           const std::map<std::string, std::string>& overrides);

}  // namespace emu::tmpl
