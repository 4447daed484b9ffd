#include "emulator/template/short_form_tags.h"

#include <array>

namespace emu::tmpl {
namespace {

// Every short form CloudFormation accepts, including those the emulator does not evaluate
// (Cidr, Transform, ...): a template using them is valid and may use them where we do not look.
constexpr std::array<std::string_view, 21> kShortForms = {
    "Ref",  "Condition", "Base64",      "Cidr",      "And",       "Equals", "GetAtt",
    "GetAZs", "If",      "ImportValue", "Join",      "Not",       "Or",     "FindInMap",
    "Select", "Split",   "Sub",         "Transform", "Length",    "ToJsonString", "ForEach"};

}  // namespace

std::optional<std::string> long_form_of_tag(std::string_view tag) {
  if (!tag.starts_with("!")) return std::nullopt;
  const std::string_view name = tag.substr(1);
  for (std::string_view known : kShortForms) {
    if (known != name) continue;
    if (name == "Ref" || name == "Condition") return std::string(name);
    return "Fn::" + std::string(name);
  }
  return std::nullopt;
}

std::string supported_tags_text() {
  std::string text;
  for (std::string_view known : kShortForms) {
    if (!text.empty()) text += ", ";
    text.append("!").append(known);
  }
  return text;
}

}  // namespace emu::tmpl
