// The CloudWatch API (docs/alarms.md) driven by the real AWS CLI v2 (query protocol) and by a
// function's own boto3 (JSON protocol) against the real binary: the invocations a test sent come
// back from get-metric-statistics, set-alarm-state forces the rollback of a running canary,
// describe-alarms and describe-alarm-history show what happened, a function's EMF line and its
// PutMetricData become metrics, and bad input gets CloudWatch's errors.
#include <doctest/doctest.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "aws_cli.h"
#include "emulator_process.h"
#include "http_client.h"
#include "lambda_invoke.h"
#include "templates.h"

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json aws_ok(it::EmulatorProcess& emulator, const std::vector<std::string>& arguments) {
  auto result = it::run_aws(emulator, arguments);
  INFO("aws " << arguments.at(0) << " " << arguments.at(1) << ": " << result.describe()
              << "\n--- emulator stderr ---\n"
              << emulator.stderr_text());
  REQUIRE(result.exit_code == 0);
  return result.json();
}

// An ISO 8601 time `offset` from now (the emulator's clock is real time at --time-scale 1).
std::string iso_from_now(std::chrono::seconds offset) {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + offset);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// get-metric-statistics over the last and next hour as one datapoint: its Sum (0 when none).
double hourly_sum(it::EmulatorProcess& emulator, const std::string& ns, const std::string& metric,
                  const std::vector<std::string>& dimensions) {
  std::vector<std::string> arguments{"cloudwatch", "get-metric-statistics", "--namespace", ns,
                                     "--metric-name", metric, "--start-time",
                                     iso_from_now(-3600s), "--end-time", iso_from_now(3600s),
                                     "--period", "7200", "--statistics", "Sum"};
  if (!dimensions.empty()) arguments.push_back("--dimensions");
  arguments.insert(arguments.end(), dimensions.begin(), dimensions.end());
  auto out = aws_ok(emulator, arguments);
  double sum = 0;
  for (const auto& point : out["Datapoints"]) sum += point.value("Sum", 0.0);
  return sum;
}

}  // namespace

TEST_CASE("cloudwatch: the AWS CLI reads the invocations sent, and set-alarm-state rolls back a canary") {
  it::EmulatorProcess emulator(it::seed_template());
  auto alarms = aws_ok(emulator, {"cloudwatch", "describe-alarms"});
  REQUIRE(alarms["MetricAlarms"].size() == 1);
  const json alarm = alarms["MetricAlarms"][0];
  const std::string name = alarm["AlarmName"];
  CHECK(alarm["StateValue"] == "OK");  // no errors yet, missing data not breaching
  CHECK(alarm["Namespace"] == "AWS/Lambda");
  std::string function;
  for (const auto& d : alarm["Dimensions"])
    if (d["Name"] == "FunctionName") function = d["Value"];
  REQUIRE_FALSE(function.empty());

  for (int i = 0; i < 5; ++i) REQUIRE(it::get(emulator.url("/Prod/whodis")).status == 200);
  CHECK(hourly_sum(emulator, "AWS/Lambda", "Invocations", {"Name=FunctionName,Value=" + function}) == 5);
  CHECK(hourly_sum(emulator, "AWS/Lambda", "Invocations",
                   {"Name=FunctionName,Value=" + function, "Name=Resource,Value=" + function + ":live"}) == 5);
  CHECK(hourly_sum(emulator, "AWS/Lambda", "Errors", {"Name=FunctionName,Value=" + function}) == 0);
  auto api_metrics = aws_ok(emulator, {"cloudwatch", "list-metrics", "--namespace", "AWS/ApiGateway",
                                       "--metric-name", "Count"});
  REQUIRE(api_metrics["Metrics"].size() >= 1);

  // A canary at --time-scale 1 lasts five minutes: force the alarm while it runs.
  auto deployed = it::request("POST", it::aws_endpoint_of(emulator) + "/emulator/deploy",
                              {{"Content-Type", "application/json"}},
                              R"({"parameterOverrides":{"AppVersion":"v2"}})", 15s);
  INFO("POST /emulator/deploy: " << deployed.status << " " << deployed.body);
  REQUIRE(deployed.status == 200);
  std::string id;
  const json changes = json::parse(deployed.body)["changes"];
  for (const auto& change : changes)
    if (change.value("logicalId", "") == "WhoDisFunction") id = change.value("deploymentId", "");
  REQUIRE_FALSE(id.empty());
  CHECK(aws_ok(emulator, {"deploy", "get-deployment", "--deployment-id", id})["deploymentInfo"]["status"] ==
        "InProgress");
  // The next evaluation (each whole minute; the clock runs at real speed here) returns a forced
  // alarm to OK, as on AWS: force it early in a minute so that the checks below see ALARM.
  while (std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()) % 60 > 40)
    std::this_thread::sleep_for(500ms);
  aws_ok(emulator, {"cloudwatch", "set-alarm-state", "--alarm-name", name, "--state-value", "ALARM",
                    "--state-reason", "forced by the test"});
  auto info = aws_ok(emulator, {"deploy", "get-deployment", "--deployment-id", id})["deploymentInfo"];
  CHECK(info["status"] == "Stopped");
  CHECK(info["errorInformation"]["code"] == "ALARM_ACTIVE");
  CHECK(info["errorInformation"]["message"].get<std::string>().ends_with("Activated alarms: <" + name + ">"));
  CHECK_FALSE(info["rollbackInfo"]["rollbackDeploymentId"].get<std::string>().empty());
  auto group = aws_ok(emulator, {"deploy", "get-deployment-group", "--application-name",
                                 info["applicationName"], "--deployment-group-name",
                                 info["deploymentGroupName"]})["deploymentGroupInfo"];
  CHECK(group["alarmConfiguration"]["enabled"] == true);
  CHECK(group["alarmConfiguration"]["alarms"][0]["name"] == name);

  auto described = aws_ok(emulator, {"cloudwatch", "describe-alarms", "--alarm-names", name,
                                     "--state-value", "ALARM"});
  REQUIRE(described["MetricAlarms"].size() == 1);
  CHECK(described["MetricAlarms"][0]["StateReason"] == "forced by the test");
  auto history = aws_ok(emulator, {"cloudwatch", "describe-alarm-history", "--alarm-name", name});
  REQUIRE(history["AlarmHistoryItems"].size() >= 3);
  // Newest first; a later evaluation may already have added "ALARM to OK" before it.
  json forced;
  for (const auto& item : history["AlarmHistoryItems"])
    if (item["HistorySummary"] == "Alarm updated from OK to ALARM") {
      forced = item;
      break;
    }
  REQUIRE(forced.is_object());
  auto data = json::parse(forced["HistoryData"].get<std::string>());
  CHECK(data["newState"]["stateReason"] == "forced by the test");
  CHECK(history["AlarmHistoryItems"].back()["HistorySummary"] == "Alarm \"" + name + "\" created");

  // /whodis is back on v1 only.
  for (int i = 0; i < 10; ++i) {
    auto body = it::get(emulator.url("/Prod/whodis")).body;
    CHECK(json::parse(body)["version"] == "v1");
  }
}

