// Checks that a template's bytes are text CloudFormation accepts: UTF-8 without control characters
// other than tab, line feed and carriage return (YAML 1.2, "Character Set").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace emu::tmpl {

struct TextProblem {
  int line = 1;     // 1-based
  int column = 1;   // 1-based, in characters
  std::string what; // e.g. "invalid UTF-8 byte 0xFF"
};

// The first problem in `text`, or nullopt when it is clean.
std::optional<TextProblem> find_text_problem(std::string_view text);

}  // namespace emu::tmpl
