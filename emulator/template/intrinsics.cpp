#include "emulator/template/intrinsics.h"

#include <array>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

struct FunctionUsage {
  std::string_view name;
  std::string_view usage;
};

// The functions Evaluator runs, with the argument shape each expects.
constexpr std::array<FunctionUsage, 10> kFunctions = {{
    {"Ref", "the name of a parameter or resource, e.g. !Ref MyParameter"},
    {"Fn::Base64", "a string"},
    {"Fn::FindInMap", "[MapName, TopLevelKey, SecondLevelKey]"},
    {"Fn::GetAtt", "[LogicalId, Attribute] or \"LogicalId.Attribute\""},
    {"Fn::GetAZs", "a region name, or \"\" for the stack's region"},
    {"Fn::If", "[ConditionName, value if true, value if false]"},
    {"Fn::Join", "[delimiter, [value, ...]]"},
    {"Fn::Select", "[index, [value, ...]]"},
    {"Fn::Split", "[delimiter, string]"},
    {"Fn::Sub", "a string, or [string, {Name: value, ...}]"},
}};

constexpr std::array<std::string_view, 5> kConditionFunctions = {
    "Fn::And", "Fn::Equals", "Fn::Not", "Fn::Or", "Condition"};

// Functions CloudFormation has and the emulator does not evaluate.
constexpr std::array<std::string_view, 5> kNotEmulated = {
    "Fn::Cidr", "Fn::Transform", "Fn::Length", "Fn::ToJsonString", "Fn::ForEach"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::string_view known : names)
    if (known == name) return true;
  return false;
}

std::string_view usage_of(std::string_view function) {
  for (const auto& known : kFunctions)
    if (known.name == function) return known.usage;
  return "";
}

Error bad_argument(std::string_view function, const Node& argument, const std::string& path) {
  return template_error(argument.where, path,
                        std::string(function) + " expects " + std::string(usage_of(function)) +
                            ", got " + describe(argument));
}

// The items of a function's list argument, which must hold exactly `count` items.
Result<std::vector<const Node*>> list_argument(std::string_view function, const Node& argument,
                                               std::size_t count, const std::string& path) {
  if (!argument.is_sequence() || argument.items.size() != count)
    return bad_argument(function, argument, path);
  std::vector<const Node*> items;
  for (const auto& item : argument.items) items.push_back(&item);
  return items;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(n >> shift) & 63];
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace

std::string supported_functions_text() {
  std::string text;
  for (const auto& known : kFunctions) {
    if (!text.empty()) text += ", ";
    text += known.name;
  }
  return text + " (and in Conditions: Fn::And, Fn::Equals, Fn::Not, Fn::Or, Condition)";
}

class Evaluator::DepthGuard {
 public:
  explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
  ~DepthGuard() { --depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  bool too_deep() const { return depth_ > kMaxEvaluationDepth; }

 private:
  int& depth_;
};

Result<std::optional<Node>> Evaluator::evaluate(const Node& node, const std::string& path) {
  DepthGuard guard(depth_);
  if (guard.too_deep())
    return template_error(node.where, path,
                          "intrinsic functions and the references they follow nest more than " +
                              std::to_string(kMaxEvaluationDepth) + " levels deep");
  return evaluate_nested(node, path);
}

Result<std::optional<Node>> Evaluator::evaluate_nested(const Node& node, const std::string& path) {
  if (node.is_map() && node.entries.size() == 1 && node.single_key() != "Condition" &&
      node.is_intrinsic())
    return evaluate_function(node, path);
  if (node.is_sequence()) {
    std::vector<Node> items;
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      auto item = evaluate(node.items[i], item_path(path, i));
      if (!item) return item.error();
      if (item.value()) items.push_back(std::move(*item.value()));
    }
    return std::optional<Node>(Node::sequence(std::move(items), node.where));
  }
  if (node.is_map()) {
    std::vector<MapEntry> entries;
    for (const auto& entry : node.entries) {
      auto value = evaluate(entry.value, child_path(path, entry.key));
      if (!value) return value.error();
      if (value.value()) entries.push_back(MapEntry{entry.key, entry.key_where, std::move(*value.value())});
    }
    return std::optional<Node>(Node::map(std::move(entries), node.where));
  }
  return std::optional<Node>(node);
}

Result<Node> Evaluator::evaluate_value(const Node& node, const std::string& path) {
  auto value = evaluate(node, path);
  if (!value) return value.error();
  if (!value.value())
    return template_error(node.where, path, "AWS::NoValue cannot be used here: a value is required");
  return std::move(*value.value());
}

