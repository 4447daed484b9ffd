// Intrinsic functions and pseudo parameters, each through a whole template: the expression is an
// environment variable of a function, so the test sees exactly what the emulator would use.
#include <doctest/doctest.h>

#include <string>

#include "emulator/template/loader.h"

namespace {

using emu::tmpl::LoadOptions;
using emu::tmpl::Stack;

// A template with parameters, a mapping, conditions and resources to refer to; the function Fn
// has the environment variable V set to `expression`.
std::string template_with(const std::string& expression) {
  return R"(
Parameters:
  Stage: {Type: String, Default: dev}
  Names: {Type: CommaDelimitedList, Default: "a, b,c"}
  Count: {Type: Number, Default: 3}
Mappings:
  Regions:
    us-east-1: {Ami: ami-123, Zones: [x, y]}
Conditions:
  IsDev: !Equals [!Ref Stage, dev]
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: v1}
  Queue:
    Type: AWS::SQS::Queue
  Other:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: o, Handler: h, Runtime: r, FunctionName: other-fn, AutoPublishAlias: live}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: provided.al2023
      Environment:
        Variables:
          V: )" + expression + "\n";
}

emu::Result<Stack> load(const std::string& yaml, const std::string& region = "us-east-1") {
  LoadOptions options;
  options.stack_name = "test";
  options.region = region;
  return emu::tmpl::load_stack_from_string(yaml, "t.yaml", options);
}

// The value V of Fn, or the error message.
std::string evaluate(const std::string& expression, const std::string& region = "us-east-1") {
  auto stack = load(template_with(expression), region);
  if (!stack.ok()) return "ERROR " + stack.error().message;
  const auto* function = stack->find_function("Fn");
  if (!function) return "ERROR no function";
  const auto found = function->environment.find("V");
  return found == function->environment.end() ? "<absent>" : found->second;
}

struct Case {
  const char* expression;
  const char* expected;
};

void check_cases(const std::initializer_list<Case>& cases) {
  for (const auto& c : cases) {
    CAPTURE(std::string(c.expression));
    CHECK(evaluate(c.expression) == c.expected);
  }
}

}  // namespace

TEST_SUITE_BEGIN("template");

TEST_CASE("template: Ref gives a parameter's value, a list parameter's items, and AWS::NoValue removes") {
  check_cases({
      {"!Ref Stage", "dev"},
      {"!Ref Count", "3"},
      {"!Join [\",\", !Ref Names]", "a,b,c"},
      {"{Ref: Stage}", "dev"},
      {"!Ref AWS::NoValue", "<absent>"},
  });
}

TEST_CASE("template: pseudo parameters have the local stack's values") {
  check_cases({
      {"!Ref AWS::Region", "us-east-1"},
      {"!Ref AWS::AccountId", "123456789012"},
      {"!Ref AWS::StackName", "test"},
      {"!Ref AWS::Partition", "aws"},
      {"!Ref AWS::URLSuffix", "amazonaws.com"},
      {"!Join [\"\", !Ref AWS::NotificationARNs]", ""},
  });
  const std::string stack_id = evaluate("!Ref AWS::StackId");
  const std::string prefix = "arn:aws:cloudformation:us-east-1:123456789012:stack/test/";
  REQUIRE(stack_id.starts_with(prefix));
  const std::string uuid = stack_id.substr(prefix.size());
  CHECK(uuid.size() == 36);
  CHECK(uuid[8] == '-');
  CHECK(uuid[23] == '-');
  CHECK(evaluate("!Ref AWS::StackId") == stack_id);
}

TEST_CASE("template: AWS::Partition and AWS::URLSuffix follow the region (China, GovCloud)") {
  CHECK(evaluate("!Ref AWS::Partition", "cn-north-1") == "aws-cn");
  CHECK(evaluate("!Ref AWS::URLSuffix", "cn-north-1") == "amazonaws.com.cn");
  CHECK(evaluate("!Ref AWS::Partition", "us-gov-west-1") == "aws-us-gov");
  CHECK(evaluate("!Ref AWS::URLSuffix", "us-gov-west-1") == "amazonaws.com");
  CHECK(evaluate("!GetAtt Other.Arn", "cn-north-1") ==
        "arn:aws-cn:lambda:cn-north-1:123456789012:function:other-fn");
}

