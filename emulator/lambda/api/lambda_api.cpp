#include "emulator/lambda/api/lambda_api.h"

#include <optional>
#include <string_view>
#include <vector>

#include "emulator/core/base64.h"
#include "emulator/core/log.h"
#include "emulator/core/uri.h"
#include "emulator/lambda/model/function_ref.h"
#include "emulator/lambda/model/lambda_errors.h"
#include "emulator/lambda/api/lambda_shapes.h"
#include "emulator/aws/aws_protocol.h"

namespace emu::lambda {
namespace {

namespace http = boost::beast::http;
using server::HttpRequest;
using server::HttpResponse;
using Json = nlohmann::json;

constexpr std::string_view kPrefix = "/2015-03-31/";

// The request as the operations see it: method, decoded path segments after the version, and
// query parameters.
struct ApiRequest {
  http::verb method;
  std::vector<std::string> segments;  // e.g. {"functions", "WhoDisFunction:live", "invocations"}
  std::vector<std::pair<std::string, std::string>> query;
  const HttpRequest* http;

  std::string query_value(std::string_view name) const {
    for (const auto& [key, value] : query)
      if (key == name) return value;
    return "";
  }
  std::string header(std::string_view name) const {
    auto it = http->find(name);
    return it == http->end() ? std::string() : std::string(it->value());
  }
};

ApiRequest parse_request(const HttpRequest& request) {
  ApiRequest parsed{request.method(), {}, {}, &request};
  std::string_view target = request.target();
  auto question = target.find('?');
  std::string_view path = target.substr(0, question);
  path.remove_prefix(kPrefix.size());
  if (question != std::string_view::npos) parsed.query = uri::parse_query(target.substr(question + 1));
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    auto piece = path.substr(start, slash - start);
    if (!piece.empty()) parsed.segments.push_back(uri::percent_decode(piece, false));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parsed;
}

// The body as a JSON object ({} when empty). Errors name what is wrong.
Result<Json> json_body(const HttpRequest& request) {
  if (request.body().empty()) return Json::object();
  Json body = Json::parse(request.body(), nullptr, false);
  if (body.is_discarded())
    return Error{"SerializationException", "the request body is not valid JSON"};
  if (!body.is_object())
    return Error{"SerializationException", "the request body must be a JSON object"};
  return body;
}

Error wrong_type(const std::string& field, const char* expected) {
  return errors::invalid_parameter("1 validation error detected: Value at '" + field +
                                   "' must be " + expected);
}

Result<std::optional<std::string>> optional_string(const Json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return wrong_type(field, "a string");
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<int>> optional_int(const Json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<int>();
  if (!it->is_number_integer()) return wrong_type(field, "an integer");
  return std::optional<int>(it->get<int>());
}

Result<std::optional<std::map<std::string, double>>> routing_weights(const Json& body) {
  auto it = body.find("RoutingConfig");
  if (it == body.end() || it->is_null()) return std::optional<std::map<std::string, double>>();
  if (!it->is_object()) return wrong_type("RoutingConfig", "an object");
  std::map<std::string, double> weights;
  auto weights_json = it->find("AdditionalVersionWeights");
  if (weights_json != it->end() && !weights_json->is_null()) {
    if (!weights_json->is_object())
      return wrong_type("RoutingConfig.AdditionalVersionWeights", "an object of version: weight");
    for (const auto& [version, weight] : weights_json->items()) {
      if (!weight.is_number())
        return wrong_type("RoutingConfig.AdditionalVersionWeights." + version, "a number");
      weights[version] = weight.get<double>();
    }
  }
  return std::optional<std::map<std::string, double>>(std::move(weights));
}

Result<std::optional<std::map<std::string, std::string>>> environment(const Json& body) {
  auto it = body.find("Environment");
  if (it == body.end() || it->is_null()) return std::optional<std::map<std::string, std::string>>();
  if (!it->is_object()) return wrong_type("Environment", "an object");
  std::map<std::string, std::string> variables;
  auto vars = it->find("Variables");
  if (vars != it->end() && !vars->is_null()) {
    if (!vars->is_object()) return wrong_type("Environment.Variables", "an object");
    for (const auto& [name, value] : vars->items()) {
      if (!value.is_string()) return wrong_type("Environment.Variables." + name, "a string");
      variables[name] = value.get<std::string>();
    }
  }
  return std::optional<std::map<std::string, std::string>>(std::move(variables));
}

// The function a path names, without a qualifier (operations on the function itself).
Result<LambdaFunctionPtr> unqualified_function(const LambdaService& service,
                                               const std::string& name_segment,
                                               const std::string& query_qualifier = "") {
  auto ref = parse_function_ref(name_segment, query_qualifier);
  if (!ref.ok()) return ref.error();
  auto target = service.resolve(ref->name, "");
  if (!target.ok()) return target.error();
  return target->function;
}

HttpResponse ok(unsigned status, const Json& body, unsigned version) {
  return aws::json_response(status, body, version);
}

class Operations {
 public:
  Operations(LambdaService& service, const ApiRequest& request) : service_(service), request_(request) {}

  unsigned version() const { return request_.http->version(); }

  Result<HttpResponse> get_function(const std::string& name, bool configuration_only) {
    auto ref = parse_function_ref(name, request_.query_value("Qualifier"));
    if (!ref.ok()) return ref.error();
    auto found = unqualified_function(service_, ref->name);
    if (!found.ok()) return found.error();
    const auto& function = *found.value();
    FunctionVersionPtr selected = function.latest;
    if (!ref->qualifier.empty()) {
      selected = function.version(ref->qualifier);
      if (!selected)
        if (auto alias = function.alias(ref->qualifier))
          selected = function.version(alias->function_version);
      if (!selected)
        return errors::resource_not_found("Function not found: " +
                                          function.qualified_arn(ref->qualifier));
    }
    Json configuration = function_configuration(function, *selected, !ref->qualifier.empty());
    if (configuration_only) return ok(200, configuration, version());
    Json body = {{"Configuration", configuration},
                 {"Code",
                  {{"RepositoryType", "S3"},
                   {"Location", "emulator://in-process/" + selected->package}}},
                 {"Tags", {{"aws:cloudformation:logical-id", function.logical_id}}}};
    return ok(200, body, version());
  }

  Result<HttpResponse> list_functions() {
    bool all_versions = request_.query_value("FunctionVersion") == "ALL";
    Json list = Json::array();
    const auto snapshot = service_.store().snapshot();  // held: see control_api.cpp status()
    for (const auto& function : snapshot->functions) {
      list.push_back(function_configuration(*function, *function->latest, false));
      if (all_versions)
        for (const auto& v : function->versions)
          list.push_back(function_configuration(*function, *v, true));
    }
    return paginate("Functions", std::move(list));
  }

  Result<HttpResponse> list_versions(const std::string& name) {
    auto found = unqualified_function(service_, name);
    if (!found.ok()) return found.error();
    const auto& function = *found.value();
    Json list = Json::array({function_configuration(function, *function.latest, true)});
    for (const auto& v : function.versions) list.push_back(function_configuration(function, *v, true));
    return paginate("Versions", std::move(list));
  }

  Result<HttpResponse> update_configuration(const std::string& name) {
    auto found = unqualified_function(service_, name);
    if (!found.ok()) return found.error();
    auto body = json_body(*request_.http);
    if (!body.ok()) return body.error();
    ConfigurationChange change;
    auto env = environment(body.value());
    auto timeout = optional_int(body.value(), "Timeout");
    auto memory = optional_int(body.value(), "MemorySize");
    auto description = optional_string(body.value(), "Description");
    auto handler = optional_string(body.value(), "Handler");
    auto runtime = optional_string(body.value(), "Runtime");
    auto revision = optional_string(body.value(), "RevisionId");
    for (const Error* error : {first_error(env), first_error(timeout), first_error(memory),
                               first_error(description), first_error(handler),
                               first_error(runtime), first_error(revision)})
      if (error) return *error;
    change.environment = env.value();
    change.timeout_seconds = timeout.value();
    change.memory_mb = memory.value();
    change.description = description.value();
    change.handler_name = handler.value();
    change.runtime = runtime.value();
    auto updated = service_.store().update_configuration(found.value()->name, change,
                                                         revision.value().value_or(""));
    if (!updated.ok()) return updated.error();
    auto function = service_.store().find(found.value()->name);
    return ok(200, function_configuration(*function, *updated.value(), false), version());
  }

  Result<HttpResponse> publish_version(const std::string& name) {
    auto found = unqualified_function(service_, name);
    if (!found.ok()) return found.error();
    auto body = json_body(*request_.http);
    if (!body.ok()) return body.error();
    auto description = optional_string(body.value(), "Description");
    auto sha = optional_string(body.value(), "CodeSha256");
    auto revision = optional_string(body.value(), "RevisionId");
    for (const Error* error : {first_error(description), first_error(sha), first_error(revision)})
      if (error) return *error;
    auto published = service_.store().publish_version(
        found.value()->name, description.value().value_or(""), sha.value().value_or(""),
        revision.value().value_or(""));
    if (!published.ok()) return published.error();
    auto function = service_.store().find(found.value()->name);
    return ok(201, function_configuration(*function, *published.value(), true), version());
  }

  Result<HttpResponse> create_alias(const std::string& name) {
    auto found = unqualified_function(service_, name);
    if (!found.ok()) return found.error();
    auto body = json_body(*request_.http);
    if (!body.ok()) return body.error();
    auto alias_name = optional_string(body.value(), "Name");
    auto change = alias_change(body.value());
    if (!alias_name.ok()) return alias_name.error();
    if (!change.ok()) return change.error();
    if (!alias_name.value()) return errors::invalid_parameter("Name is required");
    if (!change->function_version) return errors::invalid_parameter("FunctionVersion is required");
    auto alias = service_.store().create_alias(found.value()->name, *alias_name.value(),
                                               change.value());
    if (!alias.ok()) return alias.error();
    auto function = service_.store().find(found.value()->name);
    return ok(201, alias_configuration(*function, *alias.value()), version());
  }

  Result<HttpResponse> get_alias(const std::string& name, const std::string& alias_name) {
    auto found = unqualified_function(service_, name);
    if (!found.ok()) return found.error();
    auto alias = found.value()->alias(alias_name);
    if (!alias)
      return errors::resource_not_found("Alias not found: " +
                                        found.value()->qualified_arn(alias_name));
    return ok(200, alias_configuration(*found.value(), *alias), version());
  }

  Result<HttpResponse> list_aliases(const std::string& name) {
    auto found = unqualified_function(service_, name);
    if (!found.ok()) return found.error();
    std::string only_version = request_.query_value("FunctionVersion");
    Json list = Json::array();
    for (const auto& [alias_name, alias] : found.value()->aliases)
      if (only_version.empty() || alias->function_version == only_version ||
          alias->additional_weights.count(only_version))
        list.push_back(alias_configuration(*found.value(), *alias));
    return paginate("Aliases", std::move(list));
  }

  Result<HttpResponse> update_alias(const std::string& name, const std::string& alias_name) {
    auto found = unqualified_function(service_, name);
    if (!found.ok()) return found.error();
    auto body = json_body(*request_.http);
    if (!body.ok()) return body.error();
    auto change = alias_change(body.value());
    auto revision = optional_string(body.value(), "RevisionId");
    if (!change.ok()) return change.error();
    if (!revision.ok()) return revision.error();
    auto alias = service_.store().update_alias(found.value()->name, alias_name, change.value(),
                                               revision.value().value_or(""));
    if (!alias.ok()) return alias.error();
    auto function = service_.store().find(found.value()->name);
    log::info("Lambda API: alias " + function->name + ":" + alias_name + " now routes " +
              describe_routing(*alias.value()));
    return ok(200, alias_configuration(*function, *alias.value()), version());
  }

  Result<HttpResponse> delete_alias(const std::string& name, const std::string& alias_name) {
    auto found = unqualified_function(service_, name);
    if (!found.ok()) return found.error();
    auto deleted = service_.store().delete_alias(found.value()->name, alias_name);
    if (!deleted.ok()) return deleted.error();
    return ok(204, Json(), version());
  }

 private:
  template <class T>
  static const Error* first_error(const Result<T>& result) {
    return result.ok() ? nullptr : &result.error();
  }

  static std::string describe_routing(const Alias& alias) {
    std::string text = "version " + alias.function_version;
    for (const auto& [v, weight] : alias.additional_weights)
      text += " with " + std::to_string(static_cast<int>(weight * 100 + 0.5)) + "% to version " + v;
    return text;
  }

  Result<AliasChange> alias_change(const Json& body) {
    AliasChange change;
    auto function_version = optional_string(body, "FunctionVersion");
    auto description = optional_string(body, "Description");
    auto weights = routing_weights(body);
    if (!function_version.ok()) return function_version.error();
    if (!description.ok()) return description.error();
    if (!weights.ok()) return weights.error();
    change.function_version = function_version.value();
    change.description = description.value();
    change.additional_weights = weights.value();
    return change;
  }

  // MaxItems / Marker pagination: the marker is the index of the next item.
  Result<HttpResponse> paginate(const char* key, Json list) {
    std::size_t start = 0, max_items = 50;
    if (auto marker = request_.query_value("Marker"); !marker.empty()) {
      try {
        start = std::stoul(marker);
      } catch (...) {
        return errors::invalid_parameter("Invalid Marker: " + marker);
      }
    }
    if (auto max = request_.query_value("MaxItems"); !max.empty()) {
      try {
        max_items = std::stoul(max);
      } catch (...) {
        max_items = 0;
      }
      if (max_items < 1 || max_items > 10000)
        return errors::validation("1 validation error detected: Value '" + max +
                                  "' at 'maxItems' failed to satisfy constraint: Member must "
                                  "have value between 1 and 10000");
    }
    Json page = Json::array();
    for (std::size_t i = start; i < list.size() && page.size() < max_items; ++i)
      page.push_back(std::move(list[i]));
    Json body = {{key, page}};
    if (start + page.size() < list.size()) body["NextMarker"] = std::to_string(start + page.size());
    return ok(200, body, version());
  }

  LambdaService& service_;
  const ApiRequest& request_;
};

HttpResponse invoke_response(const InvokeResult& result, bool tail, unsigned http_version) {
  using Outcome = InvokeResult::Outcome;
  std::string payload = result.raw_payload ? *result.raw_payload : result.payload.dump();
  bool failed = result.outcome != Outcome::kSuccess;
  if (payload.size() > kSyncPayloadLimit) {
    // AWS Lambda developer guide, "Lambda quotas": a response over 6 MB fails the invocation.
    payload = Json{{"errorMessage", "Response payload size exceeded maximum allowed payload size "
                                    "(6291556 bytes)."},
                   {"errorType", "Function.ResponseSizeTooLarge"}}
                  .dump();
    failed = true;
  }
  HttpResponse response(http::status::ok, http_version);
  response.set("x-amzn-RequestId", result.request_id);
  response.set("X-Amz-Executed-Version", result.executed_version);
  response.set(http::field::content_type, "application/json");
  if (failed) response.set("X-Amz-Function-Error", "Unhandled");
  if (tail) {
    std::string_view log = result.log;
    if (log.size() > kLogTailBytes) log = log.substr(log.size() - kLogTailBytes);
    response.set("X-Amz-Log-Result", base64::encode(log));
  }
  response.body() = std::move(payload);
  response.prepare_payload();
  return response;
}

void invoke(LambdaService& service, const ApiRequest& request, const std::string& name,
            server::Respond respond) {
  unsigned version = request.http->version();
  auto fail = [&](const Error& error) { respond(aws::rest_json_error(error, version)); };
  auto ref = parse_function_ref(name, request.query_value("Qualifier"));
  if (!ref.ok()) return fail(ref.error());
  std::string type = request.header("X-Amz-Invocation-Type");
  if (type.empty()) type = "RequestResponse";
  if (type != "RequestResponse" && type != "Event" && type != "DryRun")
    return fail(errors::validation("1 validation error detected: Value '" + type +
                                   "' at 'invocationType' failed to satisfy constraint: Member "
                                   "must satisfy enum value set: [Event, RequestResponse, DryRun]"));
  const std::string& body = request.http->body();
  std::size_t limit = type == "Event" ? kAsyncPayloadLimit : kSyncPayloadLimit;
  if (body.size() > limit)
    return fail(Error{"RequestTooLargeException",
                      "Request must be smaller than " + std::to_string(limit) +
                          " bytes for the " + (type == "Event" ? "InvokeAsync" : "InvokeFunction") +
                          " operation"});
  Json event = body.empty() ? Json::object() : Json::parse(body, nullptr, false);
  if (event.is_discarded())
    return fail(Error{"InvalidRequestContentException",
                      "Could not parse request body into json: Could not parse payload into "
                      "json: the payload is not valid JSON"});
  auto target = service.resolve(ref->name, ref->qualifier);
  if (!target.ok()) return fail(target.error());

  if (type == "DryRun") return respond(aws::json_response(204, Json(), version));
  if (type == "Event") {
    std::string function = target->function->name;
    // Answered 202 at once; the handler runs without the caller waiting for it.
    service.invoke_detached(target.value(), std::move(event), [function](InvokeResult result) {
      if (result.outcome != InvokeResult::Outcome::kSuccess)
        log::warn("asynchronous invocation " + result.request_id + " of " + function +
                  " failed: " + result.payload.dump());
    });
    auto response = aws::json_response(202, Json(), version);
    response.set("X-Amz-Executed-Version", target->version->version);
    return respond(std::move(response));
  }
  bool tail = request.header("X-Amz-Log-Type") == "Tail";
  service.invoke(target.value(), std::move(event),
                 [respond = std::move(respond), tail, version](InvokeResult result) {
                   auto response = invoke_response(result, tail, version);
                   if (result.handler_still_running) response.keep_alive(false);
                   respond(std::move(response));
                 });
}

Error unknown_operation(const ApiRequest& request) {
  return Error{"UnknownOperationException",
               "The Lambda API has no operation " + std::string(request.http->method_string()) +
                   " " + std::string(request.http->target()) +
                   " in this emulator; supported: Invoke, GetFunction, GetFunctionConfiguration, "
                   "ListFunctions, UpdateFunctionConfiguration, PublishVersion, "
                   "ListVersionsByFunction, CreateAlias, GetAlias, ListAliases, UpdateAlias, "
                   "DeleteAlias (see docs/lambda-api.md)"};
}

Result<HttpResponse> dispatch(Operations& operations, const ApiRequest& request) {
  const auto& s = request.segments;
  auto method = request.method;
  using V = http::verb;
  if (s.empty() || s[0] != "functions") return unknown_operation(request);
  if (s.size() == 1 && method == V::get) return operations.list_functions();
  if (s.size() == 2 && method == V::get) return operations.get_function(s[1], false);
  if (s.size() == 3) {
    if (s[2] == "configuration" && method == V::get) return operations.get_function(s[1], true);
    if (s[2] == "configuration" && method == V::put) return operations.update_configuration(s[1]);
    if (s[2] == "versions" && method == V::post) return operations.publish_version(s[1]);
    if (s[2] == "versions" && method == V::get) return operations.list_versions(s[1]);
    if (s[2] == "aliases" && method == V::post) return operations.create_alias(s[1]);
    if (s[2] == "aliases" && method == V::get) return operations.list_aliases(s[1]);
  }
  if (s.size() == 4 && s[2] == "aliases") {
    if (method == V::get) return operations.get_alias(s[1], s[3]);
    if (method == V::put) return operations.update_alias(s[1], s[3]);
    if (method == V::delete_) return operations.delete_alias(s[1], s[3]);
  }
  return unknown_operation(request);
}

}  // namespace

bool LambdaApi::accepts(const HttpRequest& request) const {
  return request.target().starts_with(kPrefix);
}

void LambdaApi::handle(HttpRequest request, const server::ClientInfo&, server::Respond respond) {
  ApiRequest parsed = parse_request(request);
  if (parsed.segments.size() == 3 && parsed.segments[0] == "functions" &&
      parsed.segments[2] == "invocations" && parsed.method == http::verb::post)
    return invoke(service_, parsed, parsed.segments[1], std::move(respond));
  Operations operations(service_, parsed);
  auto response = dispatch(operations, parsed);
  if (!response.ok()) return respond(aws::rest_json_error(response.error(), request.version()));
  respond(std::move(response).value());
}

}  // namespace emu::lambda
