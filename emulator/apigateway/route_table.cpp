#include "emulator/apigateway/route_table.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <unordered_map>

#include "emulator/apigateway/cors.h"
#include "emulator/core/ids.h"
#include "emulator/core/uri.h"

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

// Which node a lookup accepts as its end: a REST API takes the first resource with any method
// (the method is chosen afterwards, and a missing one is API Gateway's 403); an HTTP API takes
// only a node that routes `method` (or ANY), backtracking past the others.
struct Accept {
  std::string_view method;  // "" for a REST lookup
  bool operator()(const Node& node) const {
    if (method.empty()) return !node.methods.empty();
    for (const auto& [route_method, index] : node.methods)
      if (route_method == method || route_method == kAnyMethod) return true;
    return false;
  }
};

// The resource for `segments` under `node` by API Gateway's precedence: literal, then {param},
// then greedy, backtracking from any branch that does not end at a node `accept` takes.
// Literals are compared with the decoded segments; `captures` receives the values of the
// parameter segments on the way as sent, not decoded, as API Gateway passes them (views of
// `raw`, the same segments undecoded, or for a greedy segment of the raw text from its segment to
// `raw_end`).
const Node* find_resource(const Node& node, std::span<const std::string_view> segments,
                          std::span<const std::string_view> raw, std::size_t i,
                          const char* raw_end, const Accept& accept,
                          std::vector<std::string_view>& captures) {
  if (i == segments.size()) return accept(node) ? &node : nullptr;
  const std::string_view segment = segments[i];
  if (segment.empty()) {
    // "//", or an HTTP API's trailing "/": no literal or {param} part is empty, but an HTTP API's
    // greedy variable takes it (recorded from AWS: "/handler/" reaches ANY /handler/{proxy+}
    // with proxy "").
    if (accept.method.empty() || !node.greedy || !accept(*node.greedy)) return nullptr;
    captures.emplace_back(raw[i].data(), static_cast<std::size_t>(raw_end - raw[i].data()));
    return node.greedy.get();
  }
  if (auto it = node.literals.find(segment); it != node.literals.end()) {
    if (const Node* found =
            find_resource(*it->second, segments, raw, i + 1, raw_end, accept, captures))
      return found;
  }
  if (node.param) {
    captures.push_back(raw[i]);
    if (const Node* found =
            find_resource(*node.param, segments, raw, i + 1, raw_end, accept, captures))
      return found;
    captures.pop_back();
  }
  if (node.greedy && accept(*node.greedy)) {
    captures.emplace_back(raw[i].data(), static_cast<std::size_t>(raw_end - raw[i].data()));
    return node.greedy.get();
  }
  return nullptr;
}

// The path split at '/': each segment as sent (`raw`, views of the path) and percent-decoded
// (`segments`, views of one buffer), one leading '/' left out, and one trailing '/' unless
// `keep_trailing_slash` (an HTTP API's "/pets/" is not "/pets": the last segment is then empty).
struct DecodedPath {
  std::string text;
  std::vector<std::string_view> segments;
  std::vector<std::string_view> raw;
  const char* raw_end = nullptr;

  explicit DecodedPath(std::string_view path, bool keep_trailing_slash = false) {
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (!keep_trailing_slash && !path.empty() && path.back() == '/') path.remove_suffix(1);
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
  if (route.stage == tmpl::kDefaultStage) return route.resource_path;
  std::string url = "/" + route.stage;
  if (route.resource_path != "/") url += route.resource_path;
  return url;
}

std::string describe_event(const tmpl::FunctionSpec& function, const tmpl::ApiEvent& event) {
  std::string text;
  if (!event.where.file.empty()) text = event.where.to_string() + ": ";
  text += (event.kind == tmpl::ApiKind::kHttp ? "HttpApi event " : "Api event ") + event.name +
          " of " + function.logical_id;
  return text;
}

// The routes of an HTTP API mount (a named stage, or the root): a trie, and the "$default" route
// that answers what the trie does not.
struct HttpMount {
  Node root;
  bool has_routes = false;  // whether `root` holds any (a REST-only stack skips the lookup)
  std::optional<RouteIndex> default_route;
  const ApiInfo* api = nullptr;  // the first API mounted here: whose errors answer a miss
};

}  // namespace

