// Evaluator: resolves CloudFormation intrinsic functions in a Node (AWS CloudFormation User Guide,
// "Intrinsic function reference"): Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split,
// Fn::If, Fn::FindInMap, Fn::Base64, Fn::GetAZs. Fn::ImportValue and the functions the emulator
// does not run (Fn::Cidr, Fn::Transform, ...) are errors naming what is supported. The condition
// functions (Fn::Equals, Fn::And, ...) belong to the Conditions section (see conditions.h).
//
// Evaluation nests at most kMaxEvaluationDepth levels, counting nesting through references (a
// Ref whose target's FunctionName holds another Ref, ...); deeper is an error, never a crash.
#pragma once

#include <optional>
#include <string>

#include "emulator/core/result.h"
#include "emulator/template/node.h"
#include "emulator/template/resolver.h"

namespace emu::tmpl {

inline constexpr int kMaxEvaluationDepth = 256;

class Evaluator {
 public:
  // `resolver` must outlive the Evaluator.
  explicit Evaluator(Resolver& resolver) : resolver_(resolver) {}

  // `node` with every intrinsic function resolved; nullopt when the whole value is AWS::NoValue.
  // Map entries and list items that evaluate to AWS::NoValue are removed. `path` names the node
  // in messages ("Resources.Fn.Properties.Timeout").
  Result<std::optional<Node>> evaluate(const Node& node, const std::string& path);

  // evaluate(), where AWS::NoValue is an error: a value is required here.
  Result<Node> evaluate_value(const Node& node, const std::string& path);

  // evaluate_value() that must give a scalar; returns its text.
  Result<std::string> evaluate_string(const Node& node, const std::string& path);

 private:
  class DepthGuard;

  Result<std::optional<Node>> evaluate_nested(const Node& node, const std::string& path);
  Result<std::optional<Node>> evaluate_function(const Node& node, const std::string& path);
  Result<std::optional<Node>> evaluate_ref(const Node& argument, const std::string& path);
  Result<Node> evaluate_get_att(const Node& argument, const std::string& path);
  Result<Node> evaluate_sub(const Node& argument, const std::string& path);
  Result<Node> evaluate_join(const Node& argument, const std::string& path);
  Result<Node> evaluate_select(const Node& argument, const std::string& path);
  Result<Node> evaluate_split(const Node& argument, const std::string& path);
  Result<std::optional<Node>> evaluate_if(const Node& argument, const std::string& path);
  Result<Node> evaluate_find_in_map(const Node& argument, const std::string& path);
  Result<Node> evaluate_base64(const Node& argument, const std::string& path);
  Result<Node> evaluate_get_azs(const Node& argument, const std::string& path);
  Result<Node> evaluate_list(const Node& node, const std::string& path);
  Result<std::string> substitute(const std::string& name, const Node& variables,
                                 const Node& argument, const std::string& path);

  Resolver& resolver_;
  int depth_ = 0;
};

// "Ref, Fn::Base64, ..." : the functions Evaluator and the Conditions section support.
std::string supported_functions_text();

}  // namespace emu::tmpl
