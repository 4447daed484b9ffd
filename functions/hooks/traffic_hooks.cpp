#include "hooks/traffic_hooks.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>

#include "runtime/aws_client.h"

namespace functions {
namespace {

using lambda_runtime::AwsClient;
using lambda_runtime::Context;
using lambda_runtime::FunctionError;

constexpr std::string_view kSucceeded = "Succeeded";
constexpr std::string_view kFailed = "Failed";
constexpr std::string_view kCheckedPath = "/oleoleole";  // the route of the checked function
// Of the hook's own remaining time, this much is kept for reporting after the check: a checked
// version that hangs must not make the hook time out before it reports (CodeDeploy would wait an
// hour for a report that never comes).
constexpr std::chrono::milliseconds kReportReserve{1'000};
constexpr std::chrono::milliseconds kMinimumCheckTimeout{500};

struct HookIds {
  std::string deployment_id;
  std::string lifecycle_event_hook_execution_id;
};

struct Verdict {
  std::string_view status;  // kSucceeded or kFailed
  std::string reason;
};

std::string required_string(const nlohmann::json& event, const char* key) {
  if (event.is_object())
    if (auto it = event.find(key); it != event.end() && it->is_string() && !it->empty())
      return it->get<std::string>();
  throw FunctionError("InvalidEvent",
                      std::string("the event has no ") + key +
                          " (a non-empty string): a CodeDeploy lifecycle hook is invoked with "
                          "{\"DeploymentId\": ..., \"LifecycleEventHookExecutionId\": ...}");
}

HookIds read_hook_ids(const nlohmann::json& event) {
  return {required_string(event, "DeploymentId"),
          required_string(event, "LifecycleEventHookExecutionId")};
}

// Reports `verdict`, logs both, and returns the handler's answer. Throws when the report fails.
nlohmann::json report(const HookIds& ids, const Verdict& verdict, const Context& context) {
  context.log(std::string(context.function_name()) + ": " + std::string(verdict.status) + ": " +
              verdict.reason);
  AwsClient client(context);
  client.put_lifecycle_event_hook_execution_status(
      ids.deployment_id, ids.lifecycle_event_hook_execution_id, verdict.status);
  context.log("reported " + std::string(verdict.status) + " for deployment " + ids.deployment_id);
  return {{"status", verdict.status}, {"reason", verdict.reason}};
}

// A minimal API Gateway (REST API) proxy event for GET /oleoleole, as its route would send.
nlohmann::json check_request() {
  return {
      {"resource", kCheckedPath},
      {"path", kCheckedPath},
      {"httpMethod", "GET"},
      {"headers", nlohmann::json::object()},
      {"multiValueHeaders", nlohmann::json::object()},
      {"queryStringParameters", nullptr},
      {"multiValueQueryStringParameters", nullptr},
      {"pathParameters", nullptr},
      {"stageVariables", nullptr},
      {"requestContext",
       {{"resourcePath", kCheckedPath},
        {"httpMethod", "GET"},
        {"path", kCheckedPath},
        {"identity", {{"sourceIp", "127.0.0.1"}}}}},
      {"body", nullptr},
      {"isBase64Encoded", false},
  };
}

Verdict failed(std::string reason) { return {kFailed, std::move(reason)}; }

// Judges the checked version's answer against the version this deployment should bring.
Verdict judge(const lambda_runtime::InvokeResult& result, const std::string& expected_version) {
  const auto& payload = result.payload;
  if (!result.function_error.empty()) {
    std::string error = payload.is_object() ? payload.value("errorType", std::string()) + ": " +
                                                  payload.value("errorMessage", std::string())
                                            : payload.dump();
    return failed("the function failed (X-Amz-Function-Error: " + result.function_error +
                  "): " + error);
  }
  if (!payload.is_object())
    return failed("the function answered " + payload.dump() + ", not a proxy response");
  auto status = payload.find("statusCode");
  if (status == payload.end() || !status->is_number_integer() || status->get<int>() != 200) {
    return failed("statusCode " +
                  (status == payload.end() ? std::string("missing") : status->dump()) +
                  ", expected 200");
  }
  auto body_text = payload.find("body");
  if (body_text == payload.end() || !body_text->is_string())
    return failed("the response has no string body");
  auto body = nlohmann::json::parse(body_text->get<std::string>(), nullptr, false);
  if (!body.is_object() || !body.contains("version") || !body["version"].is_string())
    return failed("the body " + body_text->dump() + " has no string \"version\"");
  auto version = body["version"].get<std::string>();
  if (version != expected_version)
    return failed("version \"" + version + "\", expected \"" + expected_version + "\"");
  return {kSucceeded, "statusCode 200 and version \"" + version + "\""};
}

// Invokes the version under deployment and judges its answer. Every way the check can fail to run
// becomes a Failed verdict, so that it is still reported.
Verdict check_current_version(const Context& context) {
  auto target = context.env("CurrentFunctionVersion");
  if (!target || target->empty()) return failed("CurrentFunctionVersion is not set");
  auto expected = context.env("APP_VERSION");
  if (!expected) return failed("APP_VERSION is not set");

  auto timeout = std::clamp(context.remaining_time() - kReportReserve, kMinimumCheckTimeout,
                            AwsClient::kDefaultTimeout);
  lambda_runtime::InvokeResult result;
  try {
    result = AwsClient(context, timeout).invoke(*target, check_request());
  } catch (const std::exception& e) {  // AwsClientError, or libcurl unable to make a handle
    return failed(std::string("the check could not run: ") + e.what());
  }
  context.log("invoked " + *target + " (executed version " +
              (result.executed_version.empty() ? "unknown" : result.executed_version) +
              "), expecting version \"" + *expected + "\"");
  auto verdict = judge(result, *expected);
  verdict.reason = *target + ": " + verdict.reason;
  return verdict;
}

}  // namespace

nlohmann::json pre_traffic_hook_handler(const nlohmann::json& event, const Context& context) {
  auto ids = read_hook_ids(event);
  return report(ids, check_current_version(context), context);
}

nlohmann::json post_traffic_hook_handler(const nlohmann::json& event, const Context& context) {
  auto ids = read_hook_ids(event);
  auto wanted = context.env("POST_TRAFFIC_RESULT");
  Verdict verdict;
  if (!wanted)
    verdict = {kSucceeded, "POST_TRAFFIC_RESULT is not set; Succeeded is the default"};
  else if (*wanted == kSucceeded || *wanted == kFailed)
    verdict = {*wanted == kSucceeded ? kSucceeded : kFailed, "POST_TRAFFIC_RESULT is " + *wanted};
  else
    verdict =
        failed("POST_TRAFFIC_RESULT is \"" + *wanted + "\"; only Succeeded or Failed are allowed");
  return report(ids, verdict, context);
}

}  // namespace functions
