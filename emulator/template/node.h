// Node: our own tree for a parsed template, with the 1-based position of every value, so that any
// later error can say where in the file it comes from. Built by yaml_reader; CloudFormation's
// short-form tags (`!Ref X`) have already been turned into their one-key map form (`{Ref: X}`).
//
// Invariant (enforced by the reader): a tree is at most kMaxNodeDepth levels deep, so recursive
// walks over it are bounded.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/template/source_location.h"

namespace emu::tmpl {

inline constexpr int kMaxNodeDepth = 256;

struct MapEntry;

struct Node {
  enum class Kind { kNull, kScalar, kSequence, kMap };

  Kind kind = Kind::kNull;
  std::string text;              // kScalar: the value as written (numbers and booleans too)
  std::vector<Node> items;       // kSequence
  std::vector<MapEntry> entries; // kMap, in file order; keys are unique
  SourceLocation where;

  static Node null(SourceLocation where);
  static Node scalar(std::string text, SourceLocation where);
  static Node sequence(std::vector<Node> items, SourceLocation where);
  static Node map(std::vector<MapEntry> entries, SourceLocation where);

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_map() const { return kind == Kind::kMap; }

  // kMap: the value under `key`, or nullptr (also for other kinds).
  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
  // kMap: the entry under `key`, or nullptr.
  const MapEntry* find_entry(std::string_view key) const;

  // True for a one-key map whose key names an intrinsic function as SAM and CloudFormation
  // recognise them: "Ref", "Condition" or "Fn::<anything>".
  bool is_intrinsic() const;
  // The key of a one-key map ("" otherwise).
  const std::string& single_key() const;
};

struct MapEntry {
  std::string key;
  SourceLocation key_where;
  Node value;
};

// "a map", "a list", "null" or the scalar quoted ("\"abc\""), for "got ..." in messages.
std::string describe(const Node& node);

// `text` in double quotes, with control characters escaped and long text shortened, so that a
// value from the template can be shown safely in a one-line message.
std::string quote(std::string_view text);

}  // namespace emu::tmpl