struct RouteTable::Impl {
  Node root;  // every REST API's resources: the root URL
  // Stage name -> the resources of the REST APIs deployed to that stage: the stage URL.
  std::unordered_map<std::string, Node, StringHash, std::equal_to<>> stages;
  // HTTP APIs: the root (the "$default" stages first, then named stages as sam local mounts them)
  // and each named stage.
  HttpMount http_root;
  std::unordered_map<std::string, HttpMount, StringHash, std::equal_to<>> http_stages;
  std::vector<std::vector<std::string>> param_names;  // per route, in path order
};

RouteTable::RouteTable() : impl_(std::make_unique<Impl>()) {}
RouteTable::RouteTable(RouteTable&&) noexcept = default;
RouteTable& RouteTable::operator=(RouteTable&&) noexcept = default;
RouteTable::~RouteTable() = default;

namespace {

// Builds one table.
class Builder {
 public:
  Builder(RouteTable::Impl& impl, std::vector<std::unique_ptr<ApiInfo>>& apis,
          std::vector<Route>& routes, std::vector<std::string>& warnings)
      : impl_(impl), apis_(apis), routes_(routes), warnings_(warnings) {}

  void add_apis(const tmpl::Stack& stack) {
    for (const auto& spec : stack.apis) {
      auto info = std::make_unique<ApiInfo>();
      info->logical_id = spec.logical_id;
      info->kind = spec.kind;
      info->api_id = spec.api_id;
      info->stage = spec.stage_name;
      info->binary_media_types = spec.binary_media_types;
      info->http_cors = spec.http_cors;
      info->rest_cors = spec.rest_cors.has_value();
      info->auth = spec.auth;
      info->region = stack.region;
      info->account_id = stack.account_id;
      apis_.push_back(std::move(info));
    }
  }

  // Every event of the stack, in template order. An HTTP API's routes reach the root URL in two
  // passes, so that the APIs AWS serves there ("$default" stage) win over named stages.
  void add_events(const tmpl::Stack& stack) {
    std::size_t event_count = 0;
    for (const auto& function : stack.functions) event_count += function.api_events.size();
    routes_.reserve(event_count);
    for (const auto& function : stack.functions)
      for (const auto& event : function.api_events) add_event(stack, function, event);
    for (const RouteIndex index : http_named_stage_routes_) mount_http_root(index);
  }

  // SAM's CORS OPTIONS methods (samtranslator swagger.py, add_cors): one on every path of a REST
  // API with Cors that has no OPTIONS method of its own.
  void add_rest_preflights(const tmpl::Stack& stack);

 private:
  const ApiInfo* info_of(const std::string& logical_id) const {
    for (const auto& info : apis_)
      if (info->logical_id == logical_id) return info.get();
    return nullptr;
  }

  void add_event(const tmpl::Stack& stack, const tmpl::FunctionSpec& function,
                 const tmpl::ApiEvent& event) {
    const tmpl::ApiSpec* api = stack.find_api(event.api);
    if (api == nullptr || api->kind != event.kind) {
      warnings_.push_back(describe_event(function, event) + " refers to the API " + event.api +
                          ", which the template does not define; the route is not mounted.");
      return;
    }
    Route route = base_route(*api);
    route.method = event.method;
    route.function_logical_id = function.logical_id;
    if (event.kind == tmpl::ApiKind::kRest)
      route.authorizer = authorizer_of(route.api, event.auth.authorizer);
    route.payload_format_version = event.payload_format_version;
    route.timeout_ms = event.timeout_ms;
    if (event.kind == tmpl::ApiKind::kHttp && event.path == tmpl::kDefaultRoute) {
      route.resource_path = tmpl::kDefaultRoute;
      route.route_key = tmpl::kDefaultRoute;
      add_http_default(std::move(route));
      return;
    }
    std::string why;
    std::optional<ParsedTemplate> parsed = parse_template(event.path, why);
    if (!parsed) {
      warnings_.push_back(describe_event(function, event) + ": the path \"" + event.path +
                          "\" is not a valid API Gateway " +
                          (event.kind == tmpl::ApiKind::kHttp ? "route" : "resource") + " path (" +
                          why + "); the route is not mounted.");
      return;
    }
    route.resource_path = std::move(parsed->resource_path);
    route.resource_id = ids::stable_id(route.api_id + route.resource_path,
                                       route.resource_path == "/" ? 10 : 6, ids::kLowerAlnum);
    if (event.kind == tmpl::ApiKind::kHttp) {
      route.route_key = route.method + " " + route.resource_path;
      add_http(std::move(route), std::move(*parsed), function, event);
    } else {
      add_rest(std::move(route), std::move(*parsed), function, event);
    }
  }

