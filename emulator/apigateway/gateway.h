// Gateway: API Gateway's request handling for the --port listener. For each request: find the
// route, build the proxy event, invoke the function's version (through its alias when it has
// one), map the result to HTTP or to API Gateway's error, stamp the ids every response carries,
// and write one access-log line. Does no socket I/O (server/ does) and never blocks: the
// invocation runs on the invoker's workers and answers through a callback.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <memory>
#include <optional>
#include <string_view>

#include "emulator/apigateway/authorizer_cache.h"
#include "emulator/apigateway/gateway_errors.h"
#include "emulator/apigateway/lambda_authorizer.h"
#include "emulator/apigateway/route_table_holder.h"
#include "emulator/lambda/event_recycler.h"
#include "emulator/lambda/lambda_service.h"
#include "emulator/server/request_handler.h"

namespace emu::apigw {

// One request a route answered, as CloudWatch's AWS/ApiGateway metrics count it.
struct ServedRequest {
  std::string_view api_name;
  std::string_view stage;
  unsigned status = 0;
  double latency_ms = 0;                         // arrival to response
  std::optional<double> integration_latency_ms;  // the invocation's share, when one ran
  std::string_view method;
  std::string_view target;                // the request's path and query
  std::string_view function_logical_id;   // the route's function
  std::string_view version;               // the version that ran, "" when none answered
  std::string_view invocation_id;         // Lambda's request id of the invocation, "" when none
};
// Called once per answered request that matched a route, on the thread that answers it; must be
// quick (it queues).
using RequestObserver = std::function<void(const ServedRequest&)>;

class Gateway final : public server::RequestHandler {
 public:
  // All must outlive the gateway. `recycler` (optional): spent events to build proxy events in,
  // the one the invokers give events back to. `observer` (optional): see RequestObserver.
  // `timers` (optional): where the integration timeout waits, for a function whose Timeout is
  // longer than its route's (without one, such a request waits for the function).
  Gateway(const RouteTableHolder& routes, lambda::LambdaService& lambda,
          lambda::EventRecycler* recycler = nullptr, RequestObserver observer = {},
          boost::asio::any_io_executor timers = {})
      : routes_(routes),
        lambda_(lambda),
        recycler_(recycler),
        observer_(std::move(observer)),
        timers_(std::move(timers)) {}

  void handle(server::HttpRequest request, const server::ClientInfo& client,
              server::Respond respond) override;
  server::HttpResponse rejection(server::Rejection reason, unsigned http_version) override;

 private:
  struct Pending;
  void integrate(const std::shared_ptr<Pending>& pending, nlohmann::json event,
                 const lambda::InvokeTarget& target);
  void authorize(const std::shared_ptr<Pending>& pending, nlohmann::json event,
                 lambda::InvokeTarget target);
  void proceed(const std::shared_ptr<Pending>& pending, nlohmann::json event,
               const lambda::InvokeTarget& target, AuthorizerOutcome outcome, double latency_ms,
               bool from_cache);
  void refuse(Pending& pending, GatewayError error, const std::string& reason);
  bool matches_expression(const std::string& expression, const std::string& token);
  void arm_integration_timer(const std::shared_ptr<Pending>& pending);
  void finish(Pending& pending, server::HttpResponse response, const std::string& version,
              const std::string& invocation_id);
  void warn_missing_cors_header(const Route& route);

  const RouteTableHolder& routes_;
  lambda::LambdaService& lambda_;
  lambda::EventRecycler* recycler_;
  RequestObserver observer_;
  boost::asio::any_io_executor timers_;
  std::mutex warned_mutex_;
  std::set<std::string> warned_routes_;  // REST routes already warned about CORS headers
  AuthorizerCache authorizer_cache_;
  std::mutex regex_mutex_;
  std::map<std::string, std::shared_ptr<const std::regex>> regexes_;  // ValidationExpressions
};

}  // namespace emu::apigw
