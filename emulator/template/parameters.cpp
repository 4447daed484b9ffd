#include "emulator/template/parameters.h"

#include <array>
#include <cctype>
#include <optional>
#include <string_view>
#include <vector>

#include "emulator/template/parameter_constraints.h"
#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

constexpr std::array<std::string_view, 11> kDeclarationKeys = {
    "Type",      "Default",   "AllowedValues", "AllowedPattern", "ConstraintDescription",
    "Description", "MaxLength", "MinLength",   "MaxValue",       "MinValue", "NoEcho"};

bool is_alphanumeric(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

struct Declaration {
  const MapEntry* entry;
  ParameterShape shape;
};

Result<Declaration> read_declaration(const MapEntry& entry) {
  const std::string path = "Parameters." + entry.key;
  if (!is_alphanumeric(entry.key))
    return parameter_error(entry.key_where, path,
                           "a parameter's name must be alphanumeric (A-Za-z0-9)");
  const Node& declaration = entry.value;
  if (!declaration.is_map())
    return parameter_error(declaration.where, path,
                           "expected a map with at least Type, got " + describe(declaration));
  for (const auto& attribute : declaration.entries) {
    bool known = false;
    for (std::string_view key : kDeclarationKeys) known = known || key == attribute.key;
    if (!known)
      return parameter_error(attribute.key_where, child_path(path, attribute.key),
                             "'" + attribute.key + "' is not a parameter property; expected one of "
                             "Type, Default, AllowedValues, AllowedPattern, ConstraintDescription, "
                             "Description, MaxLength, MinLength, MaxValue, MinValue, NoEcho");
  }
  const Node* type = declaration.find("Type");
  if (!type)
    return parameter_error(declaration.where, path, "every parameter must have a Type");
  auto shape = type->is_scalar() ? parameter_shape(type->text) : std::nullopt;
  if (!shape)
    return parameter_error(type->where, child_path(path, "Type"),
                           "unknown parameter type " + describe(*type) +
                               "; expected String, Number, CommaDelimitedList, List<Number>, "
                               "or an AWS-specific type such as AWS::EC2::VPC::Id");
  return Declaration{&entry, *shape};
}

Node value_node(const std::string& text, ParameterShape shape, const SourceLocation& where) {
  if (shape != ParameterShape::kList && shape != ParameterShape::kNumberList)
    return Node::scalar(text, where);
  std::vector<Node> items;
  for (const auto& item : split_list_value(text)) items.push_back(Node::scalar(item, where));
  return Node::sequence(std::move(items), where);
}

std::string bracketed(const std::vector<std::string>& names) {
  return "[" + join(names) + "]";
}

std::optional<Error> check_overrides_exist(const Node* section, const SourceLocation& where,
                                           const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> unknown;
  for (const auto& [name, value] : overrides)
    if (!section || !section->find(name)) unknown.push_back(name);
  if (unknown.empty()) return std::nullopt;
  return parameter_error(where, "", "Parameters: " + bracketed(unknown) +
                                        " do not exist in the template");
}

}  // namespace

Result<ParameterValues> resolve_parameters(const Node* section, const SourceLocation& section_where,
                                           const std::map<std::string, std::string>& overrides) {
  if (section && !section->is_map() && !section->is_null())
    return parameter_error(section->where, "Parameters",
                           "expected a map of parameter declarations, got " + describe(*section));
  if (auto error = check_overrides_exist(section, section_where, overrides)) return *error;
  ParameterValues values;
  std::vector<std::string> missing;
  for (const auto& entry : section ? section->entries : std::vector<MapEntry>{}) {
    auto declaration = read_declaration(entry);
    if (!declaration) return declaration.error();
    const Node* default_value = entry.value.find("Default");
    const auto override_value = overrides.find(entry.key);
    if (default_value && !default_value->is_scalar())
      return parameter_error(default_value->where, "Parameters." + entry.key + ".Default",
                             "expected a string, got " + describe(*default_value));
    if (override_value == overrides.end() && !default_value) {
      missing.push_back(entry.key);
      continue;
    }
    const bool overridden = override_value != overrides.end();
    const std::string text = overridden ? override_value->second : default_value->text;
    const SourceLocation where = overridden ? entry.key_where : default_value->where;
    if (auto error = check_parameter_value(entry.key, entry.value, declaration->shape, text,
                                           overridden ? "--parameter-overrides" : "Default", where))
      return *error;
    values[entry.key] = ParameterValue{value_node(text, declaration->shape, where), text};
  }
  if (!missing.empty())
    return parameter_error(section_where, "", "Parameters: " + bracketed(missing) +
                                                  " must have values");
  return values;
}

}  // namespace emu::tmpl
