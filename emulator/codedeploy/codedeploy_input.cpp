#include "emulator/codedeploy/codedeploy_input.h"

namespace emu::codedeploy {
namespace {

using Json = nlohmann::json;

// Line and column (both from 1) of byte `offset` of `text`, for parse errors.
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace

Result<CodeDeployInput> CodeDeployInput::parse(std::string_view body, std::string type_error_code) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return CodeDeployInput(Json::object(), std::move(type_error_code));
  Json parsed;
  try {
    parsed = Json::parse(body);
  } catch (const Json::parse_error& error) {
    // nlohmann's byte is 1-based and points at the character that could not be read.
    auto [line, column] = line_column(body, error.byte > 0 ? error.byte - 1 : 0);
    return Error{"SerializationException",
                 "The request body is not valid JSON: unexpected input at line " +
                     std::to_string(line) + ", column " + std::to_string(column) + " (" +
                     error.what() + ")"};
  } catch (const Json::exception& error) {
    // A number past double's range ("1e071000000": found by fuzzing) is out_of_range, not a
    // parse_error.
    return Error{"SerializationException",
                 std::string("The request body is not valid JSON: ") + error.what()};
  }
  if (!parsed.is_object())
    return Error{"SerializationException",
                 std::string("The request body must be a JSON object, not ") + parsed.type_name()};
  return CodeDeployInput(std::move(parsed), std::move(type_error_code));
}

const Json* CodeDeployInput::find(std::string_view member) const {
  auto it = body_.find(member);
  if (it == body_.end() || it->is_null()) return nullptr;
  return &*it;
}

Error CodeDeployInput::wrong_type(std::string_view member, const Json& value,
                                  std::string_view expected) const {
  return Error{type_error_code_, "1 validation error detected: Value at '" + std::string(member) +
                                     "' must be " + std::string(expected) + ", not " +
                                     value.type_name()};
}

Result<std::optional<std::string>> CodeDeployInput::string(std::string_view member) const {
  const Json* value = find(member);
  if (!value) return std::optional<std::string>();
  if (!value->is_string()) return wrong_type(member, *value, "a string");
  return std::optional<std::string>(value->get<std::string>());
}

Result<std::optional<bool>> CodeDeployInput::boolean(std::string_view member) const {
  const Json* value = find(member);
  if (!value) return std::optional<bool>();
  if (!value->is_boolean()) return wrong_type(member, *value, "a boolean");
  return std::optional<bool>(value->get<bool>());
}

Result<std::optional<std::vector<std::string>>> CodeDeployInput::strings(
    std::string_view member) const {
  const Json* value = find(member);
  if (!value) return std::optional<std::vector<std::string>>();
  if (!value->is_array()) return wrong_type(member, *value, "a list of strings");
  std::vector<std::string> items;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const Json& item = (*value)[i];
    if (!item.is_string())
      return wrong_type(std::string(member) + "." + std::to_string(i + 1), item, "a string");
    items.push_back(item.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(items));
}

Result<const Json*> CodeDeployInput::object(std::string_view member) const {
  const Json* value = find(member);
  if (value && !value->is_object()) return wrong_type(member, *value, "an object");
  return value;
}

}  // namespace emu::codedeploy
