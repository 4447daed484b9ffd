// Fn::Sub (AWS CloudFormation User Guide, "Fn::Sub"): "${Name}" is replaced by the variable map's
// value, else by Ref of Name (parameter, pseudo parameter, resource); "${Logical.Attribute}" by
// Fn::GetAtt; "${!Literal}" is written as "${Literal}".
#include <string_view>
#include <utility>

#include "emulator/template/intrinsics.h"
#include "emulator/template/template_error.h"

namespace emu::tmpl {

Result<Node> Evaluator::evaluate_sub(const Node& argument, const std::string& path) {
  static const Node kNoVariables = Node::map({}, SourceLocation{});
  const Node* text = &argument;
  const Node* variables = &kNoVariables;
  if (argument.is_sequence()) {
    if (argument.items.size() != 2 || !argument.items[1].is_map())
      return template_error(argument.where, path,
                            "Fn::Sub expects a string, or [string, {Name: value, ...}], got " +
                                describe(argument));
    text = &argument.items[0];
    variables = &argument.items[1];
  }
  auto source = evaluate_string(*text, argument.is_sequence() ? item_path(path, 0) : path);
  if (!source) return source.error();
  const std::string& input = source.value();
  std::string output;
  std::size_t position = 0;
  while (true) {
    const auto open = input.find("${", position);
    output.append(input, position, open == std::string::npos ? std::string::npos : open - position);
    if (open == std::string::npos) break;
    if (open + 2 < input.size() && input[open + 2] == '!') {  // "${!x}" is the literal "${x}"
      output += "${";
      position = open + 3;
      continue;
    }
    const auto close = input.find('}', open + 2);
    if (close == std::string::npos)
      return template_error(argument.where, path,
                            "Fn::Sub: \"${\" at character " + std::to_string(open + 1) +
                                " has no closing '}'; write \"${!\" for a literal \"${\"");
    auto value = substitute(input.substr(open + 2, close - open - 2), *variables, argument, path);
    if (!value) return value.error();
    output += value.value();
    position = close + 1;
  }
  return Node::scalar(std::move(output), argument.where);
}

Result<std::string> Evaluator::substitute(const std::string& name, const Node& variables,
                                          const Node& argument, const std::string& path) {
  if (name.empty())
    return template_error(argument.where, path, "Fn::Sub: \"${}\" names no variable");
  if (const MapEntry* variable = variables.find_entry(name))
    return evaluate_string(variable->value, child_path(item_path(path, 1), name));
  const auto dot = name.find('.');
  Result<Node> value = Node{};
  if (dot == std::string::npos || name.starts_with("AWS::") ||
      resolver_.is_generated_reference(name)) {
    auto referenced = resolver_.ref(name, argument.where, path);
    if (!referenced) return referenced.error();
    if (!referenced.value())
      return template_error(argument.where, path,
                            "Fn::Sub: ${" + name + "} is AWS::NoValue, which cannot be substituted");
    value = std::move(*referenced.value());
  } else {
    value = resolver_.get_att(name.substr(0, dot), name.substr(dot + 1), argument.where, path);
  }
  if (!value) return value.error();
  if (!value->is_scalar())
    return template_error(argument.where, path,
                          "Fn::Sub: ${" + name + "} is " + describe(value.value()) +
                              ", but Fn::Sub substitutes strings only");
  return value->text;
}

}  // namespace emu::tmpl
