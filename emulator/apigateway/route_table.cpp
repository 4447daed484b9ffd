#include "emulator/apigateway/route_table.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <unordered_map>

#include "emulator/core/uri.h"
#include "emulator/core/ids.h"

namespace emu::apigw {
namespace {

using RouteIndex = std::uint32_t;

constexpr std::string_view kAnyMethod = "ANY";

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

// One resource path segment of a template: "items", "{id}" or "{proxy+}".
struct TemplateSegment {
  enum class Kind { kLiteral, kParam, kGreedy };
  Kind kind = Kind::kLiteral;
  std::string text;  // the literal, or the parameter's name
};

// A parsed ApiEvent path: `resource_path` is the normalized form ("/items/{id}": one leading
// slash, no trailing slash except for the root "/").
struct ParsedTemplate {
  std::string resource_path;
  std::vector<TemplateSegment> segments;
  std::vector<std::string> param_names;  // in path order
};

// Parses an ApiEvent path, or says in `why` what API Gateway would refuse in it: a path part is a
// literal or a variable whose braces enclose the whole part, and a greedy variable must be the
// last part ("Set up a proxy integration with a proxy resource").
std::optional<ParsedTemplate> parse_template(std::string_view path, std::string& why) {
  ParsedTemplate parsed;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  parsed.resource_path.reserve(path.size() + 1);
  parsed.resource_path.push_back('/');
  parsed.resource_path.append(path);
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    const std::string_view part = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    if (part.empty() || (slash != std::string_view::npos && path.empty())) {
      why = "it has an empty segment";
      return std::nullopt;
    }
    if (!parsed.segments.empty() && parsed.segments.back().kind == TemplateSegment::Kind::kGreedy) {
      why = "a greedy {" + parsed.segments.back().text + "+} segment must be the last";
      return std::nullopt;
    }
    TemplateSegment segment;
    if (part.front() == '{' && part.back() == '}' && part.size() >= 2) {
      std::string_view name = part.substr(1, part.size() - 2);
      segment.kind = TemplateSegment::Kind::kParam;
      if (!name.empty() && name.back() == '+') {
        segment.kind = TemplateSegment::Kind::kGreedy;
        name.remove_suffix(1);
      }
      if (name.empty() || name.find_first_of("{}+") != std::string_view::npos) {
        why = "segment \"" + std::string(part) + "\" is not a valid {name} or {name+}";
        return std::nullopt;
      }
      segment.text = name;
      parsed.param_names.emplace_back(name);
    } else if (part.find_first_of("{}") != std::string_view::npos) {
      why = "segment \"" + std::string(part) +
            "\" has curly braces that do not enclose the whole segment";
      return std::nullopt;
    } else {
      segment.text = part;
    }
    parsed.segments.push_back(std::move(segment));
  }
  return parsed;
}

// A node of the segment trie: a resource path prefix. Literal children are looked up by hash; at
// most one {param} child and one greedy child exist, whatever their names (names are taken from
// the matched route, so APIs merged into one trie may name a parameter differently).
struct Node {
  std::unordered_map<std::string, std::unique_ptr<Node>, StringHash, std::equal_to<>> literals;
  std::unique_ptr<Node> param;
  std::unique_ptr<Node> greedy;
  // The methods of the resource at this path; empty when the node only leads to deeper ones.
  std::vector<std::pair<std::string, RouteIndex>> methods;
};

// Adds `route` at `segments`; when the resource already has the method, leaves the trie unchanged
// and returns the index of the route that has it.
std::optional<RouteIndex> insert(Node& root, const std::vector<TemplateSegment>& segments,
                                 std::string_view method, RouteIndex route) {
  Node* node = &root;
  for (const auto& segment : segments) {
    std::unique_ptr<Node>* child = nullptr;
    switch (segment.kind) {
      case TemplateSegment::Kind::kLiteral: {
        auto it = node->literals.find(segment.text);
        if (it == node->literals.end()) it = node->literals.emplace(segment.text, nullptr).first;
        child = &it->second;
        break;
      }
      case TemplateSegment::Kind::kParam:
        child = &node->param;
        break;
      case TemplateSegment::Kind::kGreedy:
        child = &node->greedy;
        break;
    }
    if (!*child) *child = std::make_unique<Node>();
    node = child->get();
  }
  for (const auto& [existing_method, existing_route] : node->methods)
    if (existing_method == method) return existing_route;
  node->methods.emplace_back(method, route);
  return std::nullopt;
}

// The resource for `segments` under `node` by API Gateway's precedence: literal, then {param},
// then greedy, backtracking from any branch that does not end at a resource with methods.
// Literals are compared with the decoded segments; `captures` receives the values of the
// parameter segments on the way as sent, not decoded, as API Gateway passes them (views of
// `raw`, the same segments undecoded, or for a greedy segment of the raw text from its segment to
// `raw_end`).
const Node* find_resource(const Node& node, std::span<const std::string_view> segments,
                          std::span<const std::string_view> raw, std::size_t i,
                          const char* raw_end, std::vector<std::string_view>& captures) {
  if (i == segments.size()) return node.methods.empty() ? nullptr : &node;
  const std::string_view segment = segments[i];
  if (segment.empty()) return nullptr;  // "//": no resource has an empty path part
  if (auto it = node.literals.find(segment); it != node.literals.end()) {
    if (const Node* found = find_resource(*it->second, segments, raw, i + 1, raw_end, captures))
      return found;
  }
  if (node.param) {
    captures.push_back(raw[i]);
    if (const Node* found = find_resource(*node.param, segments, raw, i + 1, raw_end, captures))
      return found;
    captures.pop_back();
  }
  if (node.greedy && !node.greedy->methods.empty()) {
    captures.emplace_back(raw[i].data(), static_cast<std::size_t>(raw_end - raw[i].data()));
    return node.greedy.get();
  }
  return nullptr;
}

// The path split at '/': each segment as sent (`raw`, views of the path) and percent-decoded
// (`segments`, views of one buffer), one leading and one trailing '/' left out.
struct DecodedPath {
  std::string text;
  std::vector<std::string_view> segments;
  std::vector<std::string_view> raw;
  const char* raw_end = nullptr;

