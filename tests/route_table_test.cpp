#include "emulator/apigateway/route_table.h"

#include <doctest/doctest.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "emulator/core/ids.h"

namespace emu::apigw {
namespace {

using Status = RouteMatch::Status;

tmpl::ApiSpec make_api(std::string logical_id, std::string stage, std::string api_id) {
  tmpl::ApiSpec api;
  api.logical_id = std::move(logical_id);
  api.name = api.logical_id;
  api.stage_name = std::move(stage);
  api.api_id = std::move(api_id);
  return api;
}

struct EventSpec {
  std::string function;
  std::string method;
  std::string path;
  std::string api = "ServerlessRestApi";
};

// A stack with the implicit API (stage Prod) plus `apis`, and one function per distinct name in
// `events`, each with its Api events in the order given.
tmpl::Stack make_stack(const std::vector<EventSpec>& events, std::vector<tmpl::ApiSpec> apis = {}) {
  tmpl::Stack stack;
  stack.stack_name = "test";
  auto implicit = make_api("ServerlessRestApi", "Prod", "abcdefghij");
  implicit.implicit = true;
  stack.apis.push_back(std::move(implicit));
  for (auto& api : apis) stack.apis.push_back(std::move(api));
  std::unordered_map<std::string, std::size_t> function_index;
  stack.functions.reserve(events.size());
  for (const auto& spec : events) {
    auto [it, added] = function_index.emplace(spec.function, stack.functions.size());
    if (added) stack.functions.emplace_back().logical_id = spec.function;
    tmpl::FunctionSpec* function = &stack.functions[it->second];
    tmpl::ApiEvent event;
    event.name = spec.function + "Event" + std::to_string(function->api_events.size());
    event.path = spec.path;
    event.method = spec.method;
    event.api = spec.api;
    function->api_events.push_back(std::move(event));
  }
  return stack;
}

RouteTable build(const tmpl::Stack& stack) {
  std::vector<std::string> warnings;
  RouteTable table = RouteTable::build(stack, warnings);
  for (const auto& warning : warnings) FAIL_CHECK("unexpected warning: " << warning);
  return table;
}

using Params = std::vector<std::pair<std::string, std::string>>;

}  // namespace

TEST_CASE("each Api event becomes one route carrying its API's id, stage and stage variables") {
  auto api = make_api("OleoleoleApi", "dev", "klmnopqrst");
  api.stage_variables = {{"color", "blue"}};
  const auto stack = make_stack(
      {{"WhoDisFunction", "GET", "/whodis"}, {"OleFunction", "ANY", "/oleoleole/", "OleoleoleApi"}},
      {api});
  const RouteTable table = build(stack);
  REQUIRE(table.routes().size() == 2);

  const Route& whodis = table.routes()[0];
  CHECK(whodis.api_logical_id == "ServerlessRestApi");
  CHECK(whodis.api_id == "abcdefghij");
  CHECK(whodis.stage == "Prod");
  CHECK(whodis.stage_variables.empty());
  CHECK(whodis.resource_path == "/whodis");
  CHECK(whodis.method == "GET");
  CHECK(whodis.function_logical_id == "WhoDisFunction");
  CHECK(whodis.resource_id == ids::stable_id("abcdefghij/whodis", 6, ids::kLowerAlnum));

  const Route& ole = table.routes()[1];
  CHECK(ole.api_logical_id == "OleoleoleApi");
  CHECK(ole.api_id == "klmnopqrst");
  CHECK(ole.stage == "dev");
  CHECK(ole.stage_variables == std::map<std::string, std::string>{{"color", "blue"}});
  CHECK(ole.resource_path == "/oleoleole");  // the trailing slash as written is dropped
  CHECK(ole.method == "ANY");
  CHECK(ole.resource_id.size() == 6);
  CHECK(ole.resource_id.find_first_not_of(ids::kLowerAlnum) == std::string::npos);
  CHECK(ole.resource_id != whodis.resource_id);
}

TEST_CASE("a literal segment wins over a {param}, which wins over a greedy {proxy+}") {
  const auto stack = make_stack({{"Special", "GET", "/items/special"},
                                 {"ById", "GET", "/items/{id}"},
                                 {"ItemsProxy", "GET", "/items/{rest+}"},
                                 {"CatchAll", "ANY", "/{proxy+}"}});
  const RouteTable table = build(stack);

  struct Case {
    std::string path;
    std::string function;
    std::string resource;
    Params params;
  };
  const std::vector<Case> cases = {
      {"/items/special", "Special", "/items/special", {}},
      {"/items/42", "ById", "/items/{id}", {{"id", "42"}}},
      {"/items/42/reviews", "ItemsProxy", "/items/{rest+}", {{"rest", "42/reviews"}}},
      {"/items/special/more", "ItemsProxy", "/items/{rest+}", {{"rest", "special/more"}}},
      {"/items", "CatchAll", "/{proxy+}", {{"proxy", "items"}}},
      {"/other/a/b", "CatchAll", "/{proxy+}", {{"proxy", "other/a/b"}}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.path);
    const RouteMatch match = table.match("GET", c.path);
    REQUIRE(match.status == Status::kMatched);
    CHECK(match.route->function_logical_id == c.function);
    CHECK(match.route->resource_path == c.resource);
    CHECK(match.path_parameters == c.params);
    CHECK(match.path == c.path);
  }
}

TEST_CASE("a dead end backtracks to the next candidate") {
  const auto stack = make_stack({{"Literal", "GET", "/a/b/c"},
                                 {"Param", "GET", "/a/{x}/d"},
                                 {"Deep", "GET", "/a/{x}/{y}/e"},
                                 {"Greedy", "GET", "/{proxy+}"}});
  const RouteTable table = build(stack);

  struct Case {
    std::string path;
    std::string function;
    Params params;
  };
  const std::vector<Case> cases = {
      {"/a/b/c", "Literal", {}},
      {"/a/b/d", "Param", {{"x", "b"}}},  // literal b has no child d
      {"/a/b/z/e", "Deep", {{"x", "b"}, {"y", "z"}}},
      {"/a/b", "Greedy", {{"proxy", "a/b"}}},  // /a/b exists only as a parent
      {"/a/b/c/x", "Greedy", {{"proxy", "a/b/c/x"}}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.path);
    const RouteMatch match = table.match("GET", c.path);
    REQUIRE(match.status == Status::kMatched);
    CHECK(match.route->function_logical_id == c.function);
    CHECK(match.path_parameters == c.params);
  }
}

TEST_CASE("a greedy segment needs at least one segment: /{proxy+} does not answer at /") {
  const RouteTable table = build(make_stack({{"Proxy", "ANY", "/{proxy+}"}}));
  CHECK(table.match("GET", "/").status == Status::kNoResource);
  const RouteMatch match = table.match("GET", "/x");
  REQUIRE(match.status == Status::kMatched);
  CHECK(match.path_parameters == Params{{"proxy", "x"}});
  // The stage's root has no method, so /Prod falls back to the root URL, where it is a segment.
  const RouteMatch stage_root = table.match("GET", "/Prod/");
  REQUIRE(stage_root.status == Status::kMatched);
  CHECK(stage_root.path_parameters == Params{{"proxy", "Prod"}});
}

TEST_CASE("an exact method wins over ANY, and a resource without the method is not allowed") {
  const auto stack = make_stack({{"GetX", "GET", "/x"},
                                 {"AnyX", "ANY", "/x"},
                                 {"PostY", "POST", "/y"},
                                 {"ById", "GET", "/y/{id}"}});
  const RouteTable table = build(stack);

  struct Case {
    std::string method;
    std::string path;
    Status status;
    std::string function;
  };
  const std::vector<Case> cases = {
      {"GET", "/x", Status::kMatched, "GetX"},
      {"DELETE", "/x", Status::kMatched, "AnyX"},
      {"POST", "/x", Status::kMatched, "AnyX"},
      {"POST", "/y", Status::kMatched, "PostY"},
      {"GET", "/y", Status::kMethodNotAllowed, ""},
      {"get", "/y/1", Status::kMethodNotAllowed, ""},  // methods are case-sensitive
      {"GET", "/z", Status::kNoResource, ""},
      {"GET", "/Prod/y", Status::kMethodNotAllowed, ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.method);
    CAPTURE(c.path);
    const RouteMatch match = table.match(c.method, c.path);
    CHECK(match.status == c.status);
    if (c.status == Status::kMatched) {
      REQUIRE(match.route != nullptr);
      CHECK(match.route->function_logical_id == c.function);
    } else {
      CHECK(match.route == nullptr);
    }
  }
}

TEST_CASE("the selected resource decides the method: a less specific one is not tried") {
  // API Gateway selects the resource from the path first; GET on /items/special is 403 even
  // though GET /items/{id} would accept the path.
  const RouteTable table = build(
      make_stack({{"PostSpecial", "POST", "/items/special"}, {"ById", "GET", "/items/{id}"}}));
  CHECK(table.match("GET", "/items/special").status == Status::kMethodNotAllowed);
  CHECK(table.match("GET", "/items/other").status == Status::kMatched);
}

TEST_CASE("a route answers at its stage URL and at the root URL, with event.path without stage") {
  const auto stack = make_stack(
      {{"WhoDis", "GET", "/whodis"}, {"Root", "GET", "/"}, {"Ole", "GET", "/oleoleole", "OleApi"}},
      {make_api("OleApi", "dev", "klmnopqrst")});
  const RouteTable table = build(stack);

  struct Case {
    std::string request;
    std::string function;
    std::string path;
  };
  const std::vector<Case> cases = {
      {"/Prod/whodis", "WhoDis", "/whodis"},
      {"/whodis", "WhoDis", "/whodis"},
      {"/Prod/whodis/", "WhoDis", "/whodis/"},  // a trailing slash is ignored but kept
      {"/whodis/", "WhoDis", "/whodis/"},
      {"/Prod", "Root", "/"},
      {"/Prod/", "Root", "/"},
      {"/", "Root", "/"},
      {"/dev/oleoleole", "Ole", "/oleoleole"},
      {"/oleoleole", "Ole", "/oleoleole"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.request);
    const RouteMatch match = table.match("GET", c.request);
    REQUIRE(match.status == Status::kMatched);
    CHECK(match.route->function_logical_id == c.function);
    CHECK(match.path == c.path);
  }
  // Stage URLs are per API: OleApi's route is not under ServerlessRestApi's stage.
  CHECK(table.match("GET", "/Prod/oleoleole").status == Status::kNoResource);
  CHECK(table.match("GET", "/dev/whodis").status == Status::kNoResource);
  CHECK(table.match("GET", "/prod/whodis").status == Status::kNoResource);  // case-sensitive
}

TEST_CASE("the stage URL is tried before the root URL") {
  const RouteTable table = build(make_stack({{"Proxy", "ANY", "/{proxy+}"}}));
  const RouteMatch staged = table.match("GET", "/Prod/a/b");
  REQUIRE(staged.status == Status::kMatched);
  CHECK(staged.path_parameters == Params{{"proxy", "a/b"}});
  CHECK(staged.path == "/a/b");

  const RouteMatch rooted = table.match("GET", "/Production/a");
  REQUIRE(rooted.status == Status::kMatched);
  CHECK(rooted.path_parameters == Params{{"proxy", "Production/a"}});
  CHECK(rooted.path == "/Production/a");
}

TEST_CASE("a stage URL that matches nothing falls back to the root URL") {
  // /Prod/literal is a resource of OtherApi; ServerlessRestApi's stage Prod has no /literal.
  const auto stack =
      make_stack({{"WhoDis", "GET", "/whodis"}, {"Literal", "GET", "/Prod/literal", "OtherApi"}},
                 {make_api("OtherApi", "v1", "uvwxyz0123")});
  const RouteTable table = build(stack);
  const RouteMatch match = table.match("GET", "/Prod/literal");
  REQUIRE(match.status == Status::kMatched);
  CHECK(match.route->function_logical_id == "Literal");
  CHECK(match.path == "/Prod/literal");
}

TEST_CASE("path parameters are passed as sent, not decoded; literals match the decoded path") {
  // API Gateway hands path parameters on still percent-encoded (recorded: "test%2Balias@...",
  // "capture/space%20value"; LocalStack's AWS-validated snapshots, a live capture in
  // hotsock/voker's testdata).
  const RouteTable table = build(make_stack(
      {{"ById", "GET", "/items/{id}"}, {"Files", "GET", "/files/{path+}"}, {"Sp", "GET", "/a b"}}));

  struct Case {
    std::string request;
    std::string function;
    Params params;
  };
  const std::vector<Case> cases = {
      {"/items/a%20b", "ById", {{"id", "a%20b"}}},
      {"/items/a%2Fb", "ById", {{"id", "a%2Fb"}}},  // %2F stays inside its segment
      {"/items/caf%C3%A9", "ById", {{"id", "caf%C3%A9"}}},
      {"/items/test%2Balias@x.com", "ById", {{"id", "test%2Balias@x.com"}}},
      {"/items/a+b", "ById", {{"id", "a+b"}}},
      {"/items/100%", "ById", {{"id", "100%"}}},
      {"/files/a%2Fb/c%20d", "Files", {{"path", "a%2Fb/c%20d"}}},
      {"/files/x/", "Files", {{"path", "x"}}},
      {"/a%20b", "Sp", {}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.request);
    const RouteMatch match = table.match("GET", c.request);
    REQUIRE(match.status == Status::kMatched);
    CHECK(match.route->function_logical_id == c.function);
    CHECK(match.path_parameters == c.params);
    CHECK(match.path == c.request);  // event.path is the path as requested
  }
}

TEST_CASE("slashes before the stage and right after it are collapsed, as API Gateway does") {
  // Recorded from AWS (LocalStack's validated test_lambda_aws_proxy_integration): /stage//x and
  // //stage/x reach /x with event.path "/x"; requestContext.path keeps "/stage//x".
  const RouteTable table =
      build(make_stack({{"Proxy", "GET", "/{proxy+}"}, {"Hard", "GET", "/hardcoded"}}));
  struct Case {
    std::string request;
    std::string function;
    std::string path;
    std::string stage_path;
    Params params;
  };
  const std::vector<Case> cases = {
      {"/Prod//proxy-value", "Proxy", "/proxy-value", "//proxy-value", {{"proxy", "proxy-value"}}},
      {"//Prod/proxy-value", "Proxy", "/proxy-value", "/proxy-value", {{"proxy", "proxy-value"}}},
      {"/Prod//hardcoded", "Hard", "/hardcoded", "//hardcoded", {}},
      {"/Prod/proxy-value//double-slash", "Proxy", "/proxy-value//double-slash",
       "/proxy-value//double-slash", {{"proxy", "proxy-value//double-slash"}}},
      {"/Prod/proxy-value/", "Proxy", "/proxy-value/", "/proxy-value/", {{"proxy", "proxy-value"}}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.request);
    const RouteMatch match = table.match("GET", c.request);
    REQUIRE(match.status == Status::kMatched);
    CHECK(match.route->function_logical_id == c.function);
    CHECK(match.path == c.path);
    CHECK(match.stage_path == c.stage_path);
    CHECK(match.path_parameters == c.params);
  }
}

TEST_CASE("empty path segments match no resource") {
  const RouteTable table =
      build(make_stack({{"ById", "GET", "/items/{id}"}, {"A", "GET", "/a/b"}}));
  CHECK(table.match("GET", "/items//").status == Status::kNoResource);
  CHECK(table.match("GET", "/a//b").status == Status::kNoResource);
  CHECK(table.match("GET", "//a/b").status == Status::kNoResource);
}

TEST_CASE("two APIs with the same root route: the first wins at the root, with a warning") {
  const auto stack =
      make_stack({{"FirstX", "GET", "/x", "ApiA"}, {"SecondX", "GET", "/x", "ApiB"}},
                 {make_api("ApiA", "a", "aaaaaaaaaa"), make_api("ApiB", "b", "bbbbbbbbbb")});
  std::vector<std::string> warnings;
  const RouteTable table = RouteTable::build(stack, warnings);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] ==
        "GET /x is defined by both ApiA (stage a) and ApiB (stage b); at the root URL ApiA's wins; "
        "ApiB's answers at /b/x");
  CHECK(table.routes().size() == 2);

  CHECK(table.match("GET", "/x").route->function_logical_id == "FirstX");
  CHECK(table.match("GET", "/a/x").route->function_logical_id == "FirstX");
  CHECK(table.match("GET", "/b/x").route->function_logical_id == "SecondX");
  CHECK(table.match("GET", "/b/x").route->api_id == "bbbbbbbbbb");
}

