// Building an AlarmDefinition from the fields PutMetricAlarm and AWS::CloudWatch::Alarm share, with
// PutMetricAlarm's rules (botocore's cloudwatch model and the CloudWatch API reference,
// "PutMetricAlarm"): Statistic or ExtendedStatistic, not both; Period 10, 20, 30 or a multiple of
// 60; EvaluationPeriods x Period at most one day (seven for periods of an hour or more);
// DatapointsToAlarm at most EvaluationPeriods. Errors carry CloudWatch's codes
// (InvalidParameterValue, InvalidParameterCombination, MissingParameter).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "emulator/cloudwatch/alarms.h"
#include "emulator/core/result.h"

namespace emu::cloudwatch {

struct AlarmFields {
  std::string name;
  std::string description;
  std::string namespace_name;
  std::string metric_name;
  std::vector<Dimension> dimensions;
  std::string statistic;           // Statistic
  std::string extended_statistic;  // ExtendedStatistic
  std::optional<int> period_s;
  std::optional<int> evaluation_periods;
  std::optional<int> datapoints_to_alarm;
  std::optional<double> threshold;
  std::string comparison_operator;
  std::string treat_missing_data;
  std::string evaluate_low_sample_count_percentile;  // "evaluate" or "ignore"
  std::string unit;
  bool actions_enabled = true;
  std::vector<std::string> ok_actions, alarm_actions, insufficient_data_actions;
  // Why the emulator cannot evaluate it, when the caller knows (metric math, anomaly bands).
  std::string not_evaluated;
};

Result<AlarmDefinition> make_alarm_definition(AlarmFields fields);

// "Statistic" or "ExtendedStatistic" names the percentile forms "p99"; parse_comparison accepts
// only the four threshold operators, so callers check the band operators first.
bool is_anomaly_band_operator(const std::string& comparison_operator);

}  // namespace emu::cloudwatch
