#include "emulator/cli/response_fields.h"

namespace emu::cli {

const nlohmann::json* member(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string text_field(const nlohmann::json& object, const char* key) {
  const nlohmann::json* value = member(object, key);
  if (!value) return "";
  if (!value->is_string()) throw FieldError(std::string(key) + " should be a string");
  return value->get<std::string>();
}

void read_text_fields(const nlohmann::json& object, std::initializer_list<TextTarget> targets) {
  for (const auto& target : targets) target.value = text_field(object, target.key);
}

}  // namespace emu::cli
