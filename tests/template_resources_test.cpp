// The emulated resources (functions, APIs, deployment configs), outputs and warnings.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "emulator/template/loader.h"

namespace {

using emu::tmpl::DeploymentConfigSpec;
using emu::tmpl::LoadOptions;
using emu::tmpl::Stack;

emu::Result<Stack> load(const std::string& yaml, const std::string& stack_name = "test") {
  LoadOptions options;
  options.stack_name = stack_name;
  return emu::tmpl::load_stack_from_string(yaml, "t.yaml", options);
}

Stack load_ok(const std::string& yaml, const std::string& stack_name = "test") {
  auto stack = load(yaml, stack_name);
  REQUIRE_MESSAGE(stack.ok(), (stack.ok() ? "" : stack.error().message));
  return std::move(stack.value());
}

}  // namespace

TEST_SUITE_BEGIN("template");

TEST_CASE("template: DeploymentConfig: canary, linear and all-at-once traffic routing with given or generated names") {
  const Stack stack = load_ok(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Canary:
    Type: AWS::CodeDeploy::DeploymentConfig
    Properties:
      ComputePlatform: Lambda
      DeploymentConfigName: Canary20Percent3Minutes
      TrafficRoutingConfig:
        Type: TimeBasedCanary
        TimeBasedCanary: {CanaryPercentage: 20, CanaryInterval: 3}
  Linear:
    Type: AWS::CodeDeploy::DeploymentConfig
    Properties:
      ComputePlatform: Lambda
      TrafficRoutingConfig:
        Type: TimeBasedLinear
        TimeBasedLinear: {LinearPercentage: 25, LinearInterval: 1}
  Instant:
    Type: AWS::CodeDeploy::DeploymentConfig
    Properties: {ComputePlatform: Lambda}
  ForEc2:
    Type: AWS::CodeDeploy::DeploymentConfig
    Properties: {ComputePlatform: Server}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: r
      AutoPublishAlias: live
      DeploymentPreference:
        Type: !Ref Linear
)");
  REQUIRE(stack.deployment_configs.size() == 3);
  const auto& canary = stack.deployment_configs[0];
  CHECK(canary.name == "Canary20Percent3Minutes");
  CHECK(canary.kind == DeploymentConfigSpec::Kind::kCanary);
  CHECK(canary.percentage == 20);
  CHECK(canary.interval_minutes == 3);
  const auto& linear = stack.deployment_configs[1];
  CHECK(linear.name.starts_with("test-Linear-"));
  CHECK(linear.name.size() == std::string("test-Linear-").size() + 13);
  CHECK(linear.kind == DeploymentConfigSpec::Kind::kLinear);
  CHECK(linear.percentage == 25);
  CHECK(linear.interval_minutes == 1);
  CHECK(stack.deployment_configs[2].kind == DeploymentConfigSpec::Kind::kAllAtOnce);
  REQUIRE(stack.not_emulated.size() == 1);
  CHECK(stack.not_emulated[0].logical_id == "ForEc2");
  CHECK(stack.functions[0].deployment_preference->type == linear.name);
  CHECK(stack.warnings.empty());
}

TEST_CASE("template: DeploymentPreference: Enabled as a string, hooks by Ref, alarms") {
  const Stack stack = load_ok(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Hook:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: hook, Handler: h, Runtime: r}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: r
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Linear10PercentEvery1Minute
        Enabled: "true"
        Hooks: {PreTraffic: !Ref Hook, PostTraffic: external-hook}
        Alarms: [!Sub "${AWS::StackName}-errors"]
  Off:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: r
      DeploymentPreference: {Enabled: "False"}
)");
  const auto& preference = stack.functions[1].deployment_preference;
  REQUIRE(preference);
  CHECK(preference->enabled);
  CHECK(preference->pre_traffic_hook == stack.functions[0].function_name);
  CHECK(preference->post_traffic_hook == "external-hook");
  CHECK(preference->alarms == std::vector<std::string>{"test-errors"});
  CHECK(preference->where.line == 15);
  CHECK_FALSE(stack.functions[2].deployment_preference->enabled);
  // Alarms are read, and evaluated (docs/alarms.md): no warning any more.
  CHECK(stack.warnings.empty());
}