TEST_CASE("template: Ref and GetAtt of a function give its name, ARN, version ARN and alias ARN") {
  check_cases({
      {"!Ref Other", "other-fn"},
      {"!GetAtt Other.Arn", "arn:aws:lambda:us-east-1:123456789012:function:other-fn"},
      {"!GetAtt [Other, Arn]", "arn:aws:lambda:us-east-1:123456789012:function:other-fn"},
      {"{\"Fn::GetAtt\": [Other, !Sub \"A${AWS::NoValue}rn\"]}", "ERROR t.yaml:29:37: Resources.Fn.Properties.Environment.Variables.V.Fn::GetAtt[1].Fn::Sub: Fn::Sub: ${AWS::NoValue} is AWS::NoValue, which cannot be substituted"},
      {"!Ref Other.Version", "arn:aws:lambda:us-east-1:123456789012:function:other-fn:1"},
      {"!Ref Other.Alias", "arn:aws:lambda:us-east-1:123456789012:function:other-fn:live"},
      {"!Sub \"${Other.Version}\"", "arn:aws:lambda:us-east-1:123456789012:function:other-fn:1"},
      {"!Sub \"${Other.Arn}\"", "arn:aws:lambda:us-east-1:123456789012:function:other-fn"},
  });
}

TEST_CASE("template: a function without FunctionName is named <stack>-<LogicalId>-<13 stable upper alnum>") {
  auto good = load(template_with("x"));
  REQUIRE(good.ok());
  const std::string name = good->find_function("Fn")->function_name;
  REQUIRE(name.starts_with("test-Fn-"));
  const std::string suffix = name.substr(8);
  CHECK(suffix.size() == 13);
  CHECK(suffix.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == std::string::npos);
}

