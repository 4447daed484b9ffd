#include "emulator/template/parameter_constraints.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <vector>

#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::optional<double> as_number(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double number = std::strtod(text.c_str(), &end);
  if (errno != 0 || end != text.c_str() + text.size() || !std::isfinite(number))
    return std::nullopt;
  if (text.find_first_of("xXnN") != std::string::npos) return std::nullopt;  // no hex, inf, nan
  return number;
}

// Reads a check's argument and the check itself for one parameter, sharing the message shape.
class ValueChecker {
 public:
  ValueChecker(const std::string& name, const Node& declaration, const std::string& origin,
               const SourceLocation& where)
      : path_("Parameters." + name), declaration_(declaration), origin_(origin), where_(where) {}

  std::optional<Error> check_item(const std::string& item, ParameterShape shape) {
    const bool numeric = shape == ParameterShape::kNumber || shape == ParameterShape::kNumberList;
    if (numeric && !as_number(item)) return violation(item, "is not a Number");
    if (auto error = check_allowed_values(item)) return error;
    if (auto error = check_pattern(item)) return error;
    if (numeric) return check_range(item);
    return std::nullopt;
  }

  std::optional<Error> check_length(const std::string& value) {
    auto min = integer_attribute("MinLength");
    if (!min) return min.error();
    auto max = integer_attribute("MaxLength");
    if (!max) return max.error();
    const auto length = static_cast<long long>(value.size());
    if (min.value() && length < *min.value())
      return violation(value, "is shorter than MinLength " + std::to_string(*min.value()));
    if (max.value() && length > *max.value())
      return violation(value, "is longer than MaxLength " + std::to_string(*max.value()));
    return std::nullopt;
  }

 private:
  Error violation(const std::string& value, const std::string& what) const {
    std::string text = "value " + quote(value) + " (from " + origin_ + ") " + what;
    if (const Node* description = declaration_.find("ConstraintDescription");
        description && description->is_scalar())
      text += "; " + description->text;
    return parameter_error(where_, path_, text);
  }

  Error bad_attribute(const Node& attribute, const std::string& name, const std::string& what) const {
    return parameter_error(attribute.where, child_path(path_, name),
                           "expected " + what + ", got " + describe(attribute));
  }

  Result<std::optional<long long>> integer_attribute(const std::string& name) const {
    const Node* attribute = declaration_.find(name);
    if (!attribute) return std::optional<long long>();
    auto number = attribute->is_scalar() ? as_number(attribute->text) : std::nullopt;
    if (!number || *number != std::floor(*number) || *number < 0)
      return bad_attribute(*attribute, name, "a non-negative integer");
    return std::optional<long long>(static_cast<long long>(*number));
  }

  Result<std::optional<double>> number_attribute(const std::string& name) const {
    const Node* attribute = declaration_.find(name);
    if (!attribute) return std::optional<double>();
    auto number = attribute->is_scalar() ? as_number(attribute->text) : std::nullopt;
    if (!number) return bad_attribute(*attribute, name, "a number");
    return std::optional<double>(*number);
  }

  std::optional<Error> check_allowed_values(const std::string& item) const {
    const Node* allowed = declaration_.find("AllowedValues");
    if (!allowed) return std::nullopt;
    if (!allowed->is_sequence()) return bad_attribute(*allowed, "AllowedValues", "a list");
    std::vector<std::string> names;
    for (const auto& value : allowed->items) {
      if (!value.is_scalar()) return bad_attribute(value, "AllowedValues", "a string");
      if (value.text == item) return std::nullopt;
      names.push_back(value.text);
    }
    return violation(item, "is not one of AllowedValues [" + join(names) + "]");
  }

  std::optional<Error> check_pattern(const std::string& item) const {
    const Node* pattern = declaration_.find("AllowedPattern");
    if (!pattern) return std::nullopt;
    if (!pattern->is_scalar()) return bad_attribute(*pattern, "AllowedPattern", "a string");
    try {
      const std::regex expression(pattern->text, std::regex::ECMAScript);
      if (std::regex_match(item, expression)) return std::nullopt;
    } catch (const std::regex_error& failure) {
      return parameter_error(pattern->where, child_path(path_, "AllowedPattern"),
                             quote(pattern->text) + " is not a regular expression the emulator "
                             "can use (" + failure.what() + ")");
    }
    return violation(item, "does not match AllowedPattern " + quote(pattern->text));
  }

  std::optional<Error> check_range(const std::string& item) const {
    auto min = number_attribute("MinValue");
    if (!min) return min.error();
    auto max = number_attribute("MaxValue");
    if (!max) return max.error();
    const double number = *as_number(item);
    if (min.value() && number < *min.value())
      return violation(item, "is less than MinValue " + declaration_.find("MinValue")->text);
    if (max.value() && number > *max.value())
      return violation(item, "is greater than MaxValue " + declaration_.find("MaxValue")->text);
    return std::nullopt;
  }

  std::string path_;
  const Node& declaration_;
  std::string origin_;
  SourceLocation where_;
};

}  // namespace

std::optional<ParameterShape> parameter_shape(const std::string& type) {
  if (type == "String") return ParameterShape::kString;
  if (type == "Number") return ParameterShape::kNumber;
  if (type == "CommaDelimitedList") return ParameterShape::kList;
  if (type == "List<Number>") return ParameterShape::kNumberList;
  if (type.starts_with("List<AWS::") && type.ends_with(">")) return ParameterShape::kList;
  if (type.starts_with("AWS::SSM::Parameter::Value<List<") ||
      type == "AWS::SSM::Parameter::Value<CommaDelimitedList>")
    return ParameterShape::kList;
  if (type.starts_with("AWS::") && type.size() > 5) return ParameterShape::kString;
  return std::nullopt;
}

std::vector<std::string> split_list_value(const std::string& value) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (true) {
    const auto comma = value.find(',', start);
    items.push_back(trim(value.substr(start, comma - start)));
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

std::optional<Error> check_parameter_value(const std::string& name, const Node& declaration,
                                           ParameterShape shape, const std::string& value,
                                           const std::string& origin, const SourceLocation& where) {
  ValueChecker checker(name, declaration, origin, where);
  const bool is_list = shape == ParameterShape::kList || shape == ParameterShape::kNumberList;
  if (!is_list) {
    if (auto error = checker.check_length(value)) return error;
    return checker.check_item(value, shape);
  }
  for (const auto& item : split_list_value(value))
    if (auto error = checker.check_item(item, shape)) return error;
  return std::nullopt;
}

}  // namespace emu::tmpl
