// Alarm evaluation (emulator/cloudwatch/alarm_evaluation.h) against the CloudWatch user guide's
// own examples: the two tables of "How alarm state is evaluated when data is missing" (3 of 3 and
// 2 of 3, five datapoints retrieved), row by row and for each TreatMissingData; each comparison
// operator; and StateReasons in the words of recorded AWS answers.
#include "emulator/cloudwatch/alarm_evaluation.h"

#include <doctest/doctest.h>

#include <map>

namespace {

using namespace emu::cloudwatch;

constexpr std::int64_t kStart = 1'700'000'000'000;  // 14/11/23 22:13:20 UTC

// "0 - X - X": 0 is within the threshold, X breaches it, - is missing; oldest first, one minute
// apart. The rule: GreaterThanThreshold 1.0 on Maximum.
std::vector<RangePoint> range_of(const std::string& pattern) {
  std::vector<RangePoint> range;
  std::int64_t at = kStart;
  for (char c : pattern) {
    if (c == ' ') continue;
    RangePoint point;
    point.timestamp_ms = at;
    at += 60'000;
    if (c == '0') point.value = 0.0, point.sample_count = 1;
    if (c == 'X') point.value = 5.0, point.sample_count = 1;
    range.push_back(point);
  }
  return range;
}

AlarmRule rule(int m, int n, MissingData missing) {
  AlarmRule r;
  r.statistic = Statistic::parse("Maximum").value();
  r.evaluation_periods = n;
  r.datapoints_to_alarm = m;
  r.threshold = 1.0;
  r.comparison = Comparison::kGreater;
  r.missing = missing;
  return r;
}

// The state each TreatMissingData gives, as the tables write it ("Retain" = no change).
std::string outcome(const Evaluation& e) {
  if (!e.state) return "Retain";
  switch (*e.state) {
    case AlarmState::kOk: return "OK";
    case AlarmState::kAlarm: return "ALARM";
    case AlarmState::kInsufficientData: return "Insufficient";
  }
  return "?";
}

struct Row {
  const char* points;
  const char* missing;
  const char* ignore;
  const char* breaching;
  const char* not_breaching;
};

void check_table(int m, int n, const std::vector<Row>& rows) {
  for (const auto& row : rows) {
    INFO(m << " of " << n << ", datapoints " << row.points);
    auto range = range_of(row.points);
    REQUIRE(range.size() == static_cast<std::size_t>(evaluation_range_periods(rule(m, n, MissingData::kMissing))));
    CHECK(outcome(evaluate(rule(m, n, MissingData::kMissing), range)) == row.missing);
    CHECK(outcome(evaluate(rule(m, n, MissingData::kIgnore), range)) == row.ignore);
    CHECK(outcome(evaluate(rule(m, n, MissingData::kBreaching), range)) == row.breaching);
    CHECK(outcome(evaluate(rule(m, n, MissingData::kNotBreaching), range)) == row.not_breaching);
  }
}

}  // namespace

TEST_CASE("alarms: CloudWatch's table for 3 of 3 datapoints, each way of treating missing data") {
  check_table(3, 3, {
      {"0 - X - X", "OK", "OK", "OK", "OK"},
      {"0 - - - -", "OK", "OK", "OK", "OK"},
      {"- - - - -", "Insufficient", "Retain", "ALARM", "OK"},
      {"0 X X - X", "ALARM", "ALARM", "ALARM", "ALARM"},
      {"- - - - X", "Insufficient", "Retain", "ALARM", "OK"},
      {"X - - - -", "ALARM", "Retain", "ALARM", "OK"},
  });
}

TEST_CASE("alarms: CloudWatch's table for 2 of 3 datapoints (M out of N)") {
  check_table(2, 3, {
      {"0 - X - X", "ALARM", "ALARM", "ALARM", "ALARM"},
      {"0 0 X 0 X", "ALARM", "ALARM", "ALARM", "ALARM"},
      {"0 - X - -", "OK", "OK", "ALARM", "OK"},
      {"- - - - 0", "OK", "OK", "ALARM", "OK"},
      {"- - - - X", "Insufficient", "Retain", "ALARM", "OK"},
  });
}

TEST_CASE("alarms: the most recent N datapoints decide, breaching ones need not be consecutive") {
  // 3 of 5: X 0 X 0 X breaches, 0 X 0 X 0 does not (plus two older periods in the range).
  CHECK(outcome(evaluate(rule(3, 5, MissingData::kMissing), range_of("0 0 X 0 X 0 X"))) == "ALARM");
  CHECK(outcome(evaluate(rule(3, 5, MissingData::kMissing), range_of("X X 0 X 0 X 0"))) == "OK");
}

