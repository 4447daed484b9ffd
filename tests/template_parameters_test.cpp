// Parameters: declarations, --parameter-overrides (both syntaxes), types and constraints.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "emulator/template/loader.h"

namespace {

using emu::tmpl::LoadOptions;
using Overrides = std::map<std::string, std::string>;

// A template declaring parameter P as `declaration` (a flow map).
std::string template_with(const std::string& declaration) {
  return "Parameters:\n  P: " + declaration + "\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n";
}

// P's value in force, or "ERROR <code> <message>".
std::string value_of(const std::string& declaration, const Overrides& overrides = {}) {
  LoadOptions options;
  options.stack_name = "test";
  options.parameter_overrides = overrides;
  auto stack = emu::tmpl::load_stack_from_string(template_with(declaration), "t.yaml", options);
  if (!stack.ok()) return "ERROR " + stack.error().code + " " + stack.error().message;
  return stack->parameters.at("P");
}

}  // namespace

TEST_SUITE_BEGIN("template");

TEST_CASE("template: parse_parameter_overrides accepts Key=Value and ParameterKey=K,ParameterValue=V") {
  struct Case {
    std::vector<std::string> arguments;
    Overrides expected;
  };
  const Case cases[] = {
      {{}, {}},
      {{"A=1"}, {{"A", "1"}}},
      {{"A=x=y"}, {{"A", "x=y"}}},
      {{"A="}, {{"A", ""}}},
      {{"A=1", "B=2"}, {{"A", "1"}, {"B", "2"}}},
      {{"A=1 B=2"}, {{"A", "1"}, {"B", "2"}}},
      {{"A=\"x y\" B='p q'"}, {{"A", "x y"}, {"B", "p q"}}},
      {{"ParameterKey=A,ParameterValue=1"}, {{"A", "1"}}},
      {{"ParameterKey=A,ParameterValue=a=b,c"}, {{"A", "a=b,c"}}},
      {{"ParameterKey=A,ParameterValue=1 ParameterKey=B,ParameterValue=2"}, {{"A", "1"}, {"B", "2"}}},
      {{"A=1", "A=2"}, {{"A", "2"}}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.arguments.size());
    auto parsed = emu::tmpl::parse_parameter_overrides(c.arguments);
    REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().message));
    CHECK(parsed.value() == c.expected);
  }
}

TEST_CASE("template: parse_parameter_overrides rejects arguments of neither form, naming them") {
  struct Case {
    const char* argument;
    const char* message;
  };
  const Case cases[] = {
      {"novalue", "--parameter-overrides: \"novalue\" has no '='; expected Key=Value or ParameterKey=Key,ParameterValue=Value"},
      {"=x", "--parameter-overrides: \"=x\" does not start with a parameter name (letters and digits); expected Key=Value or ParameterKey=Key,ParameterValue=Value"},
      {"My-Param=1", "--parameter-overrides: \"My-Param=1\" does not start with a parameter name (letters and digits); expected Key=Value or ParameterKey=Key,ParameterValue=Value"},
      {"ParameterKey=A", "--parameter-overrides: \"ParameterKey=A\" has no ParameterValue; expected Key=Value or ParameterKey=Key,ParameterValue=Value"},
      {"A='x", "--parameter-overrides: \"A='x\" has an unclosed quote; expected Key=Value or ParameterKey=Key,ParameterValue=Value"},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.argument));
    auto parsed = emu::tmpl::parse_parameter_overrides({c.argument});
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == "ParameterError");
    CHECK(parsed.error().message == c.message);
  }
}

TEST_CASE("template: a parameter's value comes from the override, else from Default") {
  CHECK(value_of("{Type: String, Default: dev}") == "dev");
  CHECK(value_of("{Type: String, Default: dev}", {{"P", "qa"}}) == "qa");
  CHECK(value_of("{Type: String}", {{"P", ""}}) == "");
  CHECK(value_of("{Type: Number, Default: 42}") == "42");
  CHECK(value_of("{Type: CommaDelimitedList, Default: \"a, b ,c\"}") == "a, b ,c");
  CHECK(value_of("{Type: List<Number>, Default: \"1,2\"}") == "1,2");
  CHECK(value_of("{Type: AWS::EC2::VPC::Id, Default: vpc-1}") == "vpc-1");
  CHECK(value_of("{Type: List<AWS::EC2::Subnet::Id>, Default: \"s-1,s-2\"}") == "s-1,s-2");
  CHECK(value_of("{Type: AWS::SSM::Parameter::Value<String>, Default: /x/y}") == "/x/y");
}

TEST_CASE("template: parameter values that satisfy every constraint are accepted") {
  CHECK(value_of("{Type: String, Default: b, AllowedValues: [a, b]}") == "b");
  CHECK(value_of("{Type: String, Default: ab12, AllowedPattern: \"[a-z]+[0-9]+\"}") == "ab12");
  CHECK(value_of("{Type: String, Default: abc, MinLength: 3, MaxLength: 3}") == "abc");
  CHECK(value_of("{Type: Number, Default: 2.5, MinValue: 1, MaxValue: 3}") == "2.5");
  CHECK(value_of("{Type: CommaDelimitedList, Default: \"a,b\", AllowedValues: [a, b]}") == "a,b");
}