TEST_CASE("two APIs may share a resource path when their methods differ") {
  const auto stack =
      make_stack({{"GetX", "GET", "/x", "ApiA"}, {"PostX", "POST", "/x", "ApiB"}},
                 {make_api("ApiA", "a", "aaaaaaaaaa"), make_api("ApiB", "b", "bbbbbbbbbb")});
  const RouteTable table = build(stack);
  CHECK(table.match("GET", "/x").route->function_logical_id == "GetX");
  CHECK(table.match("POST", "/x").route->function_logical_id == "PostX");
  CHECK(table.match("POST", "/a/x").status == Status::kMethodNotAllowed);
}

TEST_CASE("a method defined twice on one resource of one API keeps the first, with a warning") {
  const auto stack = make_stack({{"First", "GET", "/x"}, {"Second", "GET", "/x/"}});
  std::vector<std::string> warnings;
  const RouteTable table = RouteTable::build(stack, warnings);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] ==
        "GET /x of ServerlessRestApi is defined by both First and Second (Api event SecondEvent0 "
        "of Second); First's is used.");
  REQUIRE(table.routes().size() == 1);
  CHECK(table.match("GET", "/x").route->function_logical_id == "First");
}

TEST_CASE("two APIs on the same stage name: the second's duplicate route cannot be reached") {
  const auto stack =
      make_stack({{"FirstX", "GET", "/x", "ApiA"},
                  {"SecondX", "GET", "/x", "ApiB"},
                  {"SecondY", "GET", "/y", "ApiB"}},
                 {make_api("ApiA", "live", "aaaaaaaaaa"), make_api("ApiB", "live", "bbbbbbbbbb")});
  std::vector<std::string> warnings;
  const RouteTable table = RouteTable::build(stack, warnings);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] ==
        "GET /x is defined by both ApiA and ApiB, both deployed to stage live; ApiA's answers at "
        "/live/x and at the root URL; ApiB's cannot be reached.");
  CHECK(table.match("GET", "/live/x").route->function_logical_id == "FirstX");
  CHECK(table.match("GET", "/x").route->function_logical_id == "FirstX");
  CHECK(table.match("GET", "/live/y").route->function_logical_id == "SecondY");
}

