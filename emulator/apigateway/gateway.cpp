#include "emulator/apigateway/gateway.h"

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <optional>

#include "emulator/apigateway/binary_media.h"
#include "emulator/apigateway/cors.h"
#include "emulator/apigateway/gateway_errors.h"
#include "emulator/apigateway/http_event.h"
#include "emulator/apigateway/http_response.h"
#include "emulator/apigateway/lambda_authorizer.h"
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

// The ids every response carries: REST APIs' x-amzn-RequestId and x-amz-apigw-id, an HTTP API's
// apigw-requestid (responses captured from both kinds: an HTTP API sends no x-amzn-RequestId).
void stamp(HttpResponse& response, const Exchange& exchange, bool http_api) {
  if (http_api) {
    response.set("apigw-requestid", exchange.apigw_id);
    return;
  }
  response.set("x-amzn-RequestId", exchange.request_id);
  response.set("x-amz-apigw-id", exchange.apigw_id);
}

// What the answer to an invocation depends on besides its result.
struct Integration {
  bool http_api = false;
  std::string payload_format_version;
  bool decode_base64 = true;        // REST: the request's Accept is a binary media type
  bool function_outlasts_route = false;  // the function's Timeout is past the route's
};

}  // namespace

// One request's answer in waiting (see Gateway::handle).
struct Gateway::Pending {
  std::atomic<bool> answered{false};
  std::shared_ptr<Exchange> exchange;
  server::Respond respond;
  std::shared_ptr<const RouteTable> table;  // keeps `route` valid
  const Route* route = nullptr;
  Integration integration;
  std::string origin;
  unsigned version = 11;
  Clock::time_point invoked;
  std::optional<boost::asio::steady_timer> timer;
};

namespace {

HttpResponse integration_response(const lambda::InvokeResult& result, const std::string& function,
                                  const Integration& integration, unsigned http_version) {
  using Outcome = lambda::InvokeResult::Outcome;
  const bool http_api = integration.http_api;
  const GatewayError internal_error =
      http_api ? GatewayError::kHttpInternalServerError : GatewayError::kInternalServerError;
  const char* internal_text = http_api ? " (API Gateway answers 500 Internal Server Error)"
                                       : " (API Gateway answers 502 Internal server error)";
  if (result.outcome == Outcome::kTimeout) {
    if (!http_api) return make_gateway_error(GatewayError::kEndpointRequestTimedOut, http_version);
    // An HTTP API gives up at the route's timeout (503); a function that times out first is a
    // function error (500).
    log::error(function + " request " + result.request_id + " timed out" +
               (integration.function_outlasts_route
                    ? std::string(" (API Gateway answers 503 Service Unavailable)")
                    : std::string(internal_text)));
    return make_gateway_error(integration.function_outlasts_route
                                  ? GatewayError::kHttpServiceUnavailable
                                  : GatewayError::kHttpInternalServerError,
                              http_version);
  }
  if (result.outcome == Outcome::kFunctionError) {
    log::error(function + " request " + result.request_id + " failed: " +
               result.payload.value("errorType", std::string("Unknown")) + ": " +
               result.payload.value("errorMessage", std::string()) + internal_text);
    return make_gateway_error(internal_error, http_version);
  }
  Result<HttpResponse> mapped = Error{};
  if (http_api && integration.payload_format_version == "2.0") {
    mapped = map_http_response(result.payload, http_version);
  } else {
    ProxyResponseRules rules;
    rules.decode_base64 = integration.decode_base64;
    rules.status_code_required = http_api;
    rules.other_keys_allowed = http_api;
    mapped = map_proxy_response(result.payload, http_version, rules);
  }
  if (!mapped.ok()) {
    log::error(function + " request " + result.request_id +
               " returned an invalid proxy response: " + mapped.error().message + internal_text);
    return make_gateway_error(internal_error, http_version);
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
               "allowed payload size (6291556 bytes)." + internal_text);
    return make_gateway_error(internal_error, http_version);
  }
  return std::move(mapped).value();
}

