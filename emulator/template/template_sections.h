// The template's top-level shape (AWS CloudFormation User Guide, "Template anatomy"): a map of
// known sections, with Conditions and Mappings of the right form.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/template/node.h"

namespace emu::tmpl {

// Checks that `root` is a non-empty map whose keys are template sections, and that Conditions is
// a map and Mappings a map of maps of maps. Adds a warning when AWS::Serverless resources are used
// without the SAM Transform.
std::optional<Error> check_sections(const Node& root, std::vector<std::string>& warnings);

}  // namespace emu::tmpl
