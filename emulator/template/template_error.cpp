#include "emulator/template/template_error.h"

namespace emu::tmpl {

std::string warning_text(const SourceLocation& where, std::string_view path, std::string_view what) {
  std::string text = where.to_string() + ": ";
  if (!path.empty()) text.append(path).append(": ");
  return text.append(what);
}

Error template_error(const SourceLocation& where, std::string_view path, std::string_view what) {
  return Error{kTemplateError, warning_text(where, path, what)};
}

Error parameter_error(const SourceLocation& where, std::string_view path, std::string_view what) {
  return Error{kParameterError, warning_text(where, path, what)};
}

std::string child_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string path(parent);
  return path.append(".").append(key);
}

std::string item_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string join(const std::vector<std::string>& names, std::string_view separator) {
  std::string text;
  for (const auto& name : names) {
    if (!text.empty()) text.append(separator);
    text += name;
  }
  return text;
}

}  // namespace emu::tmpl