// An HTTP API with CORS: the integration's Access-Control-* headers replaced by the API's, for an
// allowed Origin ("If you configure CORS for an API, API Gateway ignores CORS headers returned
// from your backend integration").
void apply_http_cors(HttpResponse& response, const ApiInfo* api, const std::string& origin) {
  if (!api || !api->http_cors) return;
  for (auto it = response.begin(); it != response.end();) {
    if (is_cors_header(it->name_string())) it = response.erase(it);
    else ++it;
  }
  for (auto& [name, value] : http_response_headers(*api->http_cors, origin))
    response.set(name, value);
}

HttpResponse preflight_response(const HeaderList& headers, http::status status,
                                std::string_view body, unsigned version) {
  HttpResponse response{status, version};
  for (const auto& [name, value] : headers) response.set(name, value);
  if (!body.empty()) response.set(http::field::content_type, "application/json");
  response.body() = body;
  if (status == http::status::no_content) response.content_length(boost::none);
  else response.prepare_payload();
  return response;
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
  const ApiInfo* api = match.api;
  const bool http_api = api && api->kind == tmpl::ApiKind::kHttp;
  const std::string origin(request[http::field::origin]);
  auto answer = [&](HttpResponse response, std::string_view function) {
    stamp(response, *exchange, http_api);
    access_log(*exchange, response.result_int(), function, "");
    respond(std::move(response));
  };

  // An HTTP API with CORS answers a preflight that no route takes itself (204 whatever the
  // origin; the headers only for an allowed one).
  if (match.status != RouteMatch::Status::kMatched && http_api && api->http_cors &&
      is_preflight(request.method_string(), origin,
                   request[http::field::access_control_request_method])) {
    return answer(preflight_response(
                      http_preflight_headers(*api->http_cors, origin,
                                             request[http::field::access_control_request_method],
                                             request[http::field::access_control_request_headers]),
                      http::status::no_content, {}, version),
                  "");
  }
  if (match.status != RouteMatch::Status::kMatched) {
    auto response = make_gateway_error(
        http_api ? GatewayError::kHttpNotFound : GatewayError::kMissingAuthenticationToken,
        version);
    if (http_api) apply_http_cors(response, api, origin);
    return answer(std::move(response), "");
  }
  const Route& route = *match.route;
  const bool mock = route.function_logical_id.empty();  // SAM's CORS OPTIONS method (REST)
  if (mock && !route.authorizer)
    return answer(preflight_response(route.preflight, http::status::ok, kRestPreflightBody,
                                     version),
                  "");
  auto target = mock ? Result<lambda::InvokeTarget>(lambda::InvokeTarget{})
                     : lambda_.resolve_for_api(route.function_logical_id);
  if (!target.ok()) {  // the table and the store come from one Stack; a bug if reached
    log::error("route " + route.resource_path + ": " + target.error().message);
    return answer(make_gateway_error(http_api ? GatewayError::kHttpInternalServerError
                                              : GatewayError::kInternalServerError,
                                     version),
                  "");
  }

  RequestFacts facts;
  facts.request_id = exchange->request_id;
  facts.extended_request_id = exchange->apigw_id;
  facts.epoch_ms = epoch_ms_now();
  facts.trace_id = new_trace_id(facts.epoch_ms);
  facts.source_ip = client.address;
  auto host = request.find(http::field::host);
  facts.domain_name = host != request.end() ? std::string(host->value()) : "localhost";
  nlohmann::json event;
  Integration integration;
  integration.http_api = http_api;
  integration.payload_format_version = route.payload_format_version;
  // The function may run past the route's integration timeout (its own Timeout is longer): the
  // gateway then answers at that timeout, as API Gateway does, and the invocation goes on.
  const bool outlasts =
      !mock &&
      static_cast<long long>(target.value().version->timeout_seconds) * 1000 >= route.timeout_ms;
  integration.function_outlasts_route = outlasts;
  if (http_api) {
    event = route.payload_format_version == "2.0" ? build_http_event(request, match, facts)
                                                  : build_http_v1_event(request, match, facts);
  } else {
    event = recycler_ ? recycler_->take() : nlohmann::json();
    fill_proxy_event(event, request, match, facts);
    if (api && !api->binary_media_types.empty())
      integration.decode_base64 =
          rest_response_is_binary(request[http::field::accept], api->binary_media_types);
  }

  // Everything the answer needs, shared by the invocation's callback and, when armed, the
  // integration timer: whichever comes first answers. The table stays alive until the answer so
  // that the route's names and API are still valid then, whatever a redeploy swaps in (a pointer
  // to the route is kept, not copies).
  auto pending = std::make_shared<Pending>();
  pending->exchange = exchange;
  pending->respond = std::move(respond);
  pending->table = routes;
  pending->route = &route;
  pending->integration = std::move(integration);
  pending->origin = origin;
  pending->version = version;
  pending->invoked = Clock::now();
  if (route.authorizer) return authorize(pending, std::move(event), target.value());
  integrate(pending, std::move(event), target.value());
}