Result<std::string> Evaluator::evaluate_string(const Node& node, const std::string& path) {
  auto value = evaluate_value(node, path);
  if (!value) return value.error();
  if (!value->is_scalar())
    return template_error(node.where, path, "expected a string, got " + describe(value.value()));
  return value->text;
}

Result<std::optional<Node>> Evaluator::evaluate_function(const Node& node, const std::string& path) {
  const std::string& name = node.single_key();
  const Node& argument = node.entries.front().value;
  const std::string inner = child_path(path, name);
  const auto wrap = [](Result<Node> value) -> Result<std::optional<Node>> {
    if (!value) return value.error();
    return std::optional<Node>(std::move(value.value()));
  };
  if (name == "Ref") return evaluate_ref(argument, inner);
  if (name == "Fn::If") return evaluate_if(argument, inner);
  if (name == "Fn::GetAtt") return wrap(evaluate_get_att(argument, inner));
  if (name == "Fn::Sub") return wrap(evaluate_sub(argument, inner));
  if (name == "Fn::Join") return wrap(evaluate_join(argument, inner));
  if (name == "Fn::Select") return wrap(evaluate_select(argument, inner));
  if (name == "Fn::Split") return wrap(evaluate_split(argument, inner));
  if (name == "Fn::FindInMap") return wrap(evaluate_find_in_map(argument, inner));
  if (name == "Fn::Base64") return wrap(evaluate_base64(argument, inner));
  if (name == "Fn::GetAZs") return wrap(evaluate_get_azs(argument, inner));
  if (name == "Fn::ImportValue")
    return template_error(node.where, path,
                          "Fn::ImportValue is not supported locally: there are no other stacks to "
                          "import from; pass the value as a parameter instead");
  if (contains(kConditionFunctions, name))
    return template_error(node.where, path,
                          name + " can only be used in the Conditions section; use Fn::If with a "
                                 "condition's name here");
  if (contains(kNotEmulated, name))
    return template_error(node.where, path,
                          name + " is not supported by the emulator; supported: " +
                              supported_functions_text());
  return template_error(node.where, path,
                        "unknown intrinsic function '" + name + "'; supported: " +
                            supported_functions_text());
}

Result<std::optional<Node>> Evaluator::evaluate_ref(const Node& argument, const std::string& path) {
  if (!argument.is_scalar() || argument.text.empty()) return bad_argument("Ref", argument, path);
  return resolver_.ref(argument.text, argument.where, path);
}

Result<Node> Evaluator::evaluate_get_att(const Node& argument, const std::string& path) {
  std::string logical_id, attribute;
  if (argument.is_scalar()) {
    const auto dot = argument.text.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == argument.text.size())
      return bad_argument("Fn::GetAtt", argument, path);
    logical_id = argument.text.substr(0, dot);
    attribute = argument.text.substr(dot + 1);
  } else {
    auto items = list_argument("Fn::GetAtt", argument, 2, path);
    if (!items) return items.error();
    const Node& first = *items.value()[0];
    if (!first.is_scalar() || first.text.empty()) return bad_argument("Fn::GetAtt", argument, path);
    logical_id = first.text;
    auto name = evaluate_string(*items.value()[1], item_path(path, 1));
    if (!name) return name.error();
    attribute = name.value();
  }
  return resolver_.get_att(logical_id, attribute, argument.where, path);
}

Result<Node> Evaluator::evaluate_list(const Node& node, const std::string& path) {
  auto value = evaluate_value(node, path);
  if (!value) return value.error();
  if (!value->is_sequence())
    return template_error(node.where, path, "expected a list, got " + describe(value.value()));
  for (std::size_t i = 0; i < value->items.size(); ++i)
    if (!value->items[i].is_scalar())
      return template_error(value->items[i].where, item_path(path, i),
                            "expected a string, got " + describe(value->items[i]));
  return value;
}

Result<Node> Evaluator::evaluate_join(const Node& argument, const std::string& path) {
  auto items = list_argument("Fn::Join", argument, 2, path);
  if (!items) return items.error();
  auto delimiter = evaluate_string(*items.value()[0], item_path(path, 0));
  if (!delimiter) return delimiter.error();
  auto values = evaluate_list(*items.value()[1], item_path(path, 1));
  if (!values) return values.error();
  std::string joined;
  for (std::size_t i = 0; i < values->items.size(); ++i) {
    if (i > 0) joined += delimiter.value();
    joined += values->items[i].text;
  }
  return Node::scalar(std::move(joined), argument.where);
}

