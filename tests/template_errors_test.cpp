// Broken templates: each is an Error (never a crash or an exception) whose message gives the file,
// the 1-based line and column, the path of the value and what was expected.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <string_view>

#include "emulator/template/loader.h"

namespace {

using namespace std::string_view_literals;

struct BrokenCase {
  const char* name;
  std::string yaml;
  std::map<std::string, std::string> overrides;
  const char* code;
  std::string message;
};

std::string deep_maps(int depth) {
  std::string text = "Resources: ";
  for (int i = 0; i < depth; ++i) text += "{a: ";
  text += "1";
  for (int i = 0; i < depth; ++i) text += "}";
  return text;
}

// Nine levels of ten aliases each: 10^9 values if expanded.
std::string billion_laughs() {
  std::string text = "Metadata:\n  l0: &l0 [lol]\n";
  for (int level = 1; level <= 9; ++level) {
    text += "  l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", *l" : "*l") + std::to_string(level - 1);
    text += "]\n";
  }
  return text + "Resources:\n  Q: {Type: AWS::SQS::Queue}\n";
}

emu::Result<emu::tmpl::Stack> load(const BrokenCase& c) {
  emu::tmpl::LoadOptions options;
  options.stack_name = "test";
  options.parameter_overrides = c.overrides;
  return emu::tmpl::load_stack_from_string(c.yaml, "t.yaml", options);
}

}  // namespace

TEST_SUITE_BEGIN("template");