void Gateway::integrate(const std::shared_ptr<Pending>& pending, nlohmann::json event,
                        const lambda::InvokeTarget& target) {
  const Route& route = *pending->route;
  if (route.function_logical_id.empty())  // a CORS OPTIONS method its authorizer allowed
    return finish(*pending,
                  preflight_response(route.preflight, http::status::ok, kRestPreflightBody,
                                     pending->version),
                  "", "");
  pending->invoked = Clock::now();
  if (pending->integration.function_outlasts_route && timers_) arm_integration_timer(pending);
  lambda_.invoke(target, std::move(event),
                 [this, pending](lambda::InvokeResult result) {
                   if (pending->answered.exchange(true)) {
                     log::info(pending->route->function_logical_id + " request " +
                               result.request_id + " ended after API Gateway had answered its "
                               "integration timeout; the result is dropped, as on AWS");
                     return;
                   }
                   if (pending->timer)  // the timer's own strand cancels it
                     boost::asio::post(pending->timer->get_executor(),
                                       [pending] { pending->timer->cancel(); });
                   auto response = integration_response(result, pending->route->function_logical_id,
                                                        pending->integration, pending->version);
                   if (result.handler_still_running) response.keep_alive(false);
                   finish(*pending, std::move(response), result.executed_version,
                          result.request_id);
                 });
}

