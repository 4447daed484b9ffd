#include "emulator/cloudwatch/alarms.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "emulator/cloudwatch/alarm_definition.h"
#include "emulator/core/log.h"

using namespace emu;
using namespace emu::cloudwatch;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

const MetricId kErrors{"AWS/Lambda", "Errors",
                       {{"FunctionName", "fn"}, {"Resource", "fn:live"}}};

AlarmDefinition errors_alarm(const std::string& missing = "notBreaching") {
  AlarmFields f;
  f.name = "fn-errors";
  f.namespace_name = kErrors.namespace_name;
  f.metric_name = kErrors.metric_name;
  f.dimensions = kErrors.dimensions;
  f.statistic = "Sum";
  f.period_s = 60;
  f.evaluation_periods = 1;
  f.threshold = 1;
  f.comparison_operator = "GreaterThanOrEqualToThreshold";
  f.treat_missing_data = missing;
  auto d = make_alarm_definition(f);
  REQUIRE(d.ok());
  return d.value();
}

struct Fixture {
  Fixture() {
    log::set_quiet(true);
    alarms.set_listener([this](const AlarmStatus& a, AlarmState previous) {
      changes.push_back(std::string(state_name(previous)) + "->" + state_name(a.state));
    });
  }
  ~Fixture() { log::set_quiet(false); }
  std::int64_t now_ms() const { return clock.epoch_ms(clock.now()); }

  ManualClock clock;  // starts on a whole minute
  MetricStore store;
  Alarms alarms{clock, store, "eu-west-1", "123456789012"};
  std::vector<std::string> changes;
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "an alarm starts unchecked, then follows its metric minute by minute") {
  alarms.start();
  REQUIRE(alarms.put(errors_alarm()).ok());
  auto a = alarms.get("fn-errors").value();
  CHECK(a.arn == "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:fn-errors");
  // Evaluated once at creation: no data, treated as not breaching.
  CHECK(a.state == AlarmState::kOk);
  CHECK(a.reason == "Threshold Crossed: no datapoints were received for 1 period and 1 missing "
                    "datapoint was treated as [NonBreaching].");
  CHECK(changes == std::vector<std::string>{"INSUFFICIENT_DATA->OK"});

  store.record(kErrors, now_ms() + 10'000, 1);
  store.record(kErrors, now_ms() + 20'000, 1);
  clock.advance(seconds(59));
  CHECK(alarms.get("fn-errors")->state == AlarmState::kOk);  // the minute is not complete yet
  clock.advance(seconds(1));
  a = alarms.get("fn-errors").value();
  CHECK(a.state == AlarmState::kAlarm);
  INFO(a.reason);
  // Without DatapointsToAlarm, CloudWatch's short form.
  CHECK(a.reason.starts_with("Threshold Crossed: 1 datapoint [2.0 ("));
  CHECK(a.reason.ends_with(")] was greater than or equal to the threshold (1.0)."));
  auto data = nlohmann::ordered_json::parse(a.reason_data);
  std::vector<std::string> keys;
  for (const auto& [key, value] : data.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"version", "queryDate", "startDate", "statistic", "period",
                                         "recentDatapoints", "threshold", "evaluatedDatapoints"});
  CHECK(data["recentDatapoints"] == nlohmann::ordered_json::array({2.0}));
  CHECK(data["evaluatedDatapoints"][0]["sampleCount"] == 2.0);
  CHECK(data["queryDate"].get<std::string>().ends_with("+0000"));
  CHECK(changes.back() == "OK->ALARM");

  // Minutes without errors: the range (N + 2 = 3 periods) still holds the breaching datapoint,
  // and "the most recent real data points" decide, as CloudWatch does, until it leaves the range.
  clock.advance(seconds(120));
  CHECK(alarms.get("fn-errors")->state == AlarmState::kAlarm);
  clock.advance(seconds(60));
  CHECK(alarms.get("fn-errors")->state == AlarmState::kOk);
  CHECK(changes.back() == "ALARM->OK");
  CHECK(changes.size() == 3);
}

TEST_CASE_FIXTURE(Fixture, "SetAlarmState changes the state at once; the next evaluation may change it back") {
  alarms.start();
  REQUIRE(alarms.put(errors_alarm()).ok());
  REQUIRE(alarms.set_state("fn-errors", AlarmState::kAlarm, "testing a rollback", "").ok());
  auto a = alarms.get("fn-errors").value();
  CHECK(a.state == AlarmState::kAlarm);
  CHECK(a.reason == "testing a rollback");
  CHECK(a.reason_data.empty());
  CHECK(changes.back() == "OK->ALARM");
  clock.advance(seconds(60));
  CHECK(alarms.get("fn-errors")->state == AlarmState::kOk);

  auto missing = alarms.set_state("nope", AlarmState::kOk, "x", "");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == "ResourceNotFound");
  auto bad_json = alarms.set_state("fn-errors", AlarmState::kOk, "x", "{not json");
  REQUIRE_FALSE(bad_json.ok());
  CHECK(bad_json.error().code == "InvalidFormat");
}

