// The Conditions section, resource and output Conditions, Fn::If and Mappings.
#include <doctest/doctest.h>

#include <string>

#include "emulator/template/loader.h"

namespace {

using emu::tmpl::LoadOptions;
using emu::tmpl::Stack;

emu::Result<Stack> load(const std::string& yaml, std::map<std::string, std::string> overrides = {}) {
  LoadOptions options;
  options.stack_name = "test";
  options.parameter_overrides = std::move(overrides);
  return emu::tmpl::load_stack_from_string(yaml, "t.yaml", options);
}

// A template whose condition C is `expression`; the queue Q exists iff C holds.
std::string template_with(const std::string& expression) {
  return R"(
Parameters:
  Stage: {Type: String, Default: dev}
  Names: {Type: CommaDelimitedList, Default: "a,b"}
Mappings:
  Stages:
    dev: {Big: "yes"}
    prod: {Big: "no"}
Conditions:
  IsDev: !Equals [!Ref Stage, dev]
  IsProd: !Equals [prod, !Ref Stage]
  C: )" + expression + R"(
Resources:
  Q:
    Type: AWS::SQS::Queue
    Condition: C
  Always:
    Type: AWS::SQS::Queue
)";
}

// "true"/"false" for whether C held, or the error message.
std::string holds(const std::string& expression) {
  auto stack = load(template_with(expression));
  if (!stack.ok()) return stack.error().message;
  return stack->not_emulated.size() == 2 ? "true" : "false";
}

}  // namespace

TEST_SUITE_BEGIN("template");

TEST_CASE("template: condition functions: Equals, Not, And, Or and Condition, with Ref and FindInMap inside") {
  struct Case {
    const char* expression;
    const char* expected;
  };
  const Case cases[] = {
      {"!Equals [!Ref Stage, dev]", "true"},
      {"!Equals [!Ref Stage, prod]", "false"},
      {"!Equals [!Ref Names, [a, b]]", "true"},
      {"!Equals [!FindInMap [Stages, !Ref Stage, Big], \"yes\"]", "true"},
      {"!Not [!Condition IsDev]", "false"},
      {"!Not [!Equals [a, b]]", "true"},
      {"!And [!Condition IsDev, !Not [!Condition IsProd]]", "true"},
      {"!And [!Condition IsDev, !Condition IsProd]", "false"},
      {"!Or [!Condition IsProd, !Condition IsDev]", "true"},
      {"!Or [!Condition IsProd, !Equals [x, y]]", "false"},
      {"{Condition: IsDev}", "true"},
      {"{\"Fn::Not\": [{\"Fn::Equals\": [a, a]}]}", "false"},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.expression));
    CHECK(holds(c.expression) == c.expected);
  }
}

TEST_CASE("template: bad conditions are errors with their position") {
  struct Case {
    const char* expression;
    const char* expected;
  };
  const Case cases[] = {
      {"!Equals [a]", "t.yaml:12:6: Conditions.C.Fn::Equals: Fn::Equals expects [value, value], got a list"},
      {"!Not [!Condition IsDev, !Condition IsDev]", "t.yaml:12:6: Conditions.C.Fn::Not: Fn::Not expects a list of one condition, got a list"},
      {"!And [!Condition IsDev]", "t.yaml:12:6: Conditions.C.Fn::And: Fn::And expects a list of 2 to 10 conditions, got a list"},
      {"!Or [a, b]", "t.yaml:12:11: Conditions.C.Fn::Or[0]: expected a condition: Fn::Equals, Fn::Not, Fn::And, Fn::Or or {Condition: Name}, got \"a\""},
      {"true", "t.yaml:12:6: Conditions.C: expected a condition: Fn::Equals, Fn::Not, Fn::And, Fn::Or or {Condition: Name}, got \"true\""},
      {"!Condition Missing", "t.yaml:12:6: Conditions.C.Condition: condition 'Missing' is not declared in the Conditions section"},
      {"!Condition C", "t.yaml:12:6: Conditions.C.Condition: circular condition reference: C -> C"},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.expression));
    CHECK(holds(c.expression) == c.expected);
  }
}

TEST_CASE("template: conditions referring to each other in a loop are an error showing the chain") {
  auto stack = load(R"(
Conditions:
  A: !Condition B
  B: !And [!Condition C, !Condition C]
  C: !Not [!Condition A]
Resources:
  Q: {Type: AWS::SQS::Queue}
)");
  REQUIRE_FALSE(stack.ok());
  CHECK(stack.error().message ==
        "t.yaml:5:12: Conditions.C.Fn::Not[0].Condition: circular condition reference: A -> B -> "
        "C -> A");
}

TEST_CASE("template: a resource whose Condition is false is left out; Fn::If guards references to it") {
  const std::string yaml = R"(
Parameters:
  Stage: {Type: String, Default: dev}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  ProdOnly:
    Type: AWS::Serverless::Function
    Condition: IsProd
    Properties: {CodeUri: p, Handler: h, Runtime: r}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: r
      Timeout: !If [IsProd, 30, !Ref AWS::NoValue]
      Environment:
        Variables:
          PEER: !If [IsProd, !Ref ProdOnly, none]
Outputs:
  ProdName:
    Condition: IsProd
    Value: !Ref ProdOnly
  FnName:
    Value: !Ref Fn
)";
  auto dev = load(yaml);
  REQUIRE_MESSAGE(dev.ok(), (dev.ok() ? "" : dev.error().message));
  REQUIRE(dev->functions.size() == 1);
  CHECK(dev->functions[0].logical_id == "Fn");
  CHECK(dev->functions[0].timeout_seconds == 3);
  CHECK(dev->functions[0].environment.at("PEER") == "none");
  REQUIRE(dev->outputs.size() == 1);
  CHECK(dev->outputs[0].key == "FnName");

  auto prod = load(yaml, {{"Stage", "prod"}});
  REQUIRE_MESSAGE(prod.ok(), (prod.ok() ? "" : prod.error().message));
  REQUIRE(prod->functions.size() == 2);
  CHECK(prod->functions[1].timeout_seconds == 30);
  CHECK(prod->functions[1].environment.at("PEER") == prod->functions[0].function_name);
  CHECK(prod->outputs.size() == 2);
}

TEST_CASE("template: an unguarded reference to a resource whose Condition is false is an error") {
  auto stack = load(R"(
Conditions:
  Never: !Equals [a, b]
Resources:
  Gone:
    Type: AWS::SQS::Queue
    Condition: Never
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: r
      Environment: {Variables: {Q: !Ref Gone}}
)");
  REQUIRE_FALSE(stack.ok());
  CHECK(stack.error().message ==
        "t.yaml:14:36: Resources.Fn.Properties.Environment.Variables.Q.Ref: resource 'Gone' is not "
        "created because its Condition 'Never' is false; guard this reference with Fn::If on that "
        "condition");
}

TEST_CASE("template: a resource Condition that is not declared is an error") {
  auto stack = load("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Condition: Nope\n");
  REQUIRE_FALSE(stack.ok());
  CHECK(stack.error().message ==
        "t.yaml:4:16: Resources.Q.Condition: condition 'Nope' is not declared in the Conditions "
        "section");
}

TEST_SUITE_END();