Result<Node> Evaluator::evaluate_select(const Node& argument, const std::string& path) {
  auto items = list_argument("Fn::Select", argument, 2, path);
  if (!items) return items.error();
  auto index_text = evaluate_string(*items.value()[0], item_path(path, 0));
  if (!index_text) return index_text.error();
  const std::string& text = index_text.value();
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
    return template_error(items.value()[0]->where, item_path(path, 0),
                          "Fn::Select's index must be a non-negative integer, got " + quote(text));
  auto values = evaluate_value(*items.value()[1], item_path(path, 1));
  if (!values) return values.error();
  if (!values->is_sequence())
    return template_error(items.value()[1]->where, item_path(path, 1),
                          "expected a list, got " + describe(values.value()));
  const std::size_t index = std::stoul(text);
  if (index >= values->items.size())
    return template_error(argument.where, path,
                          "Fn::Select's index " + text + " is out of range: the list has " +
                              std::to_string(values->items.size()) + " items");
  Node chosen = values->items[index];
  chosen.where = argument.where;
  return chosen;
}

Result<Node> Evaluator::evaluate_split(const Node& argument, const std::string& path) {
  auto items = list_argument("Fn::Split", argument, 2, path);
  if (!items) return items.error();
  auto delimiter = evaluate_string(*items.value()[0], item_path(path, 0));
  if (!delimiter) return delimiter.error();
  if (delimiter->empty())
    return template_error(items.value()[0]->where, item_path(path, 0),
                          "Fn::Split's delimiter must not be empty");
  auto source = evaluate_string(*items.value()[1], item_path(path, 1));
  if (!source) return source.error();
  std::vector<Node> parts;
  std::size_t start = 0;
  while (true) {
    const auto found = source->find(delimiter.value(), start);
    parts.push_back(Node::scalar(source->substr(start, found - start), argument.where));
    if (found == std::string::npos) break;
    start = found + delimiter->size();
  }
  return Node::sequence(std::move(parts), argument.where);
}

Result<std::optional<Node>> Evaluator::evaluate_if(const Node& argument, const std::string& path) {
  auto items = list_argument("Fn::If", argument, 3, path);
  if (!items) return items.error();
  const Node& name = *items.value()[0];
  if (!name.is_scalar() || name.text.empty()) return bad_argument("Fn::If", argument, path);
  auto holds = resolver_.condition(name.text, name.where, item_path(path, 0));
  if (!holds) return holds.error();
  const std::size_t chosen = holds.value() ? 1 : 2;
  return evaluate(*items.value()[chosen], item_path(path, chosen));
}

Result<Node> Evaluator::evaluate_find_in_map(const Node& argument, const std::string& path) {
  auto items = list_argument("Fn::FindInMap", argument, 3, path);
  if (!items) return items.error();
  std::array<std::string, 3> keys;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto key = evaluate_string(*items.value()[i], item_path(path, i));
    if (!key) return key.error();
    keys[i] = key.value();
  }
  const Node* mappings = resolver_.mappings();
  const Node* map = mappings ? mappings->find(keys[0]) : nullptr;
  if (!map) return template_error(argument.where, path, "Mappings has no map " + quote(keys[0]));
  const Node* top = map->find(keys[1]);
  if (!top)
    return template_error(argument.where, path,
                          "the map " + quote(keys[0]) + " has no key " + quote(keys[1]));
  const Node* value = top->find(keys[2]);
  if (!value)
    return template_error(argument.where, path,
                          "the map " + quote(keys[0]) + " has no key " + quote(keys[1]) + " > " +
                              quote(keys[2]));
  return *value;
}

Result<Node> Evaluator::evaluate_base64(const Node& argument, const std::string& path) {
  auto text = evaluate_string(argument, path);
  if (!text) return text.error();
  return Node::scalar(base64(text.value()), argument.where);
}

Result<Node> Evaluator::evaluate_get_azs(const Node& argument, const std::string& path) {
  auto region = evaluate_string(argument, path);
  if (!region) return region.error();
  const std::string name = region->empty() ? resolver_.region() : region.value();
  std::vector<Node> zones;
  for (const char* suffix : {"a", "b", "c"})
    zones.push_back(Node::scalar(name + suffix, argument.where));
  return Node::sequence(std::move(zones), argument.where);
}

}  // namespace emu::tmpl