  // The Lambda authorizer named `name` (the event's Authorizer), or by default the API's
  // DefaultAuthorizer; nullptr for NONE, AWS_IAM and Cognito authorizers (not emulated: the
  // template layer warned) and when there is none.
  static const tmpl::AuthorizerSpec* authorizer_of(const ApiInfo* api,
                                                   const std::optional<std::string>& name) {
    if (!api || !api->auth) return nullptr;
    const std::string& chosen = name ? *name : api->auth->default_authorizer;
    const tmpl::AuthorizerSpec* found = api->auth->find(chosen);
    if (!found || found->kind == tmpl::AuthorizerSpec::Kind::kCognito) return nullptr;
    return found;
  }

  Route base_route(const tmpl::ApiSpec& api) const {
    Route route;
    route.api = info_of(api.logical_id);
    route.api_logical_id = api.logical_id;
    route.api_id = api.api_id;
    route.api_name = api.name;
    route.stage = api.stage_name;
    route.stage_variables = api.stage_variables;
    route.deployment_id = ids::stable_id(api.api_id + "/" + api.stage_name, 6, ids::kLowerAlnum);
    return route;
  }

  RouteIndex push(Route route, std::vector<TemplateSegment> segments,
                  std::vector<std::string> param_names) {
    const auto index = static_cast<RouteIndex>(routes_.size());
    routes_.push_back(std::move(route));
    impl_.param_names.push_back(std::move(param_names));
    segments_.push_back(std::move(segments));
    return index;
  }

  RouteIndex next_index() const { return static_cast<RouteIndex>(routes_.size()); }

  void add_rest(Route route, ParsedTemplate parsed, const tmpl::FunctionSpec& function,
                const tmpl::ApiEvent& event) {
    Node& stage_root = impl_.stages[route.stage];
    if (auto existing = insert(stage_root, parsed.segments, route.method, next_index())) {
      const Route& first = routes_[*existing];
      if (first.api_logical_id == route.api_logical_id) {
        warnings_.push_back(route.method + " " + route.resource_path + " of " +
                            route.api_logical_id + " is defined by both " +
                            first.function_logical_id + " and " + route.function_logical_id +
                            " (" + describe_event(function, event) + "); " +
                            first.function_logical_id + "'s is used.");
        return;
      }
      warnings_.push_back(route.method + " " + route.resource_path + " is defined by both " +
                          first.api_logical_id + " and " + route.api_logical_id +
                          ", both deployed to stage " + route.stage + "; " + first.api_logical_id +
                          "'s answers at " + stage_url(first) + " and at the root URL; " +
                          route.api_logical_id + "'s cannot be reached.");
      // Still a route of the stack, reachable nowhere: listed, not inserted at the root.
    } else if (auto root_existing =
                   insert(impl_.root, parsed.segments, route.method, next_index())) {
      const Route& first = routes_[*root_existing];
      warnings_.push_back(route.method + " " + route.resource_path + " is defined by both " +
                          first.api_logical_id + " (stage " + first.stage + ") and " +
                          route.api_logical_id + " (stage " + route.stage + "); at the root URL " +
                          first.api_logical_id + "'s wins; " + route.api_logical_id +
                          "'s answers at " + stage_url(route));
    }
    push(std::move(route), std::move(parsed.segments), std::move(parsed.param_names));
  }

  HttpMount& mount_of(const Route& route) {
    HttpMount& mount = route.stage == tmpl::kDefaultStage ? impl_.http_root
                                                          : impl_.http_stages[route.stage];
    if (!mount.api) mount.api = route.api;
    return mount;
  }

