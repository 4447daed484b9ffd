// SAM's Globals section: merged into every function and API by SAM's "Overridable" rules.
#include <doctest/doctest.h>

#include <string>

#include "emulator/template/loader.h"

namespace {

using emu::tmpl::LoadOptions;
using emu::tmpl::Stack;

emu::Result<Stack> load(const std::string& yaml) {
  LoadOptions options;
  options.stack_name = "test";
  return emu::tmpl::load_stack_from_string(yaml, "t.yaml", options);
}

Stack load_ok(const std::string& yaml) {
  auto stack = load(yaml);
  REQUIRE_MESSAGE(stack.ok(), (stack.ok() ? "" : stack.error().message));
  return std::move(stack.value());
}

std::string error_of(const std::string& yaml) {
  auto stack = load(yaml);
  return stack.ok() ? "<loaded>" : stack.error().message;
}

const char* kFunctionHeader = R"(
Parameters:
  Stage: {Type: String, Default: dev}
Conditions:
  IsDev: !Equals [!Ref Stage, dev]
)";

}  // namespace

TEST_SUITE_BEGIN("template");

TEST_CASE("template: Globals: maps are merged key by key and the resource wins a conflicting key") {
  const Stack stack = load_ok(std::string(kFunctionHeader) + R"(
Globals:
  Function:
    Runtime: provided.al2023
    Handler: bootstrap
    Environment:
      Variables: {A: global, B: global}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Environment:
        Variables: {B: resource, C: resource}
)");
  const auto& environment = stack.functions[0].environment;
  CHECK(environment == std::map<std::string, std::string>{
                           {"A", "global"}, {"B", "resource"}, {"C", "resource"}});
}

TEST_CASE("template: Globals: lists are appended, global items first; nested maps merge too") {
  const Stack stack = load_ok(R"(
Globals:
  Function:
    Runtime: r
    Handler: h
    AutoPublishAlias: live
    DeploymentPreference:
      Type: AllAtOnce
      Alarms: [GlobalAlarm]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      DeploymentPreference:
        Alarms: [OwnAlarm]
)");
  const auto& preference = stack.functions[0].deployment_preference;
  REQUIRE(preference);
  CHECK(preference->type == "AllAtOnce");
  CHECK(preference->alarms == std::vector<std::string>{"GlobalAlarm", "OwnAlarm"});
  CHECK(stack.functions[0].auto_publish_alias == "live");
}

TEST_CASE("template: Globals: a scalar on the resource wins, and a global scalar fills a missing one") {
  const Stack stack = load_ok(R"(
Globals:
  Function: {Runtime: r, Handler: h, Timeout: 5, MemorySize: 256, CodeUri: global/src}
Resources:
  Own:
    Type: AWS::Serverless::Function
    Properties: {Timeout: 10, CodeUri: own/src}
  Inherits:
    Type: AWS::Serverless::Function
)");
  CHECK(stack.functions[0].timeout_seconds == 10);
  CHECK(stack.functions[0].memory_mb == 256);
  CHECK(stack.functions[0].code_uri == "own/src");
  CHECK(stack.functions[0].code_uri_where.line == 7);
  CHECK(stack.functions[1].timeout_seconds == 5);
  CHECK(stack.functions[1].code_uri == "global/src");
  // An inherited CodeUri is located at the resource that inherits it.
  CHECK(stack.functions[1].code_uri_where.line == 8);
  CHECK(stack.functions[1].code_uri_where.column == 3);
}

TEST_CASE("template: Globals: an intrinsic function is a scalar, so the resource's value replaces it whole") {
  const Stack stack = load_ok(std::string(kFunctionHeader) + R"(
Globals:
  Function:
    Runtime: r
    Handler: h
    Environment:
      Variables: {A: global}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Environment: !If [IsDev, {Variables: {B: dev}}, !Ref AWS::NoValue]
  Other:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Environment:
        Variables: !If [IsDev, {C: dev}, {C: prod}]
)");
  CHECK(stack.functions[0].environment == std::map<std::string, std::string>{{"B", "dev"}});
  CHECK(stack.functions[1].environment == std::map<std::string, std::string>{{"C", "dev"}});
}

TEST_CASE("template: Globals: appended lists can break a property's own rule (two Architectures), as in SAM") {
  CHECK(error_of(R"(
Globals:
  Function: {Runtime: r, Handler: h, Architectures: [x86_64]}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src, Architectures: [arm64]}
)") == "t.yaml:7:47: Resources.Fn.Properties.Architectures: expected a list of one architecture, "
       "[x86_64] or [arm64]");
}

