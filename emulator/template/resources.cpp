#include "emulator/template/resources.h"

#include <array>
#include <cctype>
#include <string_view>

#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

// AWS CloudFormation User Guide, "Resource attribute reference", plus SAM's Connectors and
// IgnoreGlobals.
constexpr std::array<std::string_view, 11> kResourceAttributes = {
    "Type",         "Properties",    "Condition",      "DependsOn",     "Metadata", "DeletionPolicy",
    "UpdateReplacePolicy", "UpdatePolicy", "CreationPolicy", "Connectors", "IgnoreGlobals"};

bool is_attribute(const std::string& key) {
  for (std::string_view known : kResourceAttributes)
    if (known == key) return true;
  return false;
}

// Globals.Function or Globals.Api without the properties listed in the resource's IgnoreGlobals
// (a list of names, or "*" for all).
Result<Node> applicable_globals(const Node& section, const Node* ignore, const std::string& path) {
  if (!ignore) return section;
  if (ignore->is_scalar() && ignore->text == "*") return Node::map({}, section.where);
  if (!ignore->is_sequence())
    return template_error(ignore->where, path + ".IgnoreGlobals",
                          "expected \"*\" or a list of property names, got " + describe(*ignore));
  Node kept = Node::map({}, section.where);
  for (const auto& entry : section.entries) {
    bool ignored = false;
    for (const auto& name : ignore->items) ignored = ignored || name.text == entry.key;
    if (!ignored) kept.entries.push_back(entry);
  }
  return kept;
}

Result<ResourceDecl> read_resource(const MapEntry& entry, const Globals& globals,
                                   std::vector<std::string>& warnings) {
  ResourceDecl resource;
  resource.logical_id = entry.key;
  resource.where = entry.key_where;
  const std::string path = resource.path();
  if (!is_logical_id(entry.key))
    return template_error(entry.key_where, path,
                          "a logical id must be alphanumeric (A-Za-z0-9); rename the resource");
  const Node& body = entry.value;
  if (!body.is_map())
    return template_error(body.where, path, "expected a map with Type and Properties, got " +
                                                describe(body));
  const Node* type = body.find("Type");
  if (!type) return template_error(body.where, path, "every resource must have a Type");
  if (!type->is_scalar() || type->text.empty())
    return template_error(type->where, path + ".Type", "expected a resource type such as "
                          "AWS::Serverless::Function, got " + describe(*type));
  resource.type = type->text;
  for (const auto& attribute : body.entries)
    if (!is_attribute(attribute.key))
      warnings.push_back(warning_text(attribute.key_where, path + "." + attribute.key,
                                      "'" + attribute.key + "' is not a resource attribute "
                                      "CloudFormation or SAM knows; it is ignored."));
  if (const Node* condition = body.find("Condition")) {
    if (!condition->is_scalar() || condition->text.empty())
      return template_error(condition->where, path + ".Condition",
                            "expected the name of a condition, got " + describe(*condition));
    resource.condition = condition->text;
    resource.condition_where = condition->where;
  }
  const Node* properties = body.find("Properties");
  Node own = Node::map({}, body.where);
  if (properties && properties->is_map()) own = *properties;
  else if (properties && !properties->is_null())
    return template_error(properties->where, path + ".Properties",
                          "expected a map of properties, got " + describe(*properties));
  for (const auto& property : own.entries) resource.own_keys.push_back(property.key);
  const bool is_function = resource.type == kFunctionType;
  const Node* global_properties = is_function                    ? &globals.function
                                  : resource.type == kApiType     ? &globals.api
                                  : resource.type == kHttpApiType ? &globals.http_api
                                                                  : nullptr;
  if (global_properties) {
    auto global = applicable_globals(*global_properties, body.find("IgnoreGlobals"), path);
    if (!global) return global.error();
    resource.properties = merge_globals(global.value(), own);
  } else {
    resource.properties = std::move(own);
  }
  return resource;
}

}  // namespace

bool ResourceDecl::has_own(const std::string& key) const {
  for (const auto& own : own_keys)
    if (own == key) return true;
  return false;
}

std::string ResourceDecl::property_path(const std::string& key) const {
  return path() + ".Properties." + key;
}

bool is_logical_id(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

Result<std::vector<ResourceDecl>> read_resources(const Node& root, const Globals& globals,
                                                 std::vector<std::string>& warnings) {
  const Node* section = root.find("Resources");
  if (!section)
    return template_error(root.where, "",
                          "the template has no Resources section; CloudFormation requires one "
                          "with at least one resource");
  if (!section->is_map())
    return template_error(section->where, "Resources",
                          "expected a map of resources, got " + describe(*section));
  if (section->entries.empty())
    return template_error(section->where, "Resources",
                          "the Resources section is empty; CloudFormation requires at least one "
                          "resource");
  std::vector<ResourceDecl> resources;
  for (const auto& entry : section->entries) {
    auto resource = read_resource(entry, globals, warnings);
    if (!resource) return resource.error();
    resources.push_back(std::move(resource.value()));
  }
  return resources;
}

}  // namespace emu::tmpl