TEST_CASE("template: a DeploymentPreference Type CodeDeploy does not have is an error listing the "
          "valid ones, closest first") {
  auto stack = load(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: r
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Canary10Percent7Minutes
)", "test");
  REQUIRE_FALSE(stack.ok());
  CHECK(stack.error().message ==
        "t.yaml:12:15: Resources.Fn.Properties.DeploymentPreference.Type: \"Canary10Percent7Minutes\" "
        "is not a deployment configuration: neither one CodeDeploy predefines for Lambda nor an "
        "AWS::CodeDeploy::DeploymentConfig of this template, so CodeDeploy would refuse the "
        "deployment group. Use one of (closest first): Canary10Percent5Minutes, "
        "Canary10Percent30Minutes, Canary10Percent10Minutes, Canary10Percent15Minutes, "
        "Linear10PercentEvery2Minutes, Linear10PercentEvery3Minutes, Linear10PercentEvery10Minutes, "
        "Linear10PercentEvery1Minute, AllAtOnce");
}

TEST_CASE("template: function properties: CodeUri as a Bucket/Key map, sizes, concurrency, arm64") {
  const Stack stack = load_ok(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {Bucket: my-bucket, Key: code/fn.zip}
      Handler: h
      Runtime: r
      Timeout: "900"
      MemorySize: 10240
      ReservedConcurrentExecutions: 0
      Architectures: [arm64]
      Policies: [AWSLambdaBasicExecutionRole, {Statement: [{Resource: !GetAtt Elsewhere.Arn}]}]
)");
  const auto& function = stack.functions[0];
  CHECK(function.code_uri == "s3://my-bucket/code/fn.zip");
  CHECK(function.timeout_seconds == 900);
  CHECK(function.memory_mb == 10240);
  CHECK(function.reserved_concurrency == 0);
  CHECK(function.architectures == std::vector<std::string>{"arm64"});
  CHECK(function.where.line == 4);
  CHECK(function.where.column == 3);
}

TEST_CASE("template: warnings: unknown properties, not-emulated event types once per type, and Auth") {
  const Stack stack = load_ok(R"(
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: r
      Timout: 10
      Events:
        Queue1: {Type: SQS, Properties: {Queue: !GetAtt Q.Arn}}
        Queue2: {Type: SQS, Properties: {Queue: !GetAtt Q.Arn}}
        Sns: {Type: SNS, Properties: {Topic: arn:aws:sns:us-east-1:123456789012:t}}
        Get:
          Type: Api
          Properties: {Path: /x, Method: get, Auth: {ApiKeyRequired: true}}
  Q: {Type: AWS::SQS::Queue}
)");
  REQUIRE(stack.warnings.size() == 5);
  CHECK(stack.warnings[0] ==
        "t.yaml:2:1: Transform: the template uses AWS::Serverless resources but does not declare "
        "Transform: AWS::Serverless-2016-10-31; CloudFormation would reject it.");
  CHECK(stack.warnings[1] ==
        "t.yaml:9:7: Resources.Fn.Properties.Timout: 'Timout' is not a property of "
        "AWS::Serverless::Function that the emulator knows; it is ignored.");
  CHECK(stack.warnings[2] ==
        "t.yaml:11:17: Resources.Fn.Properties.Events.Queue1: event type 'SQS' is not emulated: the "
        "event is kept but never fires (reported once per type).");
  CHECK(stack.warnings[3] ==
        "t.yaml:13:14: Resources.Fn.Properties.Events.Sns: event type 'SNS' is not emulated: the "
        "event is kept but never fires (reported once per type).");
  CHECK(stack.warnings[4] ==
        "t.yaml:16:70: Resources.Fn.Properties.Events.Get.Properties.Auth.ApiKeyRequired: API "
        "keys are not emulated yet: requests without x-api-key pass here, while API Gateway "
        "answers 403 (docs/auth.md).");
  CHECK(stack.functions[0].api_events.size() == 1);
}

