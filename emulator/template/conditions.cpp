#include "emulator/template/conditions.h"

#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

constexpr std::size_t kMaxConditionsPerAndOr = 10;  // CloudFormation's limit for Fn::And/Fn::Or

bool same_value(const Node& a, const Node& b) {
  if (a.kind != b.kind) return false;
  if (a.is_scalar()) return a.text == b.text;
  if (a.is_sequence()) {
    if (a.items.size() != b.items.size()) return false;
    for (std::size_t i = 0; i < a.items.size(); ++i)
      if (!same_value(a.items[i], b.items[i])) return false;
    return true;
  }
  if (a.is_map()) {
    if (a.entries.size() != b.entries.size()) return false;
    for (const auto& entry : a.entries) {
      const Node* other = b.find(entry.key);
      if (!other || !same_value(entry.value, *other)) return false;
    }
  }
  return true;
}

Error not_a_condition(const Node& expression, const std::string& path) {
  return template_error(expression.where, path,
                        "expected a condition: Fn::Equals, Fn::Not, Fn::And, Fn::Or or "
                        "{Condition: Name}, got " + describe(expression));
}

Result<bool> evaluate_equals(const Node& argument, const std::string& path, Evaluator& evaluator) {
  if (!argument.is_sequence() || argument.items.size() != 2)
    return template_error(argument.where, path,
                          "Fn::Equals expects [value, value], got " + describe(argument));
  auto left = evaluator.evaluate_value(argument.items[0], item_path(path, 0));
  if (!left) return left.error();
  auto right = evaluator.evaluate_value(argument.items[1], item_path(path, 1));
  if (!right) return right.error();
  return same_value(left.value(), right.value());
}

Result<bool> evaluate_logical(const std::string& function, const Node& argument,
                              const std::string& path, Evaluator& evaluator, Resolver& resolver) {
  const bool is_not = function == "Fn::Not";
  const std::size_t count = argument.is_sequence() ? argument.items.size() : 0;
  if (is_not ? count != 1 : (count < 2 || count > kMaxConditionsPerAndOr))
    return template_error(argument.where, path,
                          function + (is_not ? " expects a list of one condition"
                                             : " expects a list of 2 to 10 conditions") +
                              ", got " + describe(argument));
  bool all = true, any = false;
  for (std::size_t i = 0; i < count; ++i) {
    auto holds = evaluate_condition(argument.items[i], item_path(path, i), evaluator, resolver);
    if (!holds) return holds.error();
    all = all && holds.value();
    any = any || holds.value();
  }
  if (is_not) return !all;
  return function == "Fn::And" ? all : any;
}

}  // namespace

Result<bool> evaluate_condition(const Node& expression, const std::string& path,
                                Evaluator& evaluator, Resolver& resolver) {
  if (!expression.is_intrinsic()) return not_a_condition(expression, path);
  const std::string& function = expression.single_key();
  const Node& argument = expression.entries.front().value;
  const std::string inner = child_path(path, function);
  if (function == "Fn::Equals") return evaluate_equals(argument, inner, evaluator);
  if (function == "Fn::Not" || function == "Fn::And" || function == "Fn::Or")
    return evaluate_logical(function, argument, inner, evaluator, resolver);
  if (function == "Condition") {
    if (!argument.is_scalar() || argument.text.empty())
      return template_error(argument.where, inner,
                            "Condition expects the name of a condition, got " + describe(argument));
    return resolver.condition(argument.text, argument.where, inner);
  }
  return not_a_condition(expression, path);
}

}  // namespace emu::tmpl