  explicit DecodedPath(std::string_view path) {
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (!path.empty() && path.back() == '/') path.remove_suffix(1);
    raw_end = path.data() + path.size();
    text.reserve(path.size());  // decoding never lengthens: the views below stay valid
    segments.reserve(8);
    raw.reserve(8);  // one allocation each; a path of more than 8 segments grows them
    if (path.empty()) return;
    while (true) {
      const std::size_t slash = path.find('/');
      const std::size_t start = text.size();
      raw.push_back(path.substr(0, slash));
      uri::percent_decode_append(raw.back(), false, text);
      segments.emplace_back(text.data() + start, text.size() - start);
      if (slash == std::string_view::npos) break;
      text.push_back('/');
      path.remove_prefix(slash + 1);
    }
  }
  DecodedPath(const DecodedPath&) = delete;
  DecodedPath& operator=(const DecodedPath&) = delete;
};

std::string_view without_leading_slashes(std::string_view path) {
  while (path.size() > 1 && path[0] == '/' && path[1] == '/') path.remove_prefix(1);
  return path;
}

std::string stage_url(const Route& route) {
  std::string url = "/" + route.stage;
  if (route.resource_path != "/") url += route.resource_path;
  return url;
}

std::string describe_event(const tmpl::FunctionSpec& function, const tmpl::ApiEvent& event) {
  std::string text;
  if (!event.where.file.empty()) text = event.where.to_string() + ": ";
  text += "Api event " + event.name + " of " + function.logical_id;
  return text;
}

}  // namespace

struct RouteTable::Impl {
  Node root;  // every API's resources: the root URL
  // Stage name -> the resources of the APIs deployed to that stage: the stage URL.
  std::unordered_map<std::string, Node, StringHash, std::equal_to<>> stages;
  std::vector<std::vector<std::string>> param_names;  // per route, in path order
};

RouteTable::RouteTable() : impl_(std::make_unique<Impl>()) {}
RouteTable::RouteTable(RouteTable&&) noexcept = default;
RouteTable& RouteTable::operator=(RouteTable&&) noexcept = default;
RouteTable::~RouteTable() = default;

