// Reading members of the emulator's control-API responses (deploy and status bodies) on the
// client side. A member of the wrong type throws FieldError, which the parser of the whole body
// turns into one Error; a missing or null member is "absent".
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace emu::cli {

struct FieldError : std::runtime_error {
  explicit FieldError(const std::string& what) : std::runtime_error(what) {}
};

// The member `key` of `object`, or nullptr when it is missing or null.
const nlohmann::json* member(const nlohmann::json& object, const char* key);

// The string member `key`, "" when absent; FieldError when it is not a string.
std::string text_field(const nlohmann::json& object, const char* key);

// A string member to read and where to store it; the reference must outlive the read.
struct TextTarget {
  const char* key;
  std::string& value;
};

// text_field for each target, in order: the first of the wrong type throws.
void read_text_fields(const nlohmann::json& object, std::initializer_list<TextTarget> targets);

}  // namespace emu::cli
