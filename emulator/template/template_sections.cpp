#include "emulator/template/template_sections.h"

#include <array>
#include <string_view>

#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

constexpr std::array<std::string_view, 12> kSections = {
    "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings",
    "Conditions", "Transform", "Resources", "Outputs", "Globals", "Hooks"};

constexpr const char* kSamTransform = "AWS::Serverless-2016-10-31";

std::optional<Error> check_root(const Node& root) {
  if (root.is_null())
    return template_error(root.where, "",
                          "the template is empty; expected a map with at least a Resources "
                          "section");
  if (!root.is_map())
    return template_error(root.where, "",
                          "the template must be a map of sections (Resources, Parameters, ...), "
                          "got " + describe(root));
  for (const auto& entry : root.entries) {
    bool known = false;
    for (std::string_view section : kSections) known = known || section == entry.key;
    if (!known)
      return template_error(entry.key_where, entry.key,
                            "'" + entry.key + "' is not a template section; expected one of "
                            "AWSTemplateFormatVersion, Description, Metadata, Parameters, Rules, "
                            "Mappings, Conditions, Transform, Resources, Outputs, Globals, Hooks");
  }
  return std::nullopt;
}

std::optional<Error> check_mappings(const Node* mappings) {
  if (!mappings) return std::nullopt;
  if (!mappings->is_map())
    return template_error(mappings->where, "Mappings",
                          "expected a map of maps, got " + describe(*mappings));
  for (const auto& mapping : mappings->entries) {
    const std::string path = "Mappings." + mapping.key;
    if (!mapping.value.is_map())
      return template_error(mapping.value.where, path,
                            "expected a map of top-level keys, got " + describe(mapping.value));
    for (const auto& top : mapping.value.entries)
      if (!top.value.is_map())
        return template_error(top.value.where, path + "." + top.key,
                              "expected a map of second-level keys to values, got " +
                                  describe(top.value));
  }
  return std::nullopt;
}

bool declares_sam_transform(const Node* transform) {
  if (!transform) return false;
  if (transform->is_scalar()) return transform->text == kSamTransform;
  for (const auto& item : transform->items)
    if (item.is_scalar() && item.text == kSamTransform) return true;
  return false;
}

bool uses_serverless_resources(const Node* resources) {
  if (!resources || !resources->is_map()) return false;
  for (const auto& entry : resources->entries) {
    const Node* type = entry.value.find("Type");
    if (type && type->is_scalar() && type->text.starts_with("AWS::Serverless::")) return true;
  }
  return false;
}

}  // namespace

std::optional<Error> check_sections(const Node& root, std::vector<std::string>& warnings) {
  if (auto error = check_root(root)) return error;
  if (const Node* conditions = root.find("Conditions"); conditions && !conditions->is_map())
    return template_error(conditions->where, "Conditions",
                          "expected a map of condition names to conditions, got " +
                              describe(*conditions));
  if (auto error = check_mappings(root.find("Mappings"))) return error;
  if (uses_serverless_resources(root.find("Resources")) &&
      !declares_sam_transform(root.find("Transform")))
    warnings.push_back(warning_text(root.where, "Transform",
                                    std::string("the template uses AWS::Serverless resources but "
                                                "does not declare Transform: ") +
                                        kSamTransform + "; CloudFormation would reject it."));
  return std::nullopt;
}

}  // namespace emu::tmpl
