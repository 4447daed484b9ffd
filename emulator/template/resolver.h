// Resolver: what intrinsic functions need to know about the stack (parameters, pseudo parameters,
// resources, conditions, mappings). The Evaluator calls it; StackScope implements it.
#pragma once

#include <optional>
#include <string>

#include "emulator/core/result.h"
#include "emulator/template/node.h"
#include "emulator/template/source_location.h"

namespace emu::tmpl {

class Resolver {
 public:
  virtual ~Resolver() = default;

  // The value of `Ref: name` (a parameter, pseudo parameter, resource or SAM-generated reference
  // such as "MyFunction.Version"); nullopt for AWS::NoValue. `where`/`path` locate the Ref.
  virtual Result<std::optional<Node>> ref(const std::string& name, const SourceLocation& where,
                                          const std::string& path) = 0;

  // The value of `Fn::GetAtt: [logical_id, attribute]`.
  virtual Result<Node> get_att(const std::string& logical_id, const std::string& attribute,
                               const SourceLocation& where, const std::string& path) = 0;

  // True when `name` ("X.Y") is a SAM-generated reference that Ref resolves (e.g.
  // "MyFunction.Version"), so that Fn::Sub's "${X.Y}" means Ref rather than Fn::GetAtt.
  virtual bool is_generated_reference(const std::string& name) const = 0;

  // The value of the named condition of the Conditions section.
  virtual Result<bool> condition(const std::string& name, const SourceLocation& where,
                                 const std::string& path) = 0;

  // The Mappings section (nullptr when the template has none).
  virtual const Node* mappings() const = 0;

  // AWS::Region, for Fn::GetAZs.
  virtual const std::string& region() const = 0;
};

}  // namespace emu::tmpl