  void add_http(Route route, ParsedTemplate parsed, const tmpl::FunctionSpec& function,
                const tmpl::ApiEvent& event) {
    HttpMount& mount = mount_of(route);
    mount.has_routes = true;
    if (auto existing = insert(mount.root, parsed.segments, route.method, next_index())) {
      const Route& first = routes_[*existing];
      warnings_.push_back(route.route_key + " is routed by both " + first.api_logical_id + "'s " +
                          first.function_logical_id + " and " + route.api_logical_id + "'s " +
                          route.function_logical_id + " (" + describe_event(function, event) +
                          "), both on stage " + route.stage + "; " + first.function_logical_id +
                          "'s is used.");
      return;
    }
    const bool named_stage = route.stage != tmpl::kDefaultStage;
    const RouteIndex index =
        push(std::move(route), std::move(parsed.segments), std::move(parsed.param_names));
    if (named_stage) http_named_stage_routes_.push_back(index);
  }

  void add_http_default(Route route) {
    HttpMount& mount = mount_of(route);
    const bool named_stage = route.stage != tmpl::kDefaultStage;
    const RouteIndex index = push(std::move(route), {}, {});
    if (!mount.default_route) mount.default_route = index;
    if (named_stage) http_named_stage_routes_.push_back(index);
  }

  // A named stage's HTTP API route at the root URL too, as sam local mounts it.
  void mount_http_root(RouteIndex index) {
    const Route& route = routes_[index];
    HttpMount& root = impl_.http_root;
    if (!root.api) root.api = route.api;
    if (route.route_key == tmpl::kDefaultRoute) {
      if (!root.default_route) root.default_route = index;
      return;
    }
    root.has_routes = true;
    if (auto existing = insert(root.root, segments_[index], route.method, index)) {
      const Route& first = routes_[*existing];
      warnings_.push_back(route.route_key + " is routed by both " + first.api_logical_id +
                          " (stage " + first.stage + ") and " + route.api_logical_id + " (stage " +
                          route.stage + "); at the root URL " + first.api_logical_id +
                          "'s wins; " + route.api_logical_id + "'s answers at " +
                          stage_url(route));
    }
  }

  RouteTable::Impl& impl_;
  std::vector<std::unique_ptr<ApiInfo>>& apis_;
  std::vector<Route>& routes_;
  std::vector<std::string>& warnings_;
  std::vector<std::vector<TemplateSegment>> segments_;  // per route: its path's segments
  std::vector<RouteIndex> http_named_stage_routes_;
};

void Builder::add_rest_preflights(const tmpl::Stack& stack) {
  for (const auto& api : stack.apis) {
    if (api.kind != tmpl::ApiKind::kRest || !api.rest_cors) continue;
    // The API's paths, in the order of their first route, each with its methods.
    std::vector<std::pair<RouteIndex, std::vector<std::string>>> paths;
    const RouteIndex route_count = next_index();
    for (RouteIndex index = 0; index < route_count; ++index) {
      const Route& route = routes_[index];
      if (route.api_logical_id != api.logical_id) continue;
      auto found = std::find_if(paths.begin(), paths.end(), [&](const auto& entry) {
        return routes_[entry.first].resource_path == route.resource_path;
      });
      if (found == paths.end()) found = paths.insert(paths.end(), {index, {}});
      found->second.push_back(route.method);
    }
    for (const auto& [first, methods] : paths) {
      if (std::find(methods.begin(), methods.end(), "OPTIONS") != methods.end()) continue;
      Route route = base_route(api);
      route.resource_path = routes_[first].resource_path;
      route.resource_id = routes_[first].resource_id;
      route.method = "OPTIONS";
      route.preflight = rest_preflight_headers(*api.rest_cors, methods);
      // SAM puts the DefaultAuthorizer on its CORS OPTIONS methods too unless
      // Auth.AddDefaultAuthorizerToCorsPreflight is false (SAM documentation, "ApiAuth"): a
      // browser's preflight carries no Authorization header, so it is refused then, as on AWS.
      if (route.api && route.api->auth && route.api->auth->add_default_authorizer_to_cors_preflight)
        route.authorizer = authorizer_of(route.api, std::nullopt);
      std::vector<TemplateSegment> segments = segments_[first];
      std::vector<std::string> names = impl_.param_names[first];
      if (insert(impl_.stages[route.stage], segments, "OPTIONS", next_index())) continue;
      insert(impl_.root, segments, "OPTIONS", next_index());
      push(std::move(route), std::move(segments), std::move(names));
    }
  }
}

}  // namespace

