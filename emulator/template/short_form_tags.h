// CloudFormation's YAML short forms: `!Ref X` is `{Ref: X}`, `!Sub s` is `{"Fn::Sub": s}`, ...
// (AWS CloudFormation User Guide, "Intrinsic function reference": each function's "Syntax for the
// short form").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace emu::tmpl {

// The long-form key for the tag `tag` ("!GetAtt" -> "Fn::GetAtt", "!Ref" -> "Ref",
// "!Condition" -> "Condition"), or nullopt when CloudFormation has no such short form.
std::optional<std::string> long_form_of_tag(std::string_view tag);

// "!Base64, !Cidr, ..." for messages.
std::string supported_tags_text();

}  // namespace emu::tmpl
