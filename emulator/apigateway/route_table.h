// RouteTable: every Api and HttpApi event of the stack as API Gateway routes, and the lookup from
// a request to one of them. Immutable after build(); lookups are safe from any number of threads.
//
// Each route answers at the URLs of its stage:
//   /<stage>/<path>   as the deployed invoke URL (https://{api}.execute-api.../Prod/whodis)
//   /<path>           as `sam local start-api` mounts it, and as an HTTP API's "$default" stage
//                     is served on AWS (no stage in the URL)
// A request path is tried first as a stage URL (first segment = a stage of some API, rest matched
// in the routes of that stage's APIs), then as a root URL: HTTP API routes, then REST API
// resources, then an HTTP API's "$default" route, which catches what nothing else matched.
//
// REST APIs select a resource, then its method ("Set up a proxy integration with a proxy
// resource", API Gateway developer guide): at each path segment a literal resource wins over a
// `{param}` resource, which wins over a greedy `{proxy+}`; a dead end backtracks to the next
// candidate; on the resource an exact method wins over ANY, and a resource without the method is
// API Gateway's 403. HTTP APIs select a route, method and path together ("Working with routes for
// HTTP APIs": the most specific match, greedy variables last, the $default route when nothing
// matches), so a path whose routes lack the method backtracks as a dead end. Lookup costs
// O(path segments), independent of the number of routes.
#pragma once

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/template/stack.h"

namespace emu::apigw {

// What the gateway needs of an API itself, whether or not a route matched: its kind, how its
// errors look, its CORS and binary settings.
struct ApiInfo {
  std::string logical_id;           // "ServerlessHttpApi", "OleoleoleApi"
  tmpl::ApiKind kind = tmpl::ApiKind::kRest;
  std::string api_id;
  std::string stage;                // "Prod", "$default"
  std::vector<std::string> binary_media_types;  // REST BinaryMediaTypes
  std::optional<tmpl::HttpCors> http_cors;      // HTTP API CorsConfiguration
  bool rest_cors = false;                       // a REST API with Cors (SAM's OPTIONS methods)
  std::optional<tmpl::ApiAuth> auth;            // REST Auth: its authorizers
  std::string region;                           // for method ARNs
  std::string account_id;
};

// The headers of a REST API's CORS preflight answer: SAM's OPTIONS method with a MOCK integration
// (emulator/apigateway/cors.h computes them).
using PreflightHeaders = std::vector<std::pair<std::string, std::string>>;  // = HeaderList

struct Route {
  const ApiInfo* api = nullptr;     // owned by the table
  std::string api_logical_id;       // "ServerlessRestApi", "OleoleoleApi"
  std::string api_id;               // requestContext.apiId
  std::string api_name;             // the API's Name (CloudWatch's ApiName dimension)
  std::string deployment_id;        // requestContext.deploymentId: 6 lower alnum, per API + stage
  std::string stage;                // requestContext.stage, "Prod"
  std::map<std::string, std::string> stage_variables;
  std::string resource_path;        // event.resource: "/items/{id}", "/{proxy+}"
  std::string resource_id;          // requestContext.resourceId: 6 lower alnum, stable per path
                                    // (10 for the root resource "/", as AWS's root ids are)
  std::string method;               // "GET", ..., or "ANY"
  std::string route_key;            // an HTTP API's routeKey: "GET /items/{id}", "$default"
  std::string payload_format_version = "1.0";  // "1.0" or (HTTP APIs) "2.0"
  int timeout_ms = 29000;           // the integration timeout
  std::string function_logical_id;  // the function the event belongs to; "" for a CORS OPTIONS
  PreflightHeaders preflight;       // the CORS OPTIONS method's headers (function_logical_id "")
  // The Lambda authorizer that must allow a request first (owned by `api`), nullptr when none:
  // the event's Auth.Authorizer, else the API's DefaultAuthorizer ("NONE": none).
  const tmpl::AuthorizerSpec* authorizer = nullptr;
};

struct RouteMatch {
  enum class Status {
    kMatched,           // route is set
    kNoResource,        // no resource has this path: 403 Missing Authentication Token (REST),
                        // 404 Not Found (HTTP API)
    kMethodNotAllowed,  // a REST resource matched but has no such method (nor ANY): also 403
  };
  Status status = Status::kNoResource;
  const Route* route = nullptr;
  // The API the request is addressed to: the matched route's; without a route, the HTTP API of
  // the stage named in the URL, or at the root the HTTP API served there (its "$default" stage);
  // nullptr when it is none of those (a REST API answers then).
  const ApiInfo* api = nullptr;
  // Values of {name} and {proxy+} segments as sent (not percent-decoded, as API Gateway passes
  // them), in path order.
  std::vector<std::pair<std::string, std::string>> path_parameters;
  // The request path without the stage prefix (event.path), e.g. "/whodis", as sent but for the
  // slashes API Gateway collapses right after the stage.
  std::string path;
  // What requestContext.path has after "/<stage>": the path after the stage exactly as sent
  // ("//whodis" for "/Prod//whodis").
  std::string stage_path;
};

class RouteTable {
 public:
  // Builds the table from every ApiEvent of every function (and, for a REST API with Cors, an
  // OPTIONS route on each of its paths that has none, as SAM adds). Problems that do not stop start-up
  // (two APIs mounting the same root route; duplicate method on one resource) are appended to
  // `warnings` as full sentences.
  static RouteTable build(const tmpl::Stack& stack, std::vector<std::string>& warnings);

  RouteTable();
  RouteTable(RouteTable&&) noexcept;
  RouteTable& operator=(RouteTable&&) noexcept;
  ~RouteTable();

  // `path` is the request target's path (no query), not yet percent-decoded. A trailing slash
  // is ignored, as API Gateway ignores it.
  RouteMatch match(std::string_view method, std::string_view path) const;

  // Every route, in template order (for the start-up "Mounting ..." lines).
  const std::vector<Route>& routes() const { return routes_; }

  struct Impl;  // the lookup structures (route_table.cpp)

 private:
  std::vector<std::unique_ptr<ApiInfo>> apis_;
  std::vector<Route> routes_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace emu::apigw
