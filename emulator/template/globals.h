// SAM's Globals section ("Globals section of the AWS SAM template"): properties declared once and
// merged into every AWS::Serverless::Function / Api / HttpApi before anything is resolved.
#pragma once

#include "emulator/core/result.h"
#include "emulator/template/node.h"

namespace emu::tmpl {

struct Globals {
  Node function = Node::map({}, {});  // Globals.Function
  Node api = Node::map({}, {});       // Globals.Api
  Node http_api = Node::map({}, {});  // Globals.HttpApi
};

// Reads and checks the Globals section (nullptr when absent). Sections and properties SAM does
// not support there are errors in SAM's words ("'Foo' is not a supported property of
// 'Function'..."); SimpleTable, LayerVersion and StateMachine sections are accepted and not used
// (the emulator runs none of those resources).
Result<Globals> read_globals(const Node* section);

// `resource` (a resource's Properties, or null) with `global` merged in, by SAM's "Overridable"
// rules: maps are merged key by key (recursively; the resource's value wins a conflict), lists are
// concatenated (global items first), and for anything else, including intrinsic functions
// ({Ref: ...}, {"Fn::...": ...}), the resource's value wins.
Node merge_globals(const Node& global, const Node& resource);

}  // namespace emu::tmpl