RouteTable RouteTable::build(const tmpl::Stack& stack, std::vector<std::string>& warnings) {
  RouteTable table;
  Impl& impl = *table.impl_;
  std::size_t event_count = 0;
  for (const auto& function : stack.functions) event_count += function.api_events.size();
  table.routes_.reserve(event_count);
  impl.param_names.reserve(event_count);

  for (const auto& function : stack.functions) {
    for (const auto& event : function.api_events) {
      const tmpl::ApiSpec* api = stack.find_api(event.rest_api);
      if (api == nullptr) {
        warnings.push_back(describe_event(function, event) + " refers to the API " +
                           event.rest_api +
                           ", which the template does not define; the route is not mounted.");
        continue;
      }
      std::string why;
      std::optional<ParsedTemplate> parsed = parse_template(event.path, why);
      if (!parsed) {
        warnings.push_back(describe_event(function, event) + ": the path \"" + event.path +
                           "\" is not a valid API Gateway resource path (" + why +
                           "); the route is not mounted.");
        continue;
      }

      Route route;
      route.api_logical_id = api->logical_id;
      route.api_id = api->api_id;
      route.api_name = api->name;
      route.stage = api->stage_name;
      route.stage_variables = api->stage_variables;
      route.resource_path = std::move(parsed->resource_path);
      route.resource_id = ids::stable_id(route.api_id + route.resource_path,
                                         route.resource_path == "/" ? 10 : 6, ids::kLowerAlnum);
      route.deployment_id = ids::stable_id(route.api_id + "/" + route.stage, 6, ids::kLowerAlnum);
      route.method = event.method;
      route.function_logical_id = function.logical_id;
      const auto index = static_cast<RouteIndex>(table.routes_.size());

      Node& stage_root = impl.stages[route.stage];
      if (auto existing = insert(stage_root, parsed->segments, route.method, index)) {
        const Route& first = table.routes_[*existing];
        if (first.api_logical_id == route.api_logical_id) {
          warnings.push_back(route.method + " " + route.resource_path + " of " +
                             route.api_logical_id + " is defined by both " +
                             first.function_logical_id + " and " + route.function_logical_id +
                             " (" + describe_event(function, event) + "); " +
                             first.function_logical_id + "'s is used.");
          continue;
        }
        warnings.push_back(route.method + " " + route.resource_path + " is defined by both " +
                           first.api_logical_id + " and " + route.api_logical_id +
                           ", both deployed to stage " + route.stage + "; " + first.api_logical_id +
                           "'s answers at " + stage_url(first) + " and at the root URL; " +
                           route.api_logical_id + "'s cannot be reached.");
        // Still a route of the stack, reachable nowhere: listed, not inserted at the root.
      } else if (auto root_existing = insert(impl.root, parsed->segments, route.method, index)) {
        const Route& first = table.routes_[*root_existing];
        warnings.push_back(route.method + " " + route.resource_path + " is defined by both " +
                           first.api_logical_id + " (stage " + first.stage + ") and " +
                           route.api_logical_id + " (stage " + route.stage + "); at the root URL " +
                           first.api_logical_id + "'s wins; " + route.api_logical_id +
                           "'s answers at " + stage_url(route));
      }
      table.routes_.push_back(std::move(route));
      impl.param_names.push_back(std::move(parsed->param_names));
    }
  }
  return table;
}

RouteMatch RouteTable::match(std::string_view method, std::string_view path) const {
  RouteMatch result;
  if (!impl_) return result;
  std::vector<std::string_view> captures;
  captures.reserve(4);

  // Looks `path` up under `root`; on a resource, picks the method (exact, then ANY).
  auto try_root = [&](const Node& root, std::string_view lookup, std::string_view event_path) {
    const DecodedPath decoded(lookup);
    captures.clear();
    const Node* node = find_resource(root, decoded.segments, decoded.raw, 0, decoded.raw_end,
                                     captures);
    if (node == nullptr) return false;
    std::optional<RouteIndex> chosen;
    for (const auto& [route_method, index] : node->methods) {
      if (route_method == method) {
        chosen = index;
        break;
      }
      if (route_method == kAnyMethod) chosen = index;
    }
    if (!chosen) {
      result.status = RouteMatch::Status::kMethodNotAllowed;
      return false;
    }
    result.status = RouteMatch::Status::kMatched;
    result.route = &routes_[*chosen];
    const auto& names = impl_->param_names[*chosen];
    result.path_parameters.reserve(names.size());
    for (std::size_t i = 0; i < names.size() && i < captures.size(); ++i)
      result.path_parameters.emplace_back(names[i], captures[i]);
    result.path = event_path.empty() ? std::string("/") : std::string(event_path);
    return true;
  };

  // A stage name is compared with the first segment as sent, and event.path is the rest as sent.
  // Slashes before the stage and right after it are collapsed, as API Gateway does ("//Prod/x"
  // and "/Prod//x" reach /x with event.path "/x", recorded from AWS in LocalStack's validated
  // snapshots of test_lambda_aws_proxy_integration); requestContext.path keeps what was sent
  // after the stage (RouteMatch::stage_path).
  std::string_view rest = without_leading_slashes(path);
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  const std::string_view first_segment = rest.substr(0, rest.find('/'));
  if (!first_segment.empty()) {
    if (auto stage = impl_->stages.find(first_segment); stage != impl_->stages.end()) {
      rest.remove_prefix(first_segment.size());
      const std::string_view after_stage = without_leading_slashes(rest);
      if (try_root(stage->second, after_stage, after_stage)) {
        result.stage_path = std::string(rest.empty() ? std::string_view("/") : rest);
        return result;
      }
    }
  }
  // A failed stage URL leaves kMethodNotAllowed in `result` unless the root URL matches.
  if (try_root(impl_->root, path, path)) result.stage_path = result.path;
  return result;
}

}  // namespace emu::apigw