TEST_CASE("template: constraint violations name the parameter, the value, the constraint and its description") {
  struct Case {
    const char* declaration;
    Overrides overrides;
    const char* expected;
  };
  const Case cases[] = {
      {"{Type: String, Default: c, AllowedValues: [a, b]}", {},
       "ERROR ParameterError t.yaml:2:30: Parameters.P: value \"c\" (from Default) is not one of AllowedValues [a, b]"},
      {"{Type: String, Default: a, AllowedValues: [a, b], ConstraintDescription: pick a or b}", {{"P", "z"}},
       "ERROR ParameterError t.yaml:2:3: Parameters.P: value \"z\" (from --parameter-overrides) is not one of AllowedValues [a, b]; pick a or b"},
      {"{Type: String, Default: ab, AllowedPattern: \"[a-z]\"}", {},
       "ERROR ParameterError t.yaml:2:30: Parameters.P: value \"ab\" (from Default) does not match AllowedPattern \"[a-z]\""},
      {"{Type: String, Default: a, AllowedPattern: \"[a-\"}", {},
       "ERROR ParameterError t.yaml:2:49: Parameters.P.AllowedPattern: \"[a-\" is not a regular expression the emulator can use (Invalid end of '[x-x]' range in regular expression)"},
      {"{Type: String, Default: ab, MinLength: 3}", {},
       "ERROR ParameterError t.yaml:2:30: Parameters.P: value \"ab\" (from Default) is shorter than MinLength 3"},
      {"{Type: String, Default: abcd, MaxLength: 3}", {},
       "ERROR ParameterError t.yaml:2:30: Parameters.P: value \"abcd\" (from Default) is longer than MaxLength 3"},
      {"{Type: Number, Default: x}", {},
       "ERROR ParameterError t.yaml:2:30: Parameters.P: value \"x\" (from Default) is not a Number"},
      {"{Type: Number, Default: 0, MinValue: 1}", {},
       "ERROR ParameterError t.yaml:2:30: Parameters.P: value \"0\" (from Default) is less than MinValue 1"},
      {"{Type: Number, Default: 10, MaxValue: 9.5}", {},
       "ERROR ParameterError t.yaml:2:30: Parameters.P: value \"10\" (from Default) is greater than MaxValue 9.5"},
      {"{Type: List<Number>, Default: \"1,x\"}", {},
       "ERROR ParameterError t.yaml:2:36: Parameters.P: value \"x\" (from Default) is not a Number"},
      {"{Type: String, Default: a, MinLength: -1}", {},
       "ERROR ParameterError t.yaml:2:44: Parameters.P.MinLength: expected a non-negative integer, got \"-1\""},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.declaration));
    CHECK(value_of(c.declaration, c.overrides) == c.expected);
  }
}

TEST_CASE("template: overrides for undeclared parameters and parameters without a value are errors as in CloudFormation") {
  CHECK(value_of("{Type: String, Default: a}", {{"Nope", "1"}, {"Also", "2"}}) ==
        "ERROR ParameterError t.yaml:1:1: Parameters: [Also, Nope] do not exist in the template");
  CHECK(value_of("{Type: String}") ==
        "ERROR ParameterError t.yaml:1:1: Parameters: [P] must have values");
}

TEST_CASE("template: bad parameter declarations are errors naming the declaration") {
  CHECK(value_of("{Default: a}") ==
        "ERROR ParameterError t.yaml:2:6: Parameters.P: every parameter must have a Type");
  CHECK(value_of("{Type: Strin}") ==
        "ERROR ParameterError t.yaml:2:13: Parameters.P.Type: unknown parameter type \"Strin\"; "
        "expected String, Number, CommaDelimitedList, List<Number>, or an AWS-specific type such "
        "as AWS::EC2::VPC::Id");
  CHECK(value_of("{Type: String, Defualt: a}") ==
        "ERROR ParameterError t.yaml:2:21: Parameters.P.Defualt: 'Defualt' is not a parameter "
        "property; expected one of Type, Default, AllowedValues, AllowedPattern, "
        "ConstraintDescription, Description, MaxLength, MinLength, MaxValue, MinValue, NoEcho");
  CHECK(value_of("{Type: String, Default: [a]}") ==
        "ERROR ParameterError t.yaml:2:30: Parameters.P.Default: expected a string, got a list");
}

TEST_CASE("template: a CommaDelimitedList parameter is a list for Ref, with each item space-trimmed") {
  LoadOptions options;
  options.stack_name = "test";
  auto stack = emu::tmpl::load_stack_from_string(R"(
Parameters:
  Names: {Type: CommaDelimitedList, Default: " a , b"}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: c
      Handler: h
      Runtime: r
      Environment:
        Variables:
          FIRST: !Select [0, !Ref Names]
          COUNT: !Join ["|", !Ref Names]
)", "t.yaml", options);
  REQUIRE_MESSAGE(stack.ok(), (stack.ok() ? "" : stack.error().message));
  CHECK(stack->functions[0].environment.at("FIRST") == "a");
  CHECK(stack->functions[0].environment.at("COUNT") == "a|b");
  CHECK(stack->parameters.at("Names") == " a , b");
}

TEST_SUITE_END();
