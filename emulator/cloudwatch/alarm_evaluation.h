// Alarm evaluation: the state a metric alarm goes to for the datapoints of its evaluation range,
// as CloudWatch decides it (CloudWatch user guide, "Using Amazon CloudWatch alarms": "Evaluating an
// alarm", "Configuring how CloudWatch alarms treat missing data" and its two tables of examples,
// which tests/alarm_evaluation_test.cpp reproduces row by row), and the StateReason in
// CloudWatch's words. Pure: no clock, no store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emulator/cloudwatch/statistics.h"
#include "emulator/core/result.h"

namespace emu::cloudwatch {

enum class AlarmState { kOk, kAlarm, kInsufficientData };
// "OK", "ALARM", "INSUFFICIENT_DATA" (StateValue).
const char* state_name(AlarmState state);

// ComparisonOperator; the anomaly-detection band operators are refused.
enum class Comparison { kGreaterOrEqual, kGreater, kLess, kLessOrEqual };
Result<Comparison> parse_comparison(const std::string& text);
// "greater than or equal to", as the StateReason says it.
const char* comparison_words(Comparison comparison);

// TreatMissingData (default missing).
enum class MissingData { kMissing, kIgnore, kBreaching, kNotBreaching };
Result<MissingData> parse_missing_data(const std::string& text);

struct AlarmRule {
  Statistic statistic;
  int period_s = 60;
  int evaluation_periods = 1;
  int datapoints_to_alarm = 1;  // M of the N evaluation periods
  // Whether the alarm sets DatapointsToAlarm: CloudWatch's ALARM reason then reads "1 out of the
  // last 1 datapoints [...] (minimum 1 datapoint for OK -> ALARM transition)", otherwise
  // "1 datapoint [...] was greater than the threshold (1.0)." (both recorded from AWS).
  bool datapoints_to_alarm_set = true;
  double threshold = 0;
  Comparison comparison = Comparison::kGreaterOrEqual;
  MissingData missing = MissingData::kMissing;
  // EvaluateLowSampleCountPercentile: false ("ignore") treats a percentile datapoint with too
  // few samples to be significant (fewer than 10 / (1 - p) for p >= 0.5, 10 / p below) as missing.
  bool evaluate_low_sample_percentiles = true;
};

// One period of the evaluation range.
struct RangePoint {
  std::int64_t timestamp_ms = 0;  // the period's start
  std::optional<double> value;    // the statistic's value; none when the period had no data
  double sample_count = 0;
};

// How many periods CloudWatch retrieves: "a higher number of data points than specified by
// Evaluation Periods"; its example retrieves 5 for 3. Here: evaluation_periods + 2.
int evaluation_range_periods(const AlarmRule& rule);

struct Evaluation {
  std::optional<AlarmState> state;  // none: the current state stays (TreatMissingData ignore)
  std::string reason;               // StateReason
  std::vector<RangePoint> recent;   // the real datapoints evaluated, most recent first
};

// `range`: the evaluation range's periods, oldest first (missing ones with no value).
Evaluation evaluate(const AlarmRule& rule, const std::vector<RangePoint>& range);

// A double as CloudWatch's reasons print it (Java's Double.toString: "20.0", "0.5", "1.0E7").
std::string java_double(double value);

}  // namespace emu::cloudwatch