TEST_CASE("template: Globals: Api properties merge into explicit APIs and the implicit one") {
  // SAM's translator gives ServerlessRestApi Globals.Api's Name and its stage the Variables
  // (checked with samtranslator 1.110: RestApi Name "shared", Stage Variables {A: global}).
  const Stack stack = load_ok(R"(
Globals:
  Api:
    Name: shared
    Variables: {A: global}
Resources:
  MyApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      Variables: {B: own}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: r
      Events:
        Get: {Type: Api, Properties: {Path: /x, Method: get}}
)");
  REQUIRE(stack.apis.size() == 2);
  CHECK(stack.apis[0].logical_id == "ServerlessRestApi");
  CHECK(stack.apis[0].name == "shared");
  CHECK(stack.apis[0].stage_name == "Prod");
  CHECK(stack.apis[0].stage_variables == std::map<std::string, std::string>{{"A", "global"}});
  CHECK(stack.apis[1].name == "shared");
  CHECK(stack.apis[1].stage_variables ==
        std::map<std::string, std::string>{{"A", "global"}, {"B", "own"}});
}

TEST_CASE("template: Globals: IgnoreGlobals on a resource leaves out the named globals, or all with \"*\"") {
  const Stack stack = load_ok(R"(
Globals:
  Function: {Runtime: r, Handler: h, Timeout: 7, MemorySize: 512}
Resources:
  Some:
    Type: AWS::Serverless::Function
    IgnoreGlobals: [Timeout]
    Properties: {CodeUri: src}
  All:
    Type: AWS::Serverless::Function
    IgnoreGlobals: "*"
    Properties: {CodeUri: src, Runtime: r2, Handler: h2}
)");
  CHECK(stack.functions[0].timeout_seconds == 3);
  CHECK(stack.functions[0].memory_mb == 512);
  CHECK(stack.functions[1].timeout_seconds == 3);
  CHECK(stack.functions[1].memory_mb == 128);
  CHECK(stack.functions[1].runtime == "r2");
}

TEST_CASE("template: Globals: SimpleTable, LayerVersion and StateMachine sections are accepted silently") {
  const Stack stack = load_ok(R"(
Globals:
  HttpApi: {StageVariables: {A: b}}
  SimpleTable: {SSESpecification: {SSEEnabled: true}}
  LayerVersion: {}
  StateMachine: {}
Resources:
  Q:
    Type: AWS::SQS::Queue
)");
  CHECK(stack.warnings.empty());
}

TEST_CASE("template: Globals: a property or section SAM does not support there is an error in SAM's words") {
  CHECK(error_of("Globals:\n  Function:\n    Foo: 1\nResources:\n  Q: {Type: AWS::SQS::Queue}\n") ==
        "t.yaml:3:5: Globals.Function.Foo: 'Foo' is not a supported property of 'Function'. Must "
        "be one of the following values - [Handler, Runtime, CodeUri, DeadLetterQueue, "
        "Description, MemorySize, Timeout, VpcConfig, Environment, Tags, Tracing, KmsKeyArn, "
        "Layers, AutoPublishAlias, DeploymentPreference, PermissionsBoundary, "
        "ReservedConcurrentExecutions, ProvisionedConcurrencyConfig, AssumeRolePolicyDocument, "
        "EventInvokeConfig, Architectures, EphemeralStorage, SnapStart, RuntimeManagementConfig, "
        "LoggingConfig, RecursiveLoop, SourceKMSKeyArn, FunctionUrlConfig, "
        "AutoPublishAliasAllProperties, PropagateTags]");
  CHECK(error_of("Globals:\n  Api:\n    StageName: x\nResources:\n  Q: {Type: AWS::SQS::Queue}\n") ==
        "t.yaml:3:5: Globals.Api.StageName: 'StageName' is not a supported property of 'Api'. "
        "Must be one of the following values - [Auth, Name, DefinitionUri, CacheClusterEnabled, "
        "CacheClusterSize, Variables, EndpointConfiguration, MethodSettings, BinaryMediaTypes, "
        "MinimumCompressionSize, Cors, GatewayResponses, AccessLogSetting, CanarySetting, "
        "TracingEnabled, OpenApiVersion, Domain, AlwaysDeploy, PropagateTags]");
  CHECK(error_of("Globals:\n  Queue: {}\nResources:\n  Q: {Type: AWS::SQS::Queue}\n") ==
        "t.yaml:2:3: Globals.Queue: 'Queue' is not supported. Must be one of the following values "
        "- [Function, Api, HttpApi, SimpleTable, LayerVersion, StateMachine]");
  CHECK(error_of("Globals:\n  Function: [Timeout]\nResources:\n  Q: {Type: AWS::SQS::Queue}\n") ==
        "t.yaml:2:13: Globals.Function: expected a map of properties, got a list");
}

TEST_SUITE_END();
