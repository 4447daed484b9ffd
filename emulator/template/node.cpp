#include "emulator/template/node.h"

#include <cstdio>
#include <utility>

namespace emu::tmpl {

namespace {

// A node of `kind` at `where` whose `payload` member (text, items or entries) holds `value`.
template <class T>
Node with_payload(Node::Kind kind, T Node::*payload, T value, SourceLocation where) {
  Node node;
  node.kind = kind;
  node.*payload = std::move(value);
  node.where = std::move(where);
  return node;
}

}  // namespace

Node Node::null(SourceLocation where) {
  Node node;
  node.where = std::move(where);
  return node;
}

Node Node::scalar(std::string text, SourceLocation where) {
  return with_payload(Kind::kScalar, &Node::text, std::move(text), std::move(where));
}

Node Node::sequence(std::vector<Node> items, SourceLocation where) {
  return with_payload(Kind::kSequence, &Node::items, std::move(items), std::move(where));
}

Node Node::map(std::vector<MapEntry> entries, SourceLocation where) {
  return with_payload(Kind::kMap, &Node::entries, std::move(entries), std::move(where));
}

const MapEntry* Node::find_entry(std::string_view key) const {
  for (const auto& entry : entries)
    if (entry.key == key) return &entry;
  return nullptr;
}

const Node* Node::find(std::string_view key) const {
  const MapEntry* entry = find_entry(key);
  return entry ? &entry->value : nullptr;
}

Node* Node::find(std::string_view key) {
  for (auto& entry : entries)
    if (entry.key == key) return &entry.value;
  return nullptr;
}

bool Node::is_intrinsic() const {
  if (!is_map() || entries.size() != 1) return false;
  const std::string& key = entries.front().key;
  return key == "Ref" || key == "Condition" || key.starts_with("Fn::");
}

const std::string& Node::single_key() const {
  static const std::string kNone;
  return is_map() && entries.size() == 1 ? entries.front().key : kNone;
}

std::string describe(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull: return "null";
    case Node::Kind::kScalar: return quote(node.text);
    case Node::Kind::kSequence: return "a list";
    case Node::Kind::kMap: return node.is_intrinsic() ? node.single_key() : "a map";
  }
  return "?";
}

std::string quote(std::string_view text) {
  constexpr std::size_t kMaxShown = 80;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMaxShown) out += "...";
  return out + "\"";
}

}  // namespace emu::tmpl
