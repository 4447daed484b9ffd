// AWS::CloudWatch::Alarm in a template (emulator/template/alarm_resource.h): read and checked with
// CloudFormation's rules, Ref gives the alarm's name (given or generated), a DeploymentPreference
// names alarms by Ref, and what the emulator cannot evaluate loads with the reason.
#include <doctest/doctest.h>

#include <string>

#include "emulator/template/loader.h"

namespace {

using emu::tmpl::Stack;

emu::Result<Stack> load(const std::string& yaml) {
  emu::tmpl::LoadOptions options;
  options.stack_name = "shop";
  return emu::tmpl::load_stack_from_string(yaml, "t.yaml", options);
}

const std::string kHeader = R"(Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: whodis.zip
      Handler: bootstrap
      Runtime: provided.al2023
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Canary10Percent5Minutes
        Alarms:
          - !Ref ErrorsAlarm
)";

std::string with_alarm(const std::string& properties) {
  return kHeader + "  ErrorsAlarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n" + properties;
}

const std::string kValid = R"(      MetricName: Errors
      Namespace: AWS/Lambda
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 2
      DatapointsToAlarm: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
      TreatMissingData: notBreaching
      Dimensions:
        - Name: Resource
          Value: !Sub '${Fn}:live'
        - Name: FunctionName
          Value: !Ref Fn
)";

}  // namespace

TEST_CASE("template: an alarm on a function's alias is read, and the DeploymentPreference names it") {
  auto stack = load(with_alarm(kValid));
  REQUIRE_MESSAGE(stack.ok(), (stack.ok() ? "" : stack.error().message));
  REQUIRE(stack->alarms.size() == 1);
  const auto& alarm = stack->alarms[0];
  const std::string function = stack->functions[0].function_name;
  CHECK(alarm.name.rfind("shop-ErrorsAlarm-", 0) == 0);  // generated, as CloudFormation does
  CHECK(alarm.metric_name == "Errors");
  CHECK(alarm.statistic == "Sum");
  CHECK(alarm.period_s == 60);
  CHECK(alarm.evaluation_periods == 2);
  CHECK(alarm.datapoints_to_alarm == 1);
  CHECK(alarm.threshold == 1.0);
  CHECK(alarm.treat_missing_data == "notBreaching");
  REQUIRE(alarm.dimensions.size() == 2);
  CHECK(alarm.dimensions[0] == std::pair<std::string, std::string>{"Resource", function + ":live"});
  CHECK(alarm.not_evaluated.empty());
  REQUIRE(stack->functions[0].deployment_preference);
  CHECK(stack->functions[0].deployment_preference->alarms == std::vector<std::string>{alarm.name});
}

TEST_CASE("template: AlarmName is the name Ref gives, DatapointsToAlarm defaults to EvaluationPeriods") {
  auto stack = load(with_alarm("      AlarmName: whodis-errors\n" + kValid));
  REQUIRE(stack.ok());
  CHECK(stack->alarms[0].name == "whodis-errors");
  CHECK(stack->functions[0].deployment_preference->alarms == std::vector<std::string>{"whodis-errors"});
  std::string without = kValid;
  without.erase(without.find("      DatapointsToAlarm: 1\n"), std::string("      DatapointsToAlarm: 1\n").size());
  auto defaulted = load(with_alarm(without));
  REQUIRE(defaulted.ok());
  CHECK(defaulted->alarms[0].datapoints_to_alarm == 2);
}

TEST_CASE("template: a wrong alarm is an error at the property, with what is expected") {
  auto replace = [](std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
  };
  struct Case {
    std::string properties;
    std::string message;
  };
  std::vector<Case> cases = {
      {replace(kValid, "GreaterThanOrEqualToThreshold", "Bigger"),
       "Resources.ErrorsAlarm.Properties.ComparisonOperator: expected GreaterThanOrEqualToThreshold"},
      {replace(kValid, "Statistic: Sum", "Statistic: Total"),
       "Resources.ErrorsAlarm.Properties.Statistic: expected SampleCount, Average, Sum, Minimum or Maximum, got \"Total\""},
      {replace(kValid, "Statistic: Sum", "Statistic: Sum\n      ExtendedStatistic: p99"),
       "exactly one of Statistic and ExtendedStatistic"},
      {replace(kValid, "Period: 60", "Period: 90"), "expected 10, 20, 30 or a multiple of 60, got 90"},
      {replace(kValid, "Period: 60", "Period: 86400"), "must not exceed one day"},
      {replace(kValid, "DatapointsToAlarm: 1", "DatapointsToAlarm: 3"),
       "Resources.ErrorsAlarm.Properties.DatapointsToAlarm: expected an integer from 1 to 2"},
      {replace(kValid, "Threshold: 1", "Threshold: lots"), "Threshold: expected a number, got \"lots\""},
      {replace(kValid, "TreatMissingData: notBreaching", "TreatMissingData: NotBreaching"),
       "expected breaching, notBreaching, ignore or missing"},
      {replace(kValid, "      Period: 60\n", ""), "Period is required with MetricName"},
      {replace(kValid, "        - Name: FunctionName\n          Value: !Ref Fn\n",
               "        - Name: FunctionName\n"),
       "a dimension needs Name and Value"},
  };
  for (const auto& c : cases) {
    auto stack = load(with_alarm(c.properties));
    REQUIRE_FALSE(stack.ok());
    INFO(stack.error().message);
    CHECK(stack.error().message.find("t.yaml:") == 0);
    CHECK(stack.error().message.find(c.message) != std::string::npos);
  }
}

TEST_CASE("template: metric math and anomaly bands load, and say why they are not evaluated") {
  auto math = load(with_alarm(R"(      EvaluationPeriods: 1
      Threshold: 5
      ComparisonOperator: GreaterThanThreshold
      Metrics:
        - Id: e1
          Expression: m1 / 2
)"));
  REQUIRE_MESSAGE(math.ok(), (math.ok() ? "" : math.error().message));
  CHECK(math->alarms[0].not_evaluated.find("metric math") != std::string::npos);
  auto band = load(with_alarm(R"(      EvaluationPeriods: 1
      ComparisonOperator: LessThanLowerOrGreaterThanUpperThreshold
      ThresholdMetricId: ad1
      Metrics:
        - Id: ad1
          Expression: ANOMALY_DETECTION_BAND(m1, 2)
)"));
  REQUIRE_MESSAGE(band.ok(), (band.ok() ? "" : band.error().message));
  CHECK_FALSE(band->alarms[0].not_evaluated.empty());
  auto trimmed = load(with_alarm([] {
    std::string text = kValid;
    text.replace(text.find("Statistic: Sum"), 14, "ExtendedStatistic: tm90");
    return text;
  }()));
  REQUIRE_MESSAGE(trimmed.ok(), (trimmed.ok() ? "" : trimmed.error().message));
  CHECK(trimmed->alarms[0].not_evaluated.find("not a percentile") != std::string::npos);
}