TEST_CASE("template: every broken template is an error with its exact position and message") {
  const BrokenCase cases[] = {
      {"an empty file",
       std::string(""sv),
       {},
       "TemplateError", "t.yaml:1:1: the template is empty; expected a map with at least a Resources section"},
      {"a file with only a comment",
       std::string("# nothing here\n"sv),
       {},
       "TemplateError", "t.yaml:1:1: the template is empty; expected a map with at least a Resources section"},
      {"a root that is a list",
       std::string("- Resources\n- Outputs\n"sv),
       {},
       "TemplateError", "t.yaml:1:1: the template must be a map of sections (Resources, Parameters, ...), got a list"},
      {"a root that is a string",
       std::string("hello\n"sv),
       {},
       "TemplateError", "t.yaml:1:1: the template must be a map of sections (Resources, Parameters, ...), got \"hello\""},
      {"binary junk",
       std::string("\x7f\x45LF\x02\x01\x01\x00\x00garbage"sv),
       {},
       "TemplateError", "t.yaml:1:1: the template is not valid text (control character 0x7F); CloudFormation templates must be UTF-8 text without control characters"},
      {"invalid UTF-8",
       std::string("Resources:\n  Q: {Type: \xff}\n"sv),
       {},
       "TemplateError", "t.yaml:2:13: the template is not valid text (invalid UTF-8 byte 0xFF); CloudFormation templates must be UTF-8 text without control characters"},
      {"5,000-deep nesting of lists",
       R"(Resources: )" + std::string(5000, '[') + std::string(5000, ']'),
       {},
       "TemplateError", "t.yaml:1:267: values are nested more than 256 levels deep; the template engine does not read deeper"},
      {"5,000-deep nesting of maps",
       deep_maps(5000),
       {},
       "TemplateError", "t.yaml:1:1029: values are nested more than 256 levels deep"},
      {"a YAML syntax error",
       std::string("Resources: [a, b\nOutputs: {}\n"sv),
       {},
       "TemplateError", "t.yaml:2:8: invalid YAML: end of sequence flow not found"},
      {"a duplicate key",
       std::string("Resources:\n  Q: {Type: AWS::SQS::Queue}\n  Q: {Type: AWS::SNS::Topic}\n"sv),
       {},
       "TemplateError", "t.yaml:3:3: duplicate key \"Q\" (first at line 2, column 3); CloudFormation rejects duplicate keys, keep one"},
      {"an unknown short-form tag",
       std::string("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: !Frobnicate x}\n"sv),
       {},
       "TemplateError", "t.yaml:4:29: unknown tag '!Frobnicate'; CloudFormation's short forms are !Ref, !Condition, !Base64, !Cidr, !And, !Equals, !GetAtt, !GetAZs, !If, !ImportValue, !Join, !Not, !Or, !FindInMap, !Select, !Split, !Sub, !Transform, !Length, !ToJsonString, !ForEach"},
      {"a map key that is a list",
       std::string("Resources:\n  ? [a]\n  : b\n"sv),
       {},
       "TemplateError", "t.yaml:2:5: a map key must be a plain string, got a list"},
      {"two YAML documents",
       std::string("Resources:\n  Q: {Type: AWS::SQS::Queue}\n---\nResources: {}\n"sv),
       {},
       "TemplateError", "t.yaml:3:1: a template is a single YAML document, but a second one starts here; remove the '---' separator and what follows"},
      {"a billion laughs of YAML aliases",
       billion_laughs(),
       {},
       "TemplateError", "t.yaml:8:17: the template holds more than 500000 values (YAML aliases included); it is too large"},
      {"a template larger than 16 MiB",
       std::string(17 * 1024 * 1024, '#'),
       {},
       "TemplateError", "t.yaml: the template is larger than 16777216 bytes; CloudFormation accepts at most 1 MB"},
      {"an unknown top-level section",
       std::string("Resource:\n  Q: {Type: AWS::SQS::Queue}\n"sv),
       {},
       "TemplateError", "t.yaml:1:1: Resource: 'Resource' is not a template section; expected one of AWSTemplateFormatVersion, Description, Metadata, Parameters, Rules, Mappings, Conditions, Transform, Resources, Outputs, Globals, Hooks"},
      {"no Resources section",
       std::string("Description: nothing\n"sv),
       {},
       "TemplateError", "t.yaml:1:1: the template has no Resources section; CloudFormation requires one with at least one resource"},
      {"an empty Resources section",
       std::string("Resources: {}\n"sv),
       {},
       "TemplateError", "t.yaml:1:12: Resources: the Resources section is empty; CloudFormation requires at least one resource"},
      {"a resource without Type",
       std::string("Resources:\n  Q:\n    Properties: {}\n"sv),
       {},
       "TemplateError", "t.yaml:3:5: Resources.Q: every resource must have a Type"},
      {"a logical id that is not alphanumeric",
       std::string("Resources:\n  my-queue: {Type: AWS::SQS::Queue}\n"sv),
       {},
       "TemplateError", "t.yaml:2:3: Resources.my-queue: a logical id must be alphanumeric (A-Za-z0-9); rename the resource"},
      {"an unknown intrinsic function",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Timeout: {\"Fn::Frobnicate\": 3}\n"sv),
       {},
       "TemplateError", "t.yaml:8:16: Resources.Fn.Properties.Timeout: unknown intrinsic function 'Fn::Frobnicate'; supported: Ref, Fn::Base64, Fn::FindInMap, Fn::GetAtt, Fn::GetAZs, Fn::If, Fn::Join, Fn::Select, Fn::Split, Fn::Sub (and in Conditions: Fn::And, Fn::Equals, Fn::Not, Fn::Or, Condition)"},
      {"Fn::ImportValue",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      FunctionName: !ImportValue Shared\n"sv),
       {},
       "TemplateError", "t.yaml:8:21: Resources.Fn.Properties.FunctionName: Fn::ImportValue is not supported locally: there are no other stacks to import from; pass the value as a parameter instead"},
      {"NUL bytes",
       std::string("Resources:\x00\n"sv),
       {},
       "TemplateError", "t.yaml:1:11: the template is not valid text (control character 0x00); CloudFormation templates must be UTF-8 text without control characters"},
      {"a Ref to a logical id that does not exist",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Environment: {Variables: {X: !Ref Missing}}\n"sv),
       {},
       "TemplateError", "t.yaml:8:36: Resources.Fn.Properties.Environment.Variables.X.Ref: 'Missing' is not a parameter, pseudo parameter or resource of this template"},
      {"a GetAtt of a logical id that does not exist",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Environment: {Variables: {X: !GetAtt Missing.Arn}}\n"sv),
       {},
       "TemplateError", "t.yaml:8:36: Resources.Fn.Properties.Environment.Variables.X.Fn::GetAtt: 'Missing' is not a parameter, pseudo parameter or resource of this template"},
      {"a circular Ref through FunctionName",
       std::string("Resources:\n  A:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: a, Handler: h, Runtime: r, FunctionName: !Ref B}\n  B:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: b, Handler: h, Runtime: r, FunctionName: !Ref A}\n"sv),
       {},
       "TemplateError", "t.yaml:7:68: Resources.B.Properties.FunctionName.Ref: circular reference: A -> B -> A"},
      {"a circular Sub",
       std::string("Resources:\n  A:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: a, Handler: h, Runtime: r, FunctionName: !Sub \"${B}-a\"}\n  B:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: b, Handler: h, Runtime: r, FunctionName: !Sub \"${C}-b\"}\n  C:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: c, Handler: h, Runtime: r, FunctionName: !Sub \"${A}-c\"}\n"sv),
       {},
       "TemplateError", "t.yaml:10:68: Resources.C.Properties.FunctionName.Fn::Sub: circular reference: A -> B -> C -> A"},
      {"a circular GetAtt",
       std::string("Resources:\n  A:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: a, Handler: h, Runtime: r, FunctionName: !GetAtt B.Arn}\n  B:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: b, Handler: h, Runtime: r, FunctionName: !Select [6, !Split [\":\", !GetAtt A.Arn]]}\n"sv),
       {},
       "TemplateError", "t.yaml:7:93: Resources.B.Properties.FunctionName.Fn::Select[1].Fn::Split[1].Fn::GetAtt: circular reference: A -> B -> A"},
      {"a function whose name refers to itself",
       std::string("Resources:\n  A:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: a, Handler: h, Runtime: r, FunctionName: !Join [\"-\", [x, !Ref A]]}\n"sv),
       {},
       "TemplateError", "t.yaml:4:84: Resources.A.Properties.FunctionName.Fn::Join[1][1].Ref: circular reference: A -> A"},
      {"Timeout that is not a number",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Timeout: abc\n"sv),
       {},
       "TemplateError", "t.yaml:8:16: Resources.Fn.Properties.Timeout: expected an integer from 1 to 900, got \"abc\""},
      {"Timeout above 900",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Timeout: 901\n"sv),
       {},
       "TemplateError", "t.yaml:8:16: Resources.Fn.Properties.Timeout: expected an integer from 1 to 900, got \"901\""},
      {"MemorySize below 128",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      MemorySize: 64\n"sv),
       {},
       "TemplateError", "t.yaml:8:19: Resources.Fn.Properties.MemorySize: expected an integer from 128 to 10240, got \"64\""},
      {"ReservedConcurrentExecutions that is negative",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      ReservedConcurrentExecutions: -1\n"sv),
       {},
       "TemplateError", "t.yaml:8:37: Resources.Fn.Properties.ReservedConcurrentExecutions: expected an integer from 0 to 1000000, got \"-1\""},
      {"Environment Variables holding a list",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Environment:\n        Variables:\n          LIST: [a, b]\n"sv),
       {},
       "TemplateError", "t.yaml:10:17: Resources.Fn.Properties.Environment.Variables.LIST: expected a string, got a list"},
      {"an invalid FunctionName",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      FunctionName: my function\n"sv),
       {},
       "TemplateError", "t.yaml:8:21: Resources.Fn.Properties.FunctionName: a function name must be 1 to 64 letters, digits, '-' or '_', got \"my function\""},
      {"a function without code",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: h, Runtime: r}\n"sv),
       {},
       "TemplateError", "t.yaml:2:3: Resources.Fn: the function has no code: set CodeUri (here or in Globals.Function), InlineCode or ImageUri"},
      {"a function without Handler",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: src, Runtime: r}\n"sv),
       {},
       "TemplateError", "t.yaml:2:3: Resources.Fn: Handler is required for a .zip function; set it here or in Globals.Function"},
      {"Events that is a list",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Events:\n        - Type: Api\n"sv),
       {},
       "TemplateError", "t.yaml:9:9: Resources.Fn.Properties.Events: expected a map of event names to events, got a list"},
      {"an event without Type",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Events:\n        Get:\n          Properties: {Path: /x, Method: get}\n"sv),
       {},
       "TemplateError", "t.yaml:10:11: Resources.Fn.Properties.Events.Get: every event must have a Type"},
      {"an Api event without Path",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Events:\n        Get:\n          Type: Api\n          Properties: {Method: get}\n"sv),
       {},
       "TemplateError", "t.yaml:11:23: Resources.Fn.Properties.Events.Get.Properties: an Api event needs a Path (e.g. /items)"},
      {"an Api event Path without a leading slash",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Events:\n        Get:\n          Type: Api\n          Properties: {Path: items, Method: get}\n"sv),
       {},
       "TemplateError", "t.yaml:11:30: Resources.Fn.Properties.Events.Get.Properties.Path: a Path must start with '/', got \"items\""},
      {"an Api event with an unknown Method",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Events:\n        Get:\n          Type: Api\n          Properties: {Path: /x, Method: fetch}\n"sv),
       {},
       "TemplateError", "t.yaml:11:42: Resources.Fn.Properties.Events.Get.Properties.Method: expected an HTTP method (get, post, put, delete, patch, head, options or any), got \"fetch\""},
      {"RestApiId naming an API that does not exist",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Events:\n        Get:\n          Type: Api\n          Properties: {Path: /x, Method: get, RestApiId: !Ref MissingApi}\n"sv),
       {},
       "TemplateError", "t.yaml:11:58: Resources.Fn.Properties.Events.Get.Properties.RestApiId: 'MissingApi' is not an AWS::Serverless::Api of this template"},
      {"RestApiId that is a plain string",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Events:\n        Get:\n          Type: Api\n          Properties: {Path: /x, Method: get, RestApiId: abc123}\n"sv),
       {},
       "TemplateError", "t.yaml:11:58: Resources.Fn.Properties.Events.Get.Properties.RestApiId: expected !Ref of an AWS::Serverless::Api of this template, got \"abc123\""},
      {"RestApiId naming a resource that is not an API",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Events:\n        Get:\n          Type: Api\n          Properties: {Path: /x, Method: get, RestApiId: !Ref Q}\n  Q: {Type: AWS::SQS::Queue}\n"sv),
       {},
       "TemplateError", "t.yaml:11:58: Resources.Fn.Properties.Events.Get.Properties.RestApiId: 'Q' is not an AWS::Serverless::Api of this template (it is AWS::SQS::Queue)"},
      {"two functions on the same route",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Events:\n        Get: {Type: Api, Properties: {Path: /x, Method: get}}\n  Fn2:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      Events:\n        Again: {Type: Api, Properties: {Path: /x, Method: GET}}\n"sv),
       {},
       "TemplateError", "t.yaml:17:16: Resources.Fn2.Properties.Events.Again: GET /x on the API 'ServerlessRestApi' is already routed by Resources.Fn.Properties.Events.Get; each method and path of an API can have one function"},
      {"DeploymentPreference without AutoPublishAlias",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      DeploymentPreference: {Type: AllAtOnce}\n"sv),
       {},
       "TemplateError", "t.yaml:8:29: Resources.Fn.Properties.DeploymentPreference: 'DeploymentPreference' requires AutoPublishAlias property to be specified"},
      {"DeploymentPreference Enabled that is not a boolean",
       std::string("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: h\n      Runtime: r\n      AutoPublishAlias: live\n      DeploymentPreference: {Type: AllAtOnce, Enabled: maybe}\n"sv),
       {},
       "TemplateError", "t.yaml:9:56: Resources.Fn.Properties.DeploymentPreference.Enabled: expected true or false, got \"maybe\""},
      {"an Api without StageName",
       std::string("Resources:\n  MyApi:\n    Type: AWS::Serverless::Api\n    Properties: {Name: x}\n"sv),
       {},
       "TemplateError", "t.yaml:2:3: Resources.MyApi.Properties.StageName: StageName is required for an AWS::Serverless::Api (e.g. StageName: dev)"},
      {"a DeploymentConfig with a canary percentage of 100",
       std::string("Resources:\n  Config:\n    Type: AWS::CodeDeploy::DeploymentConfig\n    Properties:\n      ComputePlatform: Lambda\n      TrafficRoutingConfig:\n        Type: TimeBasedCanary\n        TimeBasedCanary: {CanaryPercentage: 100, CanaryInterval: 5}\n"sv),
       {},
       "TemplateError", "t.yaml:8:45: Resources.Config.Properties.TrafficRoutingConfig.TimeBasedCanary.CanaryPercentage: expected an integer from 1 to 99, got \"100\""},
      {"an output whose Value is a list",
       std::string("Resources:\n  Q: {Type: AWS::SQS::Queue}\nOutputs:\n  Zones:\n    Value: !GetAZs \"\"\n"sv),
       {},
       "TemplateError", "t.yaml:5:12: Outputs.Zones.Value: an output must be a string, got a list; join the list with Fn::Join"},
      {"an override for an undeclared parameter",
       std::string("Resources:\n  Q: {Type: AWS::SQS::Queue}\n"sv),
       {{"Stage", "prod"}},
       "ParameterError", "t.yaml:1:1: Parameters: [Stage] do not exist in the template"},
      {"a parameter without a value",
       std::string("Parameters:\n  Stage: {Type: String}\nResources:\n  Q: {Type: AWS::SQS::Queue}\n"sv),
       {},
       "ParameterError", "t.yaml:1:1: Parameters: [Stage] must have values"},
      {"a parameter value outside AllowedValues",
       std::string("Parameters:\n  Stage: {Type: String, Default: dev, AllowedValues: [dev, prod]}\nResources:\n  Q: {Type: AWS::SQS::Queue}\n"sv),
       {{"Stage", "qa"}},
       "ParameterError", "t.yaml:2:3: Parameters.Stage: value \"qa\" (from --parameter-overrides) is not one of AllowedValues [dev, prod]"},
      {"a name used by both a parameter and a resource",
       std::string("Parameters:\n  Q: {Type: String, Default: x}\nResources:\n  Q: {Type: AWS::SQS::Queue}\n"sv),
       {},
       "TemplateError", "t.yaml:4:3: Resources.Q: 'Q' names both a parameter and a resource; logical ids must be unique"},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    auto stack = load(c);
    if (stack.ok()) {
      FAIL_CHECK("the broken template loaded");
      continue;
    }
    CHECK(stack.error().code == c.code);
    CHECK(stack.error().message == c.message);
  }
}

TEST_SUITE_END();