// A REST API's Lambda authorizer (developer guide, "Use API Gateway Lambda authorizers"): the
// identity, the cache, the authorizer's invocation, its answer judged for this request's method
// ARN; then the integration, or API Gateway's refusal, logged with the reason.
void Gateway::authorize(const std::shared_ptr<Pending>& pending, nlohmann::json event,
                        lambda::InvokeTarget target) {
  const Route& route = *pending->route;
  const tmpl::AuthorizerSpec& authorizer = *route.authorizer;
  const ApiInfo& api = *route.api;
  const std::string arn = method_arn(api.region, api.account_id, route.api_id, route.stage,
                                     pending->exchange->method,
                                     event.value("path", std::string("/")));
  const bool token = authorizer.kind == tmpl::AuthorizerSpec::Kind::kLambdaToken;
  std::string missing;
  auto identity = identity_values(authorizer, event, missing);
  // TOKEN: always needed. REQUEST: needed when answers are cached ("If any of the specified
  // identity sources is missing, null, or empty, API Gateway returns a 401 Unauthorized response
  // without calling the authorizer Lambda function", with caching on).
  if (!identity && (token || authorizer.ttl_seconds > 0))
    return refuse(*pending, GatewayError::kUnauthorized,
                  "the identity source " + missing + " is missing or empty");
  if (token && !authorizer.validation_expression.empty() &&
      !matches_expression(authorizer.validation_expression, identity->front()))
    return refuse(*pending, GatewayError::kUnauthorized,
                  "the token does not match its ValidationExpression " +
                      authorizer.validation_expression);
  const bool cached = identity && authorizer.ttl_seconds > 0;
  const std::string key =
      cached ? AuthorizerCache::key(api.api_id + "/" + authorizer.name, *identity) : std::string();
  if (cached) {
    if (auto answer = authorizer_cache_.find(key))
      return proceed(pending, std::move(event), target, judge_answer(*answer, arn), 0, true);
  }
  auto function = lambda_.resolve(authorizer.function, "");
  if (!function.ok())
    return refuse(*pending, GatewayError::kAuthorizerConfiguration,
                  "its function " + authorizer.function + " cannot be invoked: " +
                      function.error().message);
  nlohmann::json authorizer_event =
      token ? token_event(identity->front(), arn) : request_event(event, arn);
  const auto started = Clock::now();
  const auto ttl = std::chrono::seconds(authorizer.ttl_seconds);
  lambda_.invoke(
      function.value(), std::move(authorizer_event),
      [this, pending, event = std::move(event), target = std::move(target), key, ttl, arn,
       started](lambda::InvokeResult result) mutable {
        const double latency =
            std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        using Outcome = lambda::InvokeResult::Outcome;
        if (result.outcome != Outcome::kSuccess)
          return proceed(pending, std::move(event), target, judge_failure(result), latency, false);
        if (result.raw_payload)
          return proceed(pending, std::move(event), target,
                         {AuthorizerOutcome::Kind::kConfigurationError, {},
                          "its answer is not JSON"},
                         latency, false);
        auto outcome = judge_answer(result.payload, arn);
        // A valid answer is kept for the TTL (its policy is judged again for each request).
        if (!key.empty() && outcome.kind != AuthorizerOutcome::Kind::kConfigurationError)
          authorizer_cache_.put(key, std::move(result.payload), ttl);
        proceed(pending, std::move(event), target, std::move(outcome), latency, false);
      });
}

void Gateway::proceed(const std::shared_ptr<Pending>& pending, nlohmann::json event,
                      const lambda::InvokeTarget& target, AuthorizerOutcome outcome,
                      double latency_ms, bool from_cache) {
  using Kind = AuthorizerOutcome::Kind;
  switch (outcome.kind) {
    case Kind::kAllow: {
      // requestContext.authorizer: principalId, the context's values as strings, and the
      // authorizer's latency ("integrationLatency", in ms; 0 for a cached answer).
      outcome.context["integrationLatency"] = static_cast<long long>(latency_ms);
      event["requestContext"]["authorizer"] = std::move(outcome.context);
      return integrate(pending, std::move(event), target);
    }
    case Kind::kUnauthorized:
      return refuse(*pending, GatewayError::kUnauthorized, outcome.reason);
    case Kind::kExplicitDeny:
      return refuse(*pending, GatewayError::kExplicitDeny,
                    outcome.reason + (from_cache ? " (cached answer)" : ""));
    case Kind::kNotAllowed:
      return refuse(*pending, GatewayError::kNotAuthorized,
                    outcome.reason + (from_cache ? " (cached answer)" : ""));
    case Kind::kConfigurationError:
      return refuse(*pending, GatewayError::kAuthorizerConfiguration, outcome.reason);
  }
}

// Answers API Gateway's refusal and says why in the log: which authorizer, which rule.
void Gateway::refuse(Pending& pending, GatewayError error, const std::string& reason) {
  const Route& route = *pending.route;
  const tmpl::AuthorizerSpec& authorizer = *route.authorizer;
  auto response = make_gateway_error(error, pending.version);
  log::info(pending.exchange->method + " " + pending.exchange->target + ": " +
            std::to_string(response.result_int()) + " from authorizer " + authorizer.name + " (" +
            (authorizer.kind == tmpl::AuthorizerSpec::Kind::kLambdaToken ? "TOKEN" : "REQUEST") +
            ", function " + authorizer.function + "): " + reason +
            (route.function_logical_id.empty()
                 ? " [a CORS preflight: SAM puts the DefaultAuthorizer on OPTIONS unless "
                   "Auth.AddDefaultAuthorizerToCorsPreflight is false]"
                 : ""));
  finish(pending, std::move(response), "", "");
}