TEST_CASE("invalid resource paths and unknown APIs are reported and not mounted") {
  struct Case {
    std::string path;
    std::string api;
    std::string warning;
  };
  const std::vector<Case> cases = {
      {"/a/{proxy+}/b", "ServerlessRestApi",
       "Api event FEvent0 of F: the path \"/a/{proxy+}/b\" is not a valid API Gateway resource "
       "path (a greedy {proxy+} segment must be the last); the route is not mounted."},
      {"/a/x{id}", "ServerlessRestApi",
       "Api event FEvent0 of F: the path \"/a/x{id}\" is not a valid API Gateway resource path "
       "(segment \"x{id}\" has curly braces that do not enclose the whole segment); the route is "
       "not mounted."},
      {"/a/{}", "ServerlessRestApi",
       "Api event FEvent0 of F: the path \"/a/{}\" is not a valid API Gateway resource path "
       "(segment \"{}\" is not a valid {name} or {name+}); the route is not mounted."},
      {"/a//b", "ServerlessRestApi",
       "Api event FEvent0 of F: the path \"/a//b\" is not a valid API Gateway resource path (it "
       "has an empty segment); the route is not mounted."},
      {"/a", "MissingApi",
       "Api event FEvent0 of F refers to the API MissingApi, which the template does not define; "
       "the route is not mounted."},
  };
  for (const auto& c : cases) {
    CAPTURE(c.path);
    std::vector<std::string> warnings;
    const RouteTable table = RouteTable::build(make_stack({{"F", "GET", c.path, c.api}}), warnings);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] == c.warning);
    CHECK(table.routes().empty());
  }
}

