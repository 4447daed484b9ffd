// Fuzz target: an HTTP request on --aws-port -> AwsEndpoint (dispatch by X-Amz-Target or path)
// -> LambdaApi (rest-json), CodeDeployApi (JSON 1.1) or CloudWatchApi (query, JSON 1.0, CBOR)
// (docs/testing.md). Every request must be answered exactly once, synchronously (the APIs answer
// at once with a synchronous invoker), with a status and, for errors, an AWS-shaped body in the
// protocol's own format (JSON, query XML or CBOR). The services' state is built anew for each
// input, so an input replays the same way on its own.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "emulator/aws/query_compatible.h"
#include "emulator/cloudwatch/alarm_definition.h"
#include "emulator/cloudwatch/api/cloudwatch_api.h"
#include "emulator/codedeploy/codedeploy_api.h"
#include "emulator/core/clock.h"
#include "emulator/core/log.h"
#include "emulator/core/random.h"
#include "emulator/lambda/api/lambda_api.h"
#include "emulator/aws/aws_endpoint.h"
#include "emulator/template/loader.h"
#include "fuzz_http.h"
#include "tests/support/function_services.h"

namespace {

using namespace emu;

// Two functions behind aliases (one with a canary and a pre-traffic hook) and the hook function.
constexpr const char* kTemplate = R"(AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: provided.al2023
    Handler: bootstrap
    Timeout: 3
    Environment:
      Variables:
        APP_VERSION: v1
Resources:
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: echo-fn
      CodeUri: build/package/whodis.zip
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Canary10Percent5Minutes
        Hooks:
          PreTraffic: !Ref PreHook
  Other:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: other-fn
      CodeUri: build/package/oleoleole.zip
      AutoPublishAlias: live
      DeploymentPreference:
        Type: AllAtOnce
  PreHook:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: echo-pre
      CodeUri: build/package/pre-traffic-hook.zip
)";

// Answers at once with the event echoed back; {"fail": ...} in the event is a function error.
class EchoInvoker final : public lambda::Invoker {
 public:
  void invoke(lambda::FunctionVersionPtr version, nlohmann::json event, std::string,
              lambda::InvokeCallback done) override {
    lambda::InvokeResult result;
    result.request_id = "req-1";
    result.executed_version = version->version;
    result.log = "START RequestId: req-1 Version: " + version->version + "\n";
    if (event.is_object() && event.contains("fail")) {
      result.outcome = lambda::InvokeResult::Outcome::kFunctionError;
      result.payload = {{"errorMessage", "boom"}, {"errorType", "E"}};
    } else {
      result.payload = std::move(event);
    }
    done(std::move(result));
  }
};

const tmpl::Stack& stack() {
  static const tmpl::Stack loaded = [] {
    log::set_quiet(true);
    tmpl::LoadOptions options;
    options.stack_name = "fuzz";
    auto result = tmpl::load_stack_from_string(kTemplate, "fuzz.yaml", options);
    if (!result.ok()) {
      std::fprintf(stderr, "%s\n", result.error().message.c_str());
      std::abort();
    }
    return std::move(result).value();
  }();
  return loaded;
}

// Everything --aws-port serves, with one deployment of echo-fn from version 1 to 2 waiting for
// its pre-traffic hook.
struct Services : emu::testing::FunctionServices {
  Services() {
    build(stack(), invoker);
    engine = std::make_unique<codedeploy::DeploymentEngine>(clock, *service);
    auto application = codedeploy::application_for(stack());
    lambda::ConfigurationChange change;
    change.environment = std::map<std::string, std::string>{{"APP_VERSION", "v2"}};
    if (!store->update_configuration("echo-fn", change, "").ok()) std::abort();
    if (!store->publish_version("echo-fn", "", "", "").ok()) std::abort();
    codedeploy::DeploymentRequest request;
    request.application_name = application.name;
    request.group_name = application.groups.at(0).name;
    request.config = *codedeploy::find_config(stack(), "Canary10Percent5Minutes");
    request.function_name = "echo-fn";
    request.alias = "live";
    request.from_version = "1";
    request.to_version = "2";
    request.pre_traffic_hook = "echo-pre";
    request.auto_rollback = true;
    if (!engine->start(request).ok()) std::abort();
    endpoint = std::make_unique<aws::AwsEndpoint>(std::vector<std::shared_ptr<aws::AwsService>>{
        std::make_shared<lambda::LambdaApi>(*service),
        std::make_shared<codedeploy::CodeDeployApi>(*engine, application,
                                                    codedeploy::all_configs(stack()),
                                                    stack().region, stack().account_id),
        std::make_shared<cloudwatch::CloudWatchApi>(alarms, metrics, clock, [] {})},
        lambda::kSyncPayloadLimit);
    cloudwatch::AlarmFields alarm;
    alarm.name = "echo-errors";
    alarm.namespace_name = "AWS/Lambda";
    alarm.metric_name = "Errors";
    alarm.dimensions = {{"FunctionName", "echo-fn"}};
    alarm.statistic = "Sum";
    alarm.period_s = 60;
    alarm.evaluation_periods = 1;
    alarm.threshold = 1;
    alarm.comparison_operator = "GreaterThanOrEqualToThreshold";
    if (!alarms.put(cloudwatch::make_alarm_definition(alarm).value()).ok()) std::abort();
    metrics.record({"AWS/Lambda", "Errors", {{"FunctionName", "echo-fn"}}}, clock.epoch_ms(clock.now()), 1);
  }

  EchoInvoker invoker;
  ManualClock clock;
  cloudwatch::MetricStore metrics;
  cloudwatch::Alarms alarms{clock, metrics, "us-east-1", "123456789012"};
  std::unique_ptr<codedeploy::DeploymentEngine> engine;
  std::unique_ptr<aws::AwsEndpoint> endpoint;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto request = fuzz::parse_request(data, size);
  if (!request) return 0;
  Services services;
  int answers = 0;
  std::optional<server::HttpResponse> answer;
  services.endpoint->handle(std::move(*request), {"127.0.0.1", 40000},
                            [&](server::HttpResponse response) {
                              ++answers;
                              answer = std::move(response);
                            });
  if (answers != 1) std::abort();  // exactly once, before handle returns
  if (answer->result_int() < 200 || answer->result_int() > 599) std::abort();
  if (answer->result_int() >= 400 && !answer->body().empty()) {
    // Every error body is in its protocol's format (AWS's shapes); JSON's parse throws, and so
    // crashes the target, if not.
    const std::string type(answer->base()[boost::beast::http::field::content_type]);
    if (type == "text/xml") {
      if (answer->body().rfind("<ErrorResponse xmlns=", 0) != 0) std::abort();
    } else if (type == "application/cbor") {
      auto body = aws::from_cbor(answer->body());
      if (!body.ok() || !body->is_object()) std::abort();
    } else {
      auto body = nlohmann::json::parse(answer->body());
      if (!body.is_object()) std::abort();
    }
  }
  return 0;
}