RouteTable RouteTable::build(const tmpl::Stack& stack, std::vector<std::string>& warnings) {
  RouteTable table;
  Builder builder(*table.impl_, table.apis_, table.routes_, warnings);
  builder.add_apis(stack);
  builder.add_events(stack);
  builder.add_rest_preflights(stack);
  return table;
}

RouteMatch RouteTable::match(std::string_view method, std::string_view path) const {
  RouteMatch result;
  if (!impl_) return result;
  std::vector<std::string_view> captures;
  captures.reserve(4);

  // Takes route `index` as the match; its parameters are the `captures` of the lookup.
  auto matched = [&](RouteIndex index, std::string_view event_path) {
    result.status = RouteMatch::Status::kMatched;
    result.route = &routes_[index];
    result.api = result.route->api;
    const auto& names = impl_->param_names[index];
    result.path_parameters.reserve(names.size());
    for (std::size_t i = 0; i < names.size() && i < captures.size(); ++i)
      result.path_parameters.emplace_back(names[i], captures[i]);
    result.path = event_path.empty() ? std::string("/") : std::string(event_path);
    return true;
  };

  // Looks `lookup` up under `root`; on a node, picks the method (exact, then ANY). `by_method`
  // is "" for a REST lookup, the method for an HTTP API's (see Accept).
  auto try_root = [&](const Node& root, std::string_view lookup, std::string_view by_method) {
    const DecodedPath decoded(lookup, !by_method.empty());
    captures.clear();
    const Node* node = find_resource(root, decoded.segments, decoded.raw, 0, decoded.raw_end,
                                     Accept{by_method}, captures);
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
    return matched(*chosen, lookup);
  };
  auto try_http = [&](const HttpMount& mount, std::string_view lookup, bool with_default) {
    if (!with_default) return mount.has_routes && try_root(mount.root, lookup, method);
    if (!mount.default_route) return false;
    captures.clear();
    return matched(*mount.default_route, lookup);
  };

  // A stage name is compared with the first segment as sent, and event.path is the rest as sent.
  // Slashes before the stage and right after it are collapsed, as API Gateway does ("//Prod/x"
  // and "/Prod//x" reach /x with event.path "/x", recorded from AWS in LocalStack's validated
  // snapshots of test_lambda_aws_proxy_integration); requestContext.path keeps what was sent
  // after the stage (RouteMatch::stage_path).
  std::string_view rest = without_leading_slashes(path);
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  const std::string_view first_segment = rest.substr(0, rest.find('/'));
  const ApiInfo* stage_api = nullptr;
  if (!first_segment.empty()) {
    rest.remove_prefix(first_segment.size());
    const std::string_view after_stage = without_leading_slashes(rest);
    const std::string stage_path(rest.empty() ? std::string_view("/") : rest);
    if (auto stage = impl_->stages.find(first_segment); stage != impl_->stages.end()) {
      if (try_root(stage->second, after_stage, {})) {
        result.stage_path = stage_path;
        return result;
      }
    }
    if (auto stage = impl_->http_stages.find(first_segment); stage != impl_->http_stages.end()) {
      stage_api = stage->second.api;
      if (try_http(stage->second, after_stage, false) ||
          try_http(stage->second, after_stage, true)) {
        result.stage_path = stage_path;
        return result;
      }
    }
  }
  // The root URL: HTTP API routes, REST resources, then a "$default" route. A REST resource
  // without the method (kMethodNotAllowed, from the stage URL or the root) is REST's 403 unless
  // something else matches.
  if (try_http(impl_->http_root, path, false) || try_root(impl_->root, path, {}) ||
      try_http(impl_->http_root, path, true)) {
    result.stage_path = result.path;
    return result;
  }
  if (result.status != RouteMatch::Status::kMethodNotAllowed)
    result.api = stage_api ? stage_api : impl_->http_root.api;
  return result;
}

}  // namespace emu::apigw