TEST_CASE("template: the implicit ServerlessRestApi exists only when an Api event has no RestApiId") {
  const std::string with_explicit_api = R"(
Resources:
  MyApi:
    Type: AWS::Serverless::Api
    Properties: {StageName: v1}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: r
      Events:
        Get: {Type: Api, Properties: {Path: /x, Method: get, RestApiId: !Ref MyApi}}
Outputs:
  Url:
    Value: !Sub "https://${ServerlessRestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"
)";
  auto stack = load(with_explicit_api);
  REQUIRE_FALSE(stack.ok());
  CHECK(stack.error().message ==
        "t.yaml:16:12: Outputs.Url.Value.Fn::Sub: 'ServerlessRestApi' is not a parameter, pseudo "
        "parameter or resource of this template");

  const Stack implicit = load_ok(R"(
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: r
      Events:
        Get: {Type: Api, Properties: {Path: /x, Method: get}}
Outputs:
  Url:
    Value: !Sub "https://${ServerlessRestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"
    Description: !Sub "root ${ServerlessRestApi.RootResourceId}"
    Export: {Name: !Sub "${AWS::StackName}-Url"}
)");
  REQUIRE(implicit.apis.size() == 1);
  CHECK(implicit.apis[0].where.line == 10);
  CHECK(implicit.outputs[0].value ==
        "https://" + implicit.apis[0].api_id + ".execute-api.us-east-1.amazonaws.com/");
  CHECK(implicit.outputs[0].export_name == "test-Url");
  CHECK(implicit.outputs[0].description.size() == std::string("root ").size() + 10);
}

TEST_CASE("template: SAM's generated role is a valid Ref and GetAtt target for a function without Role") {
  const Stack stack = load_ok(R"(
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src, Handler: h, Runtime: r}
Outputs:
  RoleArn:
    Value: !GetAtt FnRole.Arn
  RoleName:
    Value: !Ref FnRole
)");
  const std::string name = stack.outputs[1].value;
  CHECK(name.starts_with("test-FnRole-"));
  CHECK(stack.outputs[0].value == "arn:aws:iam::123456789012:role/" + name);
}

TEST_CASE("template: generated function names stay within Lambda's 64 characters for long stack names") {
  const std::string long_stack(100, 'a');
  const Stack stack = load_ok(R"(
Resources:
  AVeryLongLogicalIdForAFunction:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src, Handler: h, Runtime: r}
)", long_stack);
  const std::string& name = stack.functions[0].function_name;
  CHECK(name.size() == 64);
  CHECK(name.starts_with(std::string(50, 'a') + "-"));
}

TEST_CASE("template: a chain of references deeper than the evaluation limit is an error, not a crash") {
  std::string yaml = "Resources:\n";
  for (int i = 0; i < 300; ++i) {
    yaml += "  F" + std::to_string(i) + ":\n    Type: AWS::Serverless::Function\n"
            "    Properties: {CodeUri: c, Handler: h, Runtime: r";
    if (i < 299) yaml += ", FunctionName: !Ref F" + std::to_string(i + 1);
    yaml += "}\n";
  }
  auto stack = load(yaml);
  REQUIRE_FALSE(stack.ok());
  CHECK(stack.error().message.find(
            "intrinsic functions and the references they follow nest more than 256 levels deep") !=
        std::string::npos);
}

TEST_CASE("template: no prefix or byte change of template.yaml makes the loader crash or throw") {
  std::ifstream file(TEST_SOURCE_DIR "/../template.yaml");
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string text = buffer.str();
  REQUIRE(text.size() > 1000);
  int loaded = 0;
  for (std::size_t length = 0; length <= text.size(); length += 11) {
    auto stack = load(text.substr(0, length));
    loaded += stack.ok() ? 1 : 0;
  }
  const char replacements[] = {'\0', ':', '[', '{', '!', '"', '\n', ' ', '-', '\xff'};
  for (std::size_t position = 0; position < text.size(); position += 17) {
    std::string mutated = text;
    mutated[position] = replacements[position % sizeof replacements];
    (void)load(mutated);
  }
  CHECK(load(text).ok());
  CHECK(loaded > 0);
}

