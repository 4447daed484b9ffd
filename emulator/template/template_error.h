// The template engine's errors and warnings, all in one shape:
//   "<file>:<line>:<column>: <Section.LogicalId.Property.Path>: <what was wrong; what to do>"
// e.g. "template.yaml:12:16: Resources.WhoDisFunction.Properties.Timeout: expected an integer from
// 1 to 900, got \"abc\"". Paths use '.' between keys and "[i]" for list items.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/template/source_location.h"

namespace emu::tmpl {

inline constexpr const char* kTemplateError = "TemplateError";
inline constexpr const char* kParameterError = "ParameterError";

// An Error with code "TemplateError". An empty `path` leaves that part out.
Error template_error(const SourceLocation& where, std::string_view path, std::string_view what);

// An Error with code "ParameterError" (parameter declarations, values and overrides).
Error parameter_error(const SourceLocation& where, std::string_view path, std::string_view what);

// The text of a warning, in the same shape as an error message.
std::string warning_text(const SourceLocation& where, std::string_view path, std::string_view what);

// "Parent.key" (or "key" when parent is empty).
std::string child_path(std::string_view parent, std::string_view key);
// "Parent[index]".
std::string item_path(std::string_view parent, std::size_t index);

// "a, b, c".
std::string join(const std::vector<std::string>& names, std::string_view separator = ", ");

}  // namespace emu::tmpl
