#include "emulator/template/property_reader.h"

#include <cctype>

#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

Error expected(const Node& value, const std::string& path, const std::string& what) {
  return template_error(value.where, path, "expected " + what + ", got " + describe(value));
}

}  // namespace

Result<std::string> read_string(const Node& value, const std::string& path) {
  if (!value.is_scalar()) return expected(value, path, "a string");
  return value.text;
}

Result<int> read_int(const Node& value, const std::string& path, int min, int max) {
  const std::string range =
      "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!value.is_scalar()) return expected(value, path, range);
  std::string digits = value.text;
  if (digits.starts_with("+")) digits.erase(0, 1);
  const bool negative = digits.starts_with("-");
  if (negative) digits.erase(0, 1);
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos)
    return expected(value, path, range);
  const int number = (negative ? -1 : 1) * std::stoi(digits);
  if (number < min || number > max) return expected(value, path, range);
  return number;
}

Result<bool> read_bool(const Node& value, const std::string& path) {
  if (value.is_scalar()) {
    const std::string text = lower(value.text);
    if (text == "true") return true;
    if (text == "false") return false;
  }
  return expected(value, path, "true or false");
}

Result<std::vector<std::string>> read_string_list(const Node& value, const std::string& path) {
  if (!value.is_sequence()) return expected(value, path, "a list of strings");
  std::vector<std::string> items;
  for (std::size_t i = 0; i < value.items.size(); ++i) {
    auto item = read_string(value.items[i], item_path(path, i));
    if (!item) return item.error();
    items.push_back(std::move(item.value()));
  }
  return items;
}

Result<std::map<std::string, std::string>> read_string_map(const Node& value,
                                                            const std::string& path) {
  if (!value.is_map()) return expected(value, path, "a map of names to strings");
  std::map<std::string, std::string> entries;
  for (const auto& entry : value.entries) {
    auto text = read_string(entry.value, child_path(path, entry.key));
    if (!text) return text.error();
    entries[entry.key] = std::move(text.value());
  }
  return entries;
}

std::optional<Error> expect_map(const Node& value, const std::string& path) {
  if (value.is_map()) return std::nullopt;
  return expected(value, path, "a map");
}

void warn_unknown_key(const MapEntry& entry, const std::string& path, const std::string& owner,
                      std::vector<std::string>& warnings) {
  warnings.push_back(warning_text(entry.key_where, child_path(path, entry.key),
                                  "'" + entry.key + "' is not a property of " + owner + " " +
                                      std::string(kIgnoredKeyNote)));
}

}  // namespace emu::tmpl