TEST_CASE_FIXTURE(Fixture, "the history records creation, updates and every state change, newest first") {
  REQUIRE(alarms.put(errors_alarm("missing")).ok());  // no data, missing: stays INSUFFICIENT_DATA
  CHECK(alarms.get("fn-errors")->state == AlarmState::kInsufficientData);
  clock.advance(seconds(5));
  REQUIRE(alarms.set_state("fn-errors", AlarmState::kAlarm, "forced", R"({"why":"test"})").ok());
  clock.advance(seconds(5));
  auto updated = errors_alarm("notBreaching");
  updated.description = "now with a description";
  REQUIRE(alarms.put(updated).ok());  // replaced in place; evaluated again: OK

  REQUIRE(alarms.put(updated).ok());  // the same again (an unchanged redeploy): no history item
  auto items = alarms.history({});
  REQUIRE(items.size() == 4);
  CHECK(items[0].summary == "Alarm updated from ALARM to OK");
  CHECK(items[1].type == "ConfigurationUpdate");
  CHECK(items[1].summary == "Alarm \"fn-errors\" updated");
  CHECK(items[2].summary == "Alarm updated from INSUFFICIENT_DATA to ALARM");
  auto forced = nlohmann::ordered_json::parse(items[2].data);
  CHECK(forced["oldState"]["stateReason"] == "Unchecked: Initial alarm creation");
  CHECK(forced["newState"]["stateReasonData"]["why"] == "test");
  CHECK(items[3].summary == "Alarm \"fn-errors\" created");
  CHECK(nlohmann::ordered_json::parse(items[3].data)["createdAlarm"]["alarmName"] == "fn-errors");

  HistoryQuery states;
  states.type = "StateUpdate";
  states.oldest_first = true;
  auto only = alarms.history(states);
  REQUIRE(only.size() == 2);
  CHECK(only[0].summary == "Alarm updated from INSUFFICIENT_DATA to ALARM");

  REQUIRE(alarms.remove({"fn-errors"}).ok());
  CHECK_FALSE(alarms.get("fn-errors"));
  CHECK(alarms.history({}).empty());
  CHECK(alarms.remove({"fn-errors"}).error().code == "ResourceNotFound");
}

TEST_CASE_FIXTURE(Fixture, "an alarm the emulator cannot evaluate moves only by SetAlarmState") {
  alarms.start();
  AlarmFields f;
  f.name = "math";
  f.evaluation_periods = 1;
  f.comparison_operator = "GreaterThanThreshold";
  f.threshold = 1;
  f.not_evaluated = "it alarms on metric math (Metrics), which the emulator does not compute";
  auto d = make_alarm_definition(f);
  REQUIRE(d.ok());
  REQUIRE(alarms.put(d.value()).ok());
  clock.advance(seconds(180));
  CHECK(alarms.get("math")->state == AlarmState::kInsufficientData);
  REQUIRE(alarms.set_state("math", AlarmState::kAlarm, "forced", "").ok());
  clock.advance(seconds(180));
  CHECK(alarms.get("math")->state == AlarmState::kAlarm);
}

TEST_CASE("alarm definitions are checked with PutMetricAlarm's rules") {
  auto base = [] {
    AlarmFields f;
    f.name = "a";
    f.namespace_name = "App";
    f.metric_name = "M";
    f.statistic = "Average";
    f.period_s = 60;
    f.evaluation_periods = 2;
    f.threshold = 1;
    f.comparison_operator = "GreaterThanThreshold";
    return f;
  };
  struct Case {
    const char* name;
    std::function<void(AlarmFields&)> change;
    const char* code;  // "" = accepted
  };
  const Case cases[] = {
      {"valid", [](AlarmFields&) {}, ""},
      {"both statistics", [](AlarmFields& f) { f.extended_statistic = "p99"; }, "InvalidParameterCombination"},
      {"no statistic", [](AlarmFields& f) { f.statistic.clear(); }, "MissingParameter"},
      {"percentile as Statistic", [](AlarmFields& f) { f.statistic = "p90"; }, "InvalidParameterValue"},
      {"percentile as ExtendedStatistic", [](AlarmFields& f) { f.statistic.clear(); f.extended_statistic = "p90"; }, ""},
      {"period 45", [](AlarmFields& f) { f.period_s = 45; }, "InvalidParameterValue"},
      {"no period", [](AlarmFields& f) { f.period_s.reset(); }, "MissingParameter"},
      {"over a day", [](AlarmFields& f) { f.evaluation_periods = 1441; }, "InvalidParameterValue"},
      {"M > N", [](AlarmFields& f) { f.datapoints_to_alarm = 3; }, "InvalidParameterValue"},
      {"bad operator", [](AlarmFields& f) { f.comparison_operator = "Bigger"; }, "InvalidParameterValue"},
      {"no threshold", [](AlarmFields& f) { f.threshold.reset(); }, "MissingParameter"},
      {"bad missing data", [](AlarmFields& f) { f.treat_missing_data = "zero"; }, "InvalidParameterValue"},
      {"no name", [](AlarmFields& f) { f.name.clear(); }, "InvalidParameterValue"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto f = base();
    c.change(f);
    auto d = make_alarm_definition(f);
    if (std::string(c.code).empty()) {
      CHECK(d.ok());
    } else {
      REQUIRE_FALSE(d.ok());
      CHECK(d.error().code == c.code);
    }
  }
  auto week = base();
  week.period_s = 3600;
  week.evaluation_periods = 48;  // allowed (up to 7 days for hourly periods), beyond the store
  auto long_alarm = make_alarm_definition(week);
  REQUIRE(long_alarm.ok());
  CHECK(long_alarm->not_evaluated.find("keeps 25 hours") != std::string::npos);

  auto f = base();
  f.period_s = 10;
  auto high_resolution = make_alarm_definition(f);
  REQUIRE(high_resolution.ok());
  CHECK(high_resolution->not_evaluated.find("high-resolution") != std::string::npos);
}