bool Gateway::matches_expression(const std::string& expression, const std::string& token) {
  std::shared_ptr<const std::regex> compiled;
  {
    std::lock_guard lock(regex_mutex_);
    auto& slot = regexes_[expression];
    if (!slot) slot = std::make_shared<const std::regex>(expression);  // checked at load
    compiled = slot;
  }
  return std::regex_match(token, *compiled);
}

void Gateway::arm_integration_timer(const std::shared_ptr<Pending>& pending) {
  pending->timer.emplace(boost::asio::make_strand(timers_));
  pending->timer->expires_after(std::chrono::milliseconds(pending->route->timeout_ms));
  pending->timer->async_wait([this, pending](const boost::system::error_code& error) {
    if (error || pending->answered.exchange(true)) return;
    const Route& route = *pending->route;
    const bool http_api = pending->integration.http_api;
    // "Amazon API Gateway quotas": the integration timeout (REST 29 s, HTTP APIs 30 s, or the
    // route's TimeoutInMillis); REST answers 504 (INTEGRATION_TIMEOUT), an HTTP API 503.
    log::error(route.function_logical_id + " did not answer within the integration timeout of " +
               std::to_string(route.timeout_ms) + " ms (TimeoutInMillis; the function's Timeout "
               "is longer): API Gateway answers " +
               (http_api ? "503 Service Unavailable" : "504 Endpoint request timed out") +
               " and the invocation goes on");
    finish(*pending,
           make_gateway_error(http_api ? GatewayError::kHttpServiceUnavailable
                                       : GatewayError::kEndpointRequestTimedOut,
                              pending->version),
           "", "");
  });
}

void Gateway::warn_missing_cors_header(const Route& route) {
  const std::string key = route.api_logical_id + " " + route.method + " " + route.resource_path;
  {
    std::lock_guard lock(warned_mutex_);
    if (!warned_routes_.insert(key).second) return;
  }
  log::warn(route.function_logical_id + " answered " + route.method + " " + route.resource_path +
            " of " + route.api_logical_id + " (which has Cors) to a request with an Origin, "
            "without Access-Control-Allow-Origin: a browser refuses that answer. On AWS too, "
            "SAM's Cors answers only the preflight (OPTIONS); with a proxy integration the "
            "function must return the header itself (said once per route)");
}

void Gateway::finish(Pending& pending, HttpResponse response, const std::string& version,
                     const std::string& invocation_id) {
  const Route& route = *pending.route;
  if (pending.integration.http_api) apply_http_cors(response, route.api, pending.origin);
  else if (route.api && route.api->rest_cors && !pending.origin.empty() &&
           response.find(http::field::access_control_allow_origin) == response.end())
    warn_missing_cors_header(route);
  stamp(response, *pending.exchange, pending.integration.http_api);
  access_log(*pending.exchange, response.result_int(), route.function_logical_id, version);
  if (observer_) {
    const auto now = Clock::now();
    observer_({route.api_name, route.stage, response.result_int(),
               std::chrono::duration<double, std::milli>(now - pending.exchange->started).count(),
               std::chrono::duration<double, std::milli>(now - pending.invoked).count(),
               pending.exchange->method, pending.exchange->target, route.function_logical_id,
               version, invocation_id});
  }
  pending.respond(std::move(response));
}

server::HttpResponse Gateway::rejection(server::Rejection reason, unsigned http_version) {
  GatewayError error = GatewayError::kBadRequest;
  if (reason == server::Rejection::kBodyTooLarge) error = GatewayError::kRequestTooLarge;
  if (reason == server::Rejection::kHeaderTooLarge) error = GatewayError::kHeaderTooLarge;
  if (reason == server::Rejection::kTooManyConnections) error = GatewayError::kTooManyConnections;
  auto response = make_gateway_error(error, http_version);
  Exchange exchange;
  stamp(response, exchange, false);
  return response;
}

}  // namespace emu::apigw
