// Reads template text (YAML, or JSON, which is YAML) into a Node tree, through yaml-cpp's event
// parser so that every value keeps its position. This is the one place where yaml-cpp's
// exceptions are caught and translated (yaml-cpp marks are 0-based; ours are 1-based).
//
// Besides parsing it enforces what CloudFormation requires of template text: UTF-8, one document,
// string keys, no duplicate keys, known short-form tags only. It also bounds the tree:
// kMaxNodeDepth levels and kMaxNodeCount values (aliases count as many times as they are used).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "emulator/core/result.h"
#include "emulator/template/node.h"

namespace emu::tmpl {

inline constexpr std::size_t kMaxNodeCount = 500'000;

// The document's root; a Node of kind kNull (at 1:1) when the text holds no document or an empty
// one. `file` names the text in locations and messages.
Result<Node> read_yaml(std::string_view text, const std::string& file);

}  // namespace emu::tmpl