TEST_CASE("template: Layers: a Ref to a LayerVersion of the template gives its ContentUri, an ARN a warning") {
  const Stack stack = load_ok(R"(
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Handler: app.handler
Resources:
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/shared/
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Layers:
        - !Ref Shared
        - arn:aws:lambda:us-east-1:123456789012:layer:elsewhere:3
)");
  REQUIRE(stack.functions.size() == 1);
  const auto& layers = stack.functions[0].layers;
  REQUIRE(layers.size() == 2);
  CHECK(layers[0].layer_logical_id == "Shared");
  CHECK(layers[0].content_uri == "layers/shared/");
  CHECK(layers[0].arn.empty());
  CHECK(layers[0].where.line == 17);
  CHECK(layers[1].layer_logical_id.empty());
  CHECK(layers[1].arn == "arn:aws:lambda:us-east-1:123456789012:layer:elsewhere:3");
  bool warned = false;
  for (const auto& warning : stack.warnings)
    warned = warned || (warning.find("t.yaml:18:11: Resources.Fn.Properties.Layers[1]: layer "
                                     "arn:aws:lambda:us-east-1:123456789012:layer:elsewhere:3 is "
                                     "not in this template") != std::string::npos);
  CHECK(warned);
  // The layer resource is served through its functions, not listed as not emulated.
  for (const auto& other : stack.not_emulated) CHECK(other.logical_id != "Shared");
}

TEST_CASE("template: Layers: a layer without ContentUri, or Layers that is not a list, is an error") {
  auto no_content = load(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      LayerName: shared
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Runtime: python3.12
      Handler: app.handler
      Layers: [!Ref Shared]
)");
  REQUIRE_FALSE(no_content.ok());
  CHECK(no_content.error().message.find("t.yaml:4:3: Resources.Shared: a layer needs ContentUri") !=
        std::string::npos);
  auto not_a_list = load(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Runtime: python3.12
      Handler: app.handler
      Layers: arn:aws:lambda:us-east-1:123456789012:layer:x:1
)");
  REQUIRE_FALSE(not_a_list.ok());
  CHECK(not_a_list.error().message.find("Resources.Fn.Properties.Layers: expected a list of layers") !=
        std::string::npos);
}

TEST_SUITE_END();

TEST_CASE("template: Api properties that change answers but are not emulated are each named with "
          "what differs, on explicit APIs and, through Globals.Api, on the implicit one") {
  const Stack stack = load_ok(R"(
Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    GatewayResponses: {}
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      MethodSettings: []
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: r
      Events:
        Implicit: {Type: Api, Properties: {Path: /a, Method: get}}
        Explicit: {Type: Api, Properties: {Path: /b, Method: get, RestApiId: !Ref Api}}
)");
  const std::vector<std::string> expected = {
      "t.yaml:5:5: Resources.Api.Properties.GatewayResponses: 'GatewayResponses' is not emulated "
      "yet: gateway errors keep API Gateway's default status, headers and bodies "
      "(docs/api-gateway.md).",
      "t.yaml:11:7: Resources.Api.Properties.MethodSettings: 'MethodSettings' is not emulated "
      "yet: throttling, caching and logging settings are not applied (docs/api-gateway.md).",
      "t.yaml:5:5: Globals.Api.GatewayResponses: 'GatewayResponses' is not emulated yet: gateway "
      "errors keep API Gateway's default status, headers and bodies (docs/api-gateway.md).",
  };
  CHECK(stack.warnings == expected);
}

TEST_CASE("template: CodeDeploy's own configuration names are valid DeploymentPreference Types") {
  const Stack stack = load_ok(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: r
      AutoPublishAlias: live
      DeploymentPreference:
        Type: CodeDeployDefault.LambdaCanary10Percent5Minutes
)");
  CHECK(stack.functions[0].deployment_preference->type ==
        "CodeDeployDefault.LambdaCanary10Percent5Minutes");
  CHECK(stack.warnings.empty());
}