TEST_CASE("alarms: each comparison operator against a value equal to, above and below the threshold") {
  std::map<Comparison, std::vector<bool>> expected = {
      // equal, above, below
      {Comparison::kGreaterOrEqual, {true, true, false}},
      {Comparison::kGreater, {false, true, false}},
      {Comparison::kLess, {false, false, true}},
      {Comparison::kLessOrEqual, {true, false, true}},
  };
  for (const auto& entry : expected) {
    const Comparison comparison = entry.first;
    const std::vector<bool>& alarms = entry.second;
    std::vector<double> values = {1.0, 2.0, 0.5};
    for (std::size_t i = 0; i < values.size(); ++i) {
      AlarmRule r = rule(1, 1, MissingData::kMissing);
      r.comparison = comparison;
      RangePoint point{kStart, values[i], 1};
      auto e = evaluate(r, {RangePoint{kStart - 120'000, {}, 0}, RangePoint{kStart - 60'000, {}, 0}, point});
      INFO(comparison_words(comparison) << " " << values[i]);
      CHECK((e.state == AlarmState::kAlarm) == alarms[i]);
    }
  }
}

TEST_CASE("alarms: StateReasons are worded as CloudWatch words them") {
  AlarmRule r = rule(2, 2, MissingData::kMissing);
  r.threshold = 10.0;
  // AWS: "Threshold Crossed: 2 out of the last 2 datapoints [15.398333333333332 (17/01/22
  // 14:42:00), 11.488333333333333 (17/01/22 14:37:00)] were greater than the threshold (10.0)
  // (minimum 2 datapoints for OK -> ALARM transition)."
  std::int64_t at = 1'642'430'220'000;  // 17/01/22 14:37:00 UTC
  std::vector<RangePoint> range = {{at - 120'000, {}, 0}, {at - 60'000, {}, 0},
                                   {at, 11.488333333333333, 3}, {at + 300'000, 15.398333333333332, 3}};
  auto e = evaluate(r, range);
  CHECK(e.reason ==
        "Threshold Crossed: 2 out of the last 2 datapoints [15.398333333333332 (17/01/22 14:42:00), "
        "11.488333333333333 (17/01/22 14:37:00)] were greater than the threshold (10.0) (minimum 2 "
        "datapoints for OK -> ALARM transition).");
  // AWS: "Threshold Crossed: 1 datapoint [20.0 (25/05/18 11:06:00)] was not greater than or
  // equal to the threshold (20.0)." (here 19.5 is not >= 20.0).
  AlarmRule ok = rule(1, 1, MissingData::kMissing);
  ok.comparison = Comparison::kGreaterOrEqual;
  ok.threshold = 20.0;
  std::int64_t may = 1'527'246'360'000;  // 25/05/18 11:06:00 UTC
  auto o = evaluate(ok, {{may - 120'000, {}, 0}, {may - 60'000, {}, 0}, {may, 19.5, 1}});
  CHECK(o.reason == "Threshold Crossed: 1 datapoint [19.5 (25/05/18 11:06:00)] was not greater "
                    "than or equal to the threshold (20.0).");
  auto none = evaluate(rule(1, 1, MissingData::kMissing), range_of("- - -"));
  CHECK(none.reason == "Insufficient Data: 1 datapoint was unknown.");
  auto treated = evaluate(rule(3, 3, MissingData::kNotBreaching), range_of("- - - - -"));
  CHECK(treated.reason == "Threshold Crossed: no datapoints were received for 3 periods and 3 "
                          "missing datapoints were treated as [NonBreaching].");
}

TEST_CASE("alarms: a percentile datapoint with too few samples counts as missing when told to ignore it") {
  AlarmRule r = rule(1, 1, MissingData::kMissing);
  r.statistic = Statistic::parse("p99").value();
  r.evaluate_low_sample_percentiles = false;
  // p99 is significant from 10 / (1 - 0.99) = 1000 samples.
  std::vector<RangePoint> few = {{kStart, {}, 0}, {kStart + 60'000, {}, 0}, {kStart + 120'000, 5.0, 999}};
  CHECK(evaluate(r, few).state == AlarmState::kInsufficientData);
  few.back().sample_count = 1000;
  CHECK(evaluate(r, few).state == AlarmState::kAlarm);
  r.evaluate_low_sample_percentiles = true;
  few.back().sample_count = 3;
  CHECK(evaluate(r, few).state == AlarmState::kAlarm);
}

TEST_CASE("alarms: operators, treatments and numbers as CloudWatch spells them") {
  CHECK(parse_comparison("GreaterThanThreshold").value() == Comparison::kGreater);
  CHECK(parse_comparison("LessThanLowerThreshold").error().message.find("anomaly detection") !=
        std::string::npos);
  CHECK_FALSE(parse_comparison("greater").ok());
  CHECK(parse_missing_data("").value() == MissingData::kMissing);
  CHECK(parse_missing_data("notBreaching").value() == MissingData::kNotBreaching);
  CHECK_FALSE(parse_missing_data("NotBreaching").ok());
  CHECK(java_double(20) == "20.0");
  CHECK(java_double(0.5) == "0.5");
  CHECK(java_double(40.760000000000005) == "40.760000000000005");
  CHECK(java_double(1e7) == "1.0E7");
  CHECK(java_double(0.0001) == "1.0E-4");
  CHECK(java_double(-3) == "-3.0");
  CHECK(std::string(state_name(AlarmState::kInsufficientData)) == "INSUFFICIENT_DATA");
}