TEST_CASE("a warning names the event's template position when it is known") {
  auto stack = make_stack({{"F", "GET", "/a/{p+}/b"}});
  stack.functions[0].api_events[0].where = {"template.yaml", 12, 5};
  std::vector<std::string> warnings;
  (void)RouteTable::build(stack, warnings);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].rfind("template.yaml:12:5: Api event FEvent0 of F: ", 0) == 0);
}

TEST_CASE("an empty or moved-from table matches nothing") {
  RouteTable empty;
  CHECK(empty.match("GET", "/").status == Status::kNoResource);
  RouteTable table = build(make_stack({{"F", "GET", "/x"}}));
  RouteTable moved = std::move(table);
  CHECK(moved.match("GET", "/x").status == Status::kMatched);
  CHECK(table.match("GET", "/x").status == Status::kNoResource);  // NOLINT: use after move
}

TEST_CASE("10,000 routes build and each matches its own resource") {
  constexpr int kRoutes = 10'000;
  std::vector<EventSpec> events;
  events.reserve(kRoutes);
  for (int i = 0; i < kRoutes; ++i) {
    const std::string n = std::to_string(i);
    switch (i % 4) {
      case 0:
        events.push_back({"F" + n, "GET", "/svc" + n + "/items"});
        break;
      case 1:
        events.push_back({"F" + n, "POST", "/svc" + n + "/items/{id}"});
        break;
      case 2:
        events.push_back({"F" + n, "ANY", "/svc" + n + "/{proxy+}"});
        break;
      default:
        events.push_back({"F" + n, "GET", "/svc" + n + "/a/{x}/b/{y}"});
        break;
    }
  }
  const RouteTable table = build(make_stack(events));
  REQUIRE(table.routes().size() == kRoutes);

  for (int i = 0; i < kRoutes; ++i) {
    const std::string n = std::to_string(i);
    std::string method = "GET";
    std::string path;
    Params params;
    switch (i % 4) {
      case 0:
        path = "/svc" + n + "/items";
        break;
      case 1:
        method = "POST";
        path = "/Prod/svc" + n + "/items/" + n;
        params = {{"id", n}};
        break;
      case 2:
        method = "PATCH";
        path = "/svc" + n + "/deep/er/" + n;
        params = {{"proxy", "deep/er/" + n}};
        break;
      default:
        path = "/svc" + n + "/a/" + n + "/b/z";
        params = {{"x", n}, {"y", "z"}};
        break;
    }
    const RouteMatch match = table.match(method, path);
    if (match.status != Status::kMatched || match.route->function_logical_id != "F" + n ||
        match.path_parameters != params) {
      FAIL("route " << i << " did not match " << method << " " << path);
    }
  }
  CHECK(table.match("GET", "/svc10000/items").status == Status::kNoResource);
  CHECK(table.match("GET", "/svc1/items/1").status == Status::kMethodNotAllowed);
}

}  // namespace emu::apigw
