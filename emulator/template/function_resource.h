// AWS::Serverless::Function (SAM: "AWS::Serverless::Function"), resolved into a FunctionSpec.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/template/resources.h"
#include "emulator/template/stack.h"
#include "emulator/template/stack_scope.h"

namespace emu::tmpl {

// Reads the emulated properties of `function` (Globals already merged): FunctionName, CodeUri,
// Handler, Runtime, Timeout (1..900), MemorySize (128..10240), Environment.Variables,
// Architectures, AutoPublishAlias, DeploymentPreference, ReservedConcurrentExecutions, Layers
// (warnings for layer ARNs from elsewhere) and Api Events. Other SAM properties are accepted as they are; unknown ones are warnings.
// `reported_event_types` is shared by all functions (see read_api_events).
Result<FunctionSpec> read_function(const ResourceDecl& function, StackScope& scope,
                                   std::set<std::string>& reported_event_types,
                                   std::vector<std::string>& warnings);

}  // namespace emu::tmpl