TEST_CASE("template: Ref of an API gives its id; GetAtt RootResourceId a different stable id") {
  auto stack = load(template_with("!Sub \"${Api}/${Api.RootResourceId}\""));
  REQUIRE_MESSAGE(stack.ok(), (stack.ok() ? "" : stack.error().message));
  const std::string api_id = stack->find_api("Api")->api_id;
  CHECK(api_id.size() == 10);
  CHECK(api_id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") == std::string::npos);
  const std::string value = stack->find_function("Fn")->environment.at("V");
  REQUIRE(value.size() == 21);
  CHECK(value.substr(0, 10) == api_id);
  CHECK(value.substr(11) != api_id);
}

TEST_CASE("template: Ref and GetAtt of a resource that is not emulated give plausible values") {
  const std::string id = evaluate("!Ref Queue");
  CHECK(id.starts_with("test-Queue-"));
  CHECK(id.size() == std::string("test-Queue-").size() + 13);
  CHECK(evaluate("!GetAtt Queue.QueueName") == "arn:aws:sqs:us-east-1:123456789012:Queue/QueueName");
}

TEST_CASE("template: Sub substitutes parameters, pseudo parameters and resources, and keeps ${!Literal}") {
  check_cases({
      {"!Sub \"${Stage}-${AWS::Region}\"", "dev-us-east-1"},
      {"!Sub \"${!Literal}-${Stage}\"", "${Literal}-dev"},
      {"!Sub \"no variables\"", "no variables"},
      {"{\"Fn::Sub\": \"x${Stage}\"}", "xdev"},
      {"!Sub \"${Other}.${Queue.Arn}\"", "other-fn.arn:aws:sqs:us-east-1:123456789012:Queue/Arn"},
  });
}

TEST_CASE("template: Sub with a variable map substitutes ${Name} and keeps ${!Literal}") {
  check_cases({
      {"!Sub [\"${A}-${Stage}-${!A}\", {A: !Ref Count}]", "3-dev-${A}"},
      {"!Sub [\"${Stage}\", {Stage: shadowed}]", "shadowed"},
      {"!Sub [\"${B}\", {B: !Join [\"+\", [p, q]]}]", "p+q"},
  });
}

TEST_CASE("template: Join, Select and Split build and pick strings") {
  check_cases({
      {"!Join [\"-\", [a, !Ref Stage, c]]", "a-dev-c"},
      {"!Join [\"-\", [a, !Ref AWS::NoValue, c]]", "a-c"},
      {"!Join [\"\", []]", ""},
      {"{\"Fn::Join\": [\"-\", [a, b]]}", "a-b"},
      {"!Select [1, [x, y, z]]", "y"},
      {"!Select [\"0\", !Split [\",\", \"p,q\"]]", "p"},
      {"!Select [2, !Ref Names]", "c"},
      {"!Join [\"|\", !Split [\"::\", \"a::b::\"]]", "a|b|"},
      {"!Join [\"|\", !Split [\",\", \"\"]]", ""},
  });
}

TEST_CASE("template: If picks a branch by condition, and AWS::NoValue in a branch removes the value") {
  check_cases({
      {"!If [IsDev, yes, no]", "yes"},
      {"!If [IsProd, yes, no]", "no"},
      {"!If [IsProd, yes, !Ref AWS::NoValue]", "<absent>"},
      {"!Join [\",\", [a, !If [IsProd, b, !Ref AWS::NoValue], c]]", "a,c"},
  });
}

TEST_CASE("template: FindInMap, Base64 and GetAZs") {
  check_cases({
      {"!FindInMap [Regions, !Ref \"AWS::Region\", Ami]", "ami-123"},
      {"!Join [\",\", !FindInMap [Regions, us-east-1, Zones]]", "x,y"},
      {"!Base64 hello", "aGVsbG8="},
      {"!Base64 hi", "aGk="},
      {"!Base64 abc", "YWJj"},
      {"!Base64 {\"Fn::Sub\": \"${Stage}\"}", "ZGV2"},
      {"!Join [\",\", !GetAZs \"\"]", "us-east-1a,us-east-1b,us-east-1c"},
      {"!Select [0, !GetAZs eu-west-1]", "eu-west-1a"},
  });
}

TEST_CASE("template: each intrinsic reports a wrong argument with its expected shape and position") {
  const std::string at = "ERROR t.yaml:29:";
  const std::string path = ": Resources.Fn.Properties.Environment.Variables.V.";
  struct ErrorCase {
    const char* expression;
    std::string expected;
  };
  const ErrorCase cases[] = {
      {"!Ref [a]", at + "14" + path + "Ref: Ref expects the name of a parameter or resource, e.g. !Ref MyParameter, got a list"},
      {"!GetAtt Other", at + "14" + path + "Fn::GetAtt: Fn::GetAtt expects [LogicalId, Attribute] or \"LogicalId.Attribute\", got \"Other\""},
      {"!GetAtt [Other, Arn, X]", at + "14" + path + "Fn::GetAtt: Fn::GetAtt expects [LogicalId, Attribute] or \"LogicalId.Attribute\", got a list"},
      {"!GetAtt Other.Name", at + "14" + path + "Fn::GetAtt: AWS::Serverless::Function 'Other' has no attribute 'Name' the emulator knows; supported: Arn"},
      {"!GetAtt Api.Arn", at + "14" + path + "Fn::GetAtt: AWS::Serverless::Api 'Api' has no attribute 'Arn' the emulator knows; supported: RootResourceId"},
      {"!Join [\"-\"]", at + "14" + path + "Fn::Join: Fn::Join expects [delimiter, [value, ...]], got a list"},
      {"!Join [\"-\", a]", at + "26" + path + "Fn::Join[1]: expected a list, got \"a\""},
      {"!Join [\"-\", [[a]]]", at + "27" + path + "Fn::Join[1][0]: expected a string, got a list"},
      {"!Select [3, [a, b]]", at + "14" + path + "Fn::Select: Fn::Select's index 3 is out of range: the list has 2 items"},
      {"!Select [x, [a]]", at + "23" + path + "Fn::Select[0]: Fn::Select's index must be a non-negative integer, got \"x\""},
      {"!Split [\"\", abc]", at + "22" + path + "Fn::Split[0]: Fn::Split's delimiter must not be empty"},
      {"!Split [\",\", [a]]", at + "27" + path + "Fn::Split[1]: expected a string, got a list"},
      {"!If [IsDev, a]", at + "14" + path + "Fn::If: Fn::If expects [ConditionName, value if true, value if false], got a list"},
      {"!If [Nope, a, b]", at + "19" + path + "Fn::If[0]: condition 'Nope' is not declared in the Conditions section"},
      {"!FindInMap [Nope, a, b]", at + "14" + path + "Fn::FindInMap: Mappings has no map \"Nope\""},
      {"!FindInMap [Regions, eu-west-1, Ami]", at + "14" + path + "Fn::FindInMap: the map \"Regions\" has no key \"eu-west-1\""},
      {"!FindInMap [Regions, us-east-1, Nope]", at + "14" + path + "Fn::FindInMap: the map \"Regions\" has no key \"us-east-1\" > \"Nope\""},
      {"!Base64 [a]", at + "14" + path + "Fn::Base64: expected a string, got a list"},
      {"!Sub \"${Nope}\"", at + "14" + path + "Fn::Sub: 'Nope' is not a parameter, pseudo parameter or resource of this template"},
      {"!Sub \"${Stage\"", at + "14" + path + "Fn::Sub: Fn::Sub: \"${\" at character 1 has no closing '}'; write \"${!\" for a literal \"${\""},
      {"!Sub \"${Names}\"", at + "14" + path + "Fn::Sub: Fn::Sub: ${Names} is a list, but Fn::Sub substitutes strings only"},
      {"!Sub [a, b, c]", at + "14" + path + "Fn::Sub: Fn::Sub expects a string, or [string, {Name: value, ...}], got a list"},
      {"!Ref AWS::Nope", at + "14" + path + "Ref: unknown pseudo parameter 'AWS::Nope'; the pseudo parameters are AWS::AccountId, AWS::NotificationARNs, AWS::NoValue, AWS::Partition, AWS::Region, AWS::StackId, AWS::StackName, AWS::URLSuffix"},
      {"!Ref Fn.Version", at + "14" + path + "Ref: 'Fn.Version' exists only for a function with AutoPublishAlias; add AutoPublishAlias to Fn"},
      {"!ImportValue SharedVpc", at + "14: Resources.Fn.Properties.Environment.Variables.V: Fn::ImportValue is not supported locally: there are no other stacks to import from; pass the value as a parameter instead"},
      {"!Cidr [a, 1, 2]", at + "14: Resources.Fn.Properties.Environment.Variables.V: Fn::Cidr is not supported by the emulator; supported: Ref, Fn::Base64, Fn::FindInMap, Fn::GetAtt, Fn::GetAZs, Fn::If, Fn::Join, Fn::Select, Fn::Split, Fn::Sub (and in Conditions: Fn::And, Fn::Equals, Fn::Not, Fn::Or, Condition)"},
      {"{\"Fn::Frobnicate\": x}", at + "14: Resources.Fn.Properties.Environment.Variables.V: unknown intrinsic function 'Fn::Frobnicate'; supported: Ref, Fn::Base64, Fn::FindInMap, Fn::GetAtt, Fn::GetAZs, Fn::If, Fn::Join, Fn::Select, Fn::Split, Fn::Sub (and in Conditions: Fn::And, Fn::Equals, Fn::Not, Fn::Or, Condition)"},
      {"!Equals [a, a]", at + "14: Resources.Fn.Properties.Environment.Variables.V: Fn::Equals can only be used in the Conditions section; use Fn::If with a condition's name here"},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.expression));
    CHECK(evaluate(c.expression) == c.expected);
  }
}

TEST_SUITE_END();
