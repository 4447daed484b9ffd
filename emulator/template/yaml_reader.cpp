#include "emulator/template/yaml_reader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <map>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "emulator/template/short_form_tags.h"
#include "emulator/template/template_error.h"
#include "emulator/template/utf8.h"

namespace emu::tmpl {
namespace {

// Thrown by the event handler to stop yaml-cpp; caught in read_yaml only.
struct ReadFailure {
  SourceLocation where;
  std::string what;
};

std::size_t count_nodes(const Node& node) {
  std::size_t count = 1;
  for (const auto& item : node.items) count += count_nodes(item);
  for (const auto& entry : node.entries) count += count_nodes(entry.value);
  return count;
}

// Builds a Node tree from yaml-cpp's events with an explicit stack (no recursion).
class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(std::string file) : file_(std::move(file)) {}

  std::optional<Node>& root() { return root_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1)
      throw ReadFailure{at(mark), "a template is a single YAML document, but a second one starts "
                                  "here; remove the '---' separator and what follows"};
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    add(Node::null(at(mark)), anchor, "", false);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto found = anchors_.find(anchor);
    if (found == anchors_.end()) throw ReadFailure{at(mark), "unknown YAML alias"};
    count(count_nodes(found->second), mark);
    Node copy = found->second;
    add(std::move(copy), 0, "", false);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    add(Node::scalar(value, at(mark)), anchor, tag, false);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Node::sequence({}, at(mark)), mark, tag, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Node::map({}, at(mark)), mark, tag, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    Node node;
    std::string tag;
    YAML::anchor_t anchor = 0;
    int depth = 0;
    std::optional<MapEntry> pending_key;  // kMap: the key whose value comes next
  };

  SourceLocation at(const YAML::Mark& mark) const {
    return SourceLocation{file_, mark.line + 1, mark.column + 1};
  }

  void count(std::size_t added, const YAML::Mark& mark) {
    nodes_ += added;
    if (nodes_ > kMaxNodeCount)
      throw ReadFailure{at(mark), "the template holds more than " + std::to_string(kMaxNodeCount) +
                                      " values (YAML aliases included); it is too large"};
  }

  static bool is_plain_tag(const std::string& tag) {
    return tag.empty() || tag == "?" || tag == "!" || tag.starts_with("tag:yaml.org,2002:");
  }

  int depth_of_child(const std::string& tag) const {
    const int parent = stack_.empty() ? 0 : stack_.back().depth;
    return parent + (is_plain_tag(tag) ? 1 : 2);
  }

  void open(Node node, const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
    const int depth = depth_of_child(tag);
    if (depth > kMaxNodeDepth)
      throw ReadFailure{at(mark), "values are nested more than " + std::to_string(kMaxNodeDepth) +
                                      " levels deep; the template engine does not read deeper"};
    count(1, mark);
    stack_.push_back(Frame{std::move(node), tag, anchor, depth, std::nullopt});
  }

  void close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    add(std::move(frame.node), frame.anchor, frame.tag, true);
  }

  // Wraps a tagged value into CloudFormation's long form: `!Sub x` -> {"Fn::Sub": x}.
  Node apply_tag(Node value, const std::string& tag) const {
    if (is_plain_tag(tag)) return value;
    std::optional<std::string> long_form = long_form_of_tag(tag);
    if (!long_form)
      throw ReadFailure{value.where, "unknown tag '" + tag + "'; CloudFormation's short forms are " +
                                         supported_tags_text()};
    SourceLocation where = value.where;
    std::vector<MapEntry> entries;
    entries.push_back(MapEntry{*long_form, where, std::move(value)});
    return Node::map(std::move(entries), where);
  }

  void add(Node value, YAML::anchor_t anchor, const std::string& tag, bool counted) {
    if (!counted) {
      if (depth_of_child(tag) > kMaxNodeDepth)
        throw ReadFailure{value.where, "values are nested more than " +
                                           std::to_string(kMaxNodeDepth) + " levels deep"};
      ++nodes_;
    }
    const bool is_key = !stack_.empty() && stack_.back().node.is_map() && !stack_.back().pending_key;
    if (is_key) return add_key(std::move(value), tag);
    value = apply_tag(std::move(value), tag);
    if (anchor != 0) anchors_[anchor] = value;
    if (stack_.empty()) {
      root_ = std::move(value);
      return;
    }
    Frame& parent = stack_.back();
    if (parent.node.is_sequence()) {
      parent.node.items.push_back(std::move(value));
      return;
    }
    MapEntry entry = std::move(*parent.pending_key);
    parent.pending_key.reset();
    entry.value = std::move(value);
    parent.node.entries.push_back(std::move(entry));
  }

  void add_key(Node key, const std::string& tag) {
    if (!key.is_scalar() || !is_plain_tag(tag))
      throw ReadFailure{key.where, "a map key must be a plain string, got " +
                                       (is_plain_tag(tag) ? describe(key) : "the tag " + tag)};
    Frame& parent = stack_.back();
    if (const MapEntry* first = parent.node.find_entry(key.text))
      throw ReadFailure{key.where, "duplicate key " + quote(key.text) + " (first at line " +
                                       std::to_string(first->key_where.line) + ", column " +
                                       std::to_string(first->key_where.column) +
                                       "); CloudFormation rejects duplicate keys, keep one"};
    parent.pending_key = MapEntry{key.text, key.where, Node::null(key.where)};
  }

  std::string file_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, Node> anchors_;
  std::optional<Node> root_;
  std::size_t nodes_ = 0;
  int documents_ = 0;
};

Error yaml_cpp_error(const YAML::Exception& failure, const std::string& file) {
  SourceLocation where{file, failure.mark.line + 1, failure.mark.column + 1};
  if (failure.mark.is_null()) where = SourceLocation{file, 0, 0};
  if (dynamic_cast<const YAML::DeepRecursion*>(&failure))
    return template_error(where, "", "values are nested too deeply for the YAML parser");
  return template_error(where, "", "invalid YAML: " + failure.msg);
}

}  // namespace

Result<Node> read_yaml(std::string_view text, const std::string& file) {
  if (auto problem = find_text_problem(text))
    return template_error(SourceLocation{file, problem->line, problem->column}, "",
                          "the template is not valid text (" + problem->what +
                              "); CloudFormation templates must be UTF-8 text without control "
                              "characters");
  std::istringstream stream{std::string(text)};
  TreeBuilder builder(file);
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const ReadFailure& failure) {
    return template_error(failure.where, "", failure.what);
  } catch (const YAML::Exception& failure) {
    return yaml_cpp_error(failure, file);
  }
  if (!builder.root()) return Node::null(SourceLocation{file, 1, 1});
  return std::move(*builder.root());
}

}  // namespace emu::tmpl
