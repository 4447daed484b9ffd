#include "emulator/apigateway/gateway.h"

#include <chrono>

#include "emulator/apigateway/gateway_errors.h"
#include "emulator/apigateway/proxy_event.h"
#include "emulator/apigateway/proxy_response.h"
#include "emulator/core/decimal.h"
#include "emulator/core/ids.h"
#include "emulator/core/log.h"
#include "emulator/lambda/payload_limits.h"

namespace emu::apigw {
namespace {

namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

// What one request carries from arrival to its access-log line.
struct Exchange {
  std::string method;
  std::string target;
  std::string request_id = ids::new_request_id();
  // 15 characters and '=', as AWS's extendedRequestId / x-amz-apigw-id ("ZhDrKF5dDoEEHfA=").
  std::string apigw_id = ids::new_short_id(15) + '=';
  Clock::time_point started = Clock::now();
};

std::int64_t epoch_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string path_of(std::string_view target) {
  auto query = target.find('?');
  return std::string(target.substr(0, query));
}

// "GET /whodis 200 WhoDisFunction:1 0.42 ms", through the batching log writer.
void access_log(const Exchange& exchange, unsigned status, std::string_view function,
                std::string_view version) {
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - exchange.started).count();
  std::string line;
  line.reserve(exchange.method.size() + exchange.target.size() + function.size() +
               version.size() + 48);
  line.append(exchange.method).push_back(' ');
  line.append(exchange.target).push_back(' ');
  append_integer(line, status);
  line.push_back(' ');
  if (function.empty()) {
    line.push_back('-');
  } else {
    line.append(function).push_back(':');
    line.append(version);
  }
  line.push_back(' ');
  append_fixed(line, ms, 2);
  line.append(" ms");
  log::info_soon(line);
}

void stamp(HttpResponse& response, const Exchange& exchange) {
  response.set("x-amzn-RequestId", exchange.request_id);
  response.set("x-amz-apigw-id", exchange.apigw_id);
}

HttpResponse integration_response(const lambda::InvokeResult& result, const std::string& function,
                                  unsigned http_version) {
  using Outcome = lambda::InvokeResult::Outcome;
  if (result.outcome == Outcome::kTimeout)
    return make_gateway_error(GatewayError::kEndpointRequestTimedOut, http_version);
  if (result.outcome == Outcome::kFunctionError) {
    log::error(function + " request " + result.request_id + " failed: " +
               result.payload.value("errorType", std::string("Unknown")) + ": " +
               result.payload.value("errorMessage", std::string()) +
               " (API Gateway answers 502 Internal server error)");
    return make_gateway_error(GatewayError::kInternalServerError, http_version);
  }
  auto mapped = map_proxy_response(result.payload, http_version);
  if (!mapped.ok()) {
    log::error(function + " request " + result.request_id +
               " returned an invalid proxy response: " + mapped.error().message +
               " (API Gateway answers 502 Internal server error)");
    return make_gateway_error(GatewayError::kInternalServerError, http_version);
  }
  // Lambda fails a synchronous result over 6 MB before API Gateway sees it (AWS Lambda developer
  // guide, "Lambda quotas"): 502, as in Runtime API mode. The body alone decides it when it is
  // far from the limit; only a body near it costs a serialisation of the whole result.
  const auto body_size = mapped.value().body().size();
  if (body_size > lambda::kSyncPayloadLimit ||
      (body_size + 64 * 1024 > lambda::kSyncPayloadLimit &&
       result.payload.dump().size() > lambda::kSyncPayloadLimit)) {
    log::error(function + " request " + result.request_id +
               " failed: Function.ResponseSizeTooLarge: Response payload size exceeded maximum "
               "allowed payload size (6291556 bytes). (API Gateway answers 502 Internal server "
               "error)");
    return make_gateway_error(GatewayError::kInternalServerError, http_version);
  }
  return std::move(mapped).value();
}

}  // namespace

void Gateway::handle(server::HttpRequest request, const server::ClientInfo& client,
                     server::Respond respond) {
  auto exchange = std::make_shared<Exchange>();
  exchange->method = std::string(request.method_string());
  exchange->target = std::string(request.target());
  unsigned version = request.version();

  auto routes = routes_.load();  // held while `match` points into it
  RouteMatch match = routes->match(request.method_string(), path_of(request.target()));
  if (match.status != RouteMatch::Status::kMatched) {
    auto response = make_gateway_error(GatewayError::kMissingAuthenticationToken, version);
    stamp(response, *exchange);
    access_log(*exchange, response.result_int(), "", "");
    return respond(std::move(response));
  }
  const Route& route = *match.route;
  auto target = lambda_.resolve_for_api(route.function_logical_id);
  if (!target.ok()) {  // the table and the store come from one Stack; a bug if reached
    log::error("route " + route.resource_path + ": " + target.error().message);
    auto response = make_gateway_error(GatewayError::kInternalServerError, version);
    stamp(response, *exchange);
    return respond(std::move(response));
  }

  RequestFacts facts;
  facts.request_id = exchange->request_id;
  facts.extended_request_id = exchange->apigw_id;
  facts.epoch_ms = epoch_ms_now();
  facts.trace_id = new_trace_id(facts.epoch_ms);
  facts.source_ip = client.address;
  auto host = request.find(http::field::host);
  facts.domain_name = host != request.end() ? std::string(host->value()) : "localhost";
  nlohmann::json event = recycler_ ? recycler_->take() : nlohmann::json();
  fill_proxy_event(event, request, match, facts);

  // With an observer, the table stays alive until the answer so that the route's names are
  // still valid when they are reported (the lambda captures a pointer, not copies).
  auto observed = observer_ ? routes : nullptr;
  lambda_.invoke(target.value(), std::move(event),
                  [this, exchange, version, respond = std::move(respond), observed,
                   route = &route, invoked = Clock::now(),
                   function = route.function_logical_id](lambda::InvokeResult result) {
                    auto response = integration_response(result, function, version);
                    if (result.handler_still_running) response.keep_alive(false);
                    stamp(response, *exchange);
                    access_log(*exchange, response.result_int(), function,
                               result.executed_version);
                    if (observed) {
                      const auto now = Clock::now();
                      observer_({route->api_name, route->stage, response.result_int(),
                                 std::chrono::duration<double, std::milli>(now - exchange->started)
                                     .count(),
                                 std::chrono::duration<double, std::milli>(now - invoked).count()});
                    }
                    respond(std::move(response));
                  });
}

server::HttpResponse Gateway::rejection(server::Rejection reason, unsigned http_version) {
  GatewayError error = GatewayError::kBadRequest;
  if (reason == server::Rejection::kBodyTooLarge) error = GatewayError::kRequestTooLarge;
  if (reason == server::Rejection::kHeaderTooLarge) error = GatewayError::kHeaderTooLarge;
  if (reason == server::Rejection::kTooManyConnections) error = GatewayError::kTooManyConnections;
  auto response = make_gateway_error(error, http_version);
  Exchange exchange;
  stamp(response, exchange);
  return response;
}

}  // namespace emu::apigw