TEST_CASE("cloudwatch: bad input gets CloudWatch's errors through the AWS CLI") {
  it::EmulatorProcess emulator(it::seed_template());
  struct Case {
    std::vector<std::string> arguments;
    const char* expected;
  };
  const Case cases[] = {
      {{"cloudwatch", "set-alarm-state", "--alarm-name", "no-such-alarm", "--state-value", "OK",
        "--state-reason", "x"},
       "(ResourceNotFound)"},
      {{"cloudwatch", "put-metric-data", "--namespace", "AWS/Lambda", "--metric-name", "M",
        "--value", "1"},
       "(InvalidParameterValue)"},
      {{"cloudwatch", "get-metric-statistics", "--namespace", "App", "--metric-name", "M",
        "--start-time", "2026-01-01T00:00:00Z", "--end-time", "2026-01-03T00:00:00Z", "--period",
        "60", "--statistics", "Sum"},
       "exceeds the limit of 1,440"},
      {{"cloudwatch", "put-metric-alarm", "--alarm-name", "a", "--namespace", "App",
        "--metric-name", "M", "--statistic", "Sum", "--period", "45", "--evaluation-periods", "1",
        "--threshold", "1", "--comparison-operator", "GreaterThanThreshold"},
       "(InvalidParameterValue)"},
      {{"cloudwatch", "delete-alarms", "--alarm-names", "no-such-alarm"}, "(ResourceNotFound)"},
  };
  for (const auto& c : cases) {
    auto result = it::run_aws(emulator, c.arguments);
    INFO(c.arguments[1] << ": " << result.describe());
    CHECK(result.exit_code != 0);
    CHECK(result.stderr_text.find(c.expected) != std::string::npos);
  }
  // The emulator is still serving, its state intact.
  CHECK(aws_ok(emulator, {"cloudwatch", "describe-alarms"})["MetricAlarms"].size() == 1);
}

TEST_CASE("cloudwatch: a Python function's EMF line and its boto3 PutMetricData become metrics") {
  DEFAULT_PASS_ONLY();
  it::EmulatorProcess emulator(it::test_template("python-functions.yaml"));
  for (int i = 0; i < 3; ++i) {
    auto answer = it::invoke_json(emulator, "MetricsFunction", nullptr,
                                  R"({"orders": 2, "revenue": 12.5})");
    INFO(answer.dump() << "\n" << emulator.stderr_text());
    REQUIRE(answer["ok"] == true);
  }
  CHECK(hourly_sum(emulator, "Shop", "Orders", {"Name=service,Value=checkout"}) == 6);
  CHECK(hourly_sum(emulator, "Shop", "Revenue", {"Name=service,Value=checkout"}) == 37.5);
  auto listed = aws_ok(emulator, {"cloudwatch", "list-metrics", "--namespace", "Shop"});
  CHECK(listed["Metrics"].size() == 2);
}
