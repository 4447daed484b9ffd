// RouteTable: every Api event of the stack as API Gateway resources, and the lookup from a request
// path to one of them. Immutable after build(); lookups are safe from any number of threads.
//
// Each route answers at two URLs:
//   /<stage>/<path>   as the deployed invoke URL (https://{api}.execute-api.../Prod/whodis)
//   /<path>           as `sam local start-api` mounts it
// A request path is tried first as a stage URL (first segment = a stage of some API, rest matched
// in that API's resources), then as a root URL (all APIs' resources together).
//
// Precedence follows API Gateway's resource selection ("Set up a proxy integration with a proxy
// resource", API Gateway developer guide): at each path segment a literal resource wins over a
// `{param}` resource, which wins over a greedy `{proxy+}`; a dead end backtracks to the next
// candidate. Method: an exact method wins over ANY. Lookup costs O(path segments), independent of
// the number of routes.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/template/stack.h"

namespace emu::apigw {

struct Route {
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
  std::string function_logical_id;  // the function the event belongs to
};

struct RouteMatch {
  enum class Status {
    kMatched,           // route is set
    kNoResource,        // no resource has this path: 403 Missing Authentication Token
    kMethodNotAllowed,  // a resource matched but has no such method (nor ANY): also 403 on AWS
  };
  Status status = Status::kNoResource;
  const Route* route = nullptr;
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
  // Builds the table from every ApiEvent of every function. Problems that do not stop start-up
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

 private:
  struct Impl;
  std::vector<Route> routes_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace emu::apigw
