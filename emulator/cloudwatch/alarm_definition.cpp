#include "emulator/cloudwatch/alarm_definition.h"

namespace emu::cloudwatch {
namespace {

Error invalid(const std::string& message) { return Error{"InvalidParameterValue", message}; }

}  // namespace

bool is_anomaly_band_operator(const std::string& op) {
  return op == "LessThanLowerOrGreaterThanUpperThreshold" || op == "LessThanLowerThreshold" ||
         op == "GreaterThanUpperThreshold";
}

Result<AlarmDefinition> make_alarm_definition(AlarmFields f) {
  if (f.name.empty() || f.name.size() > 255)
    return invalid("AlarmName must be 1 to 255 characters long.");
  AlarmDefinition d;
  d.name = f.name;
  d.description = f.description;
  d.metric = {f.namespace_name, f.metric_name, f.dimensions};
  d.unit = f.unit;
  d.actions_enabled = f.actions_enabled;
  d.ok_actions = f.ok_actions;
  d.alarm_actions = f.alarm_actions;
  d.insufficient_data_actions = f.insufficient_data_actions;
  d.not_evaluated = f.not_evaluated;

  if (!f.statistic.empty() && !f.extended_statistic.empty())
    return Error{"InvalidParameterCombination",
                 "Statistic and ExtendedStatistic are mutually exclusive; give one."};
  const bool metric_math = !f.not_evaluated.empty() && f.metric_name.empty();
  if (!metric_math) {
    if (f.metric_name.empty() || f.namespace_name.empty())
      return Error{"MissingParameter",
                   "A metric alarm needs MetricName and Namespace (or Metrics for metric math)."};
    if (f.statistic.empty() && f.extended_statistic.empty())
      return Error{"MissingParameter", "Either Statistic or ExtendedStatistic must be given."};
  }
  if (f.dimensions.size() > 30) return invalid("An alarm's metric has at most 30 Dimensions.");
  d.statistic = f.statistic.empty() ? f.extended_statistic : f.statistic;
  if (!d.statistic.empty()) {
    auto statistic = Statistic::parse(d.statistic);
    if (!statistic.ok()) {
      if (f.extended_statistic.empty()) return invalid(statistic.error().message);
      if (d.not_evaluated.empty())
        d.not_evaluated = "its ExtendedStatistic " + f.extended_statistic +
                          " is not a percentile (pNN); trimmed means and the like are not computed";
    } else {
      if (!f.statistic.empty() && statistic->kind == Statistic::Kind::kPercentile)
        return invalid("Statistic " + f.statistic + " is a percentile: give it as ExtendedStatistic.");
      if (!f.extended_statistic.empty() && statistic->kind != Statistic::Kind::kPercentile)
        return invalid("ExtendedStatistic " + f.extended_statistic +
                       " is not an extended statistic: give it as Statistic.");
      d.rule.statistic = statistic.value();
    }
  }

  if (!metric_math) {
    if (!f.period_s) return Error{"MissingParameter", "Period is required (seconds, e.g. 60)."};
    const int period = *f.period_s;
    if (!(period == 10 || period == 20 || period == 30 || (period >= 60 && period % 60 == 0)))
      return invalid("Period " + std::to_string(period) +
                     " is not valid: it must be 10, 20, 30 or a multiple of 60.");
    d.rule.period_s = period;
    if (period < 60 && d.not_evaluated.empty())
      d.not_evaluated = "its Period " + std::to_string(period) +
                        " s is high-resolution; the emulator keeps metrics per minute";
  }
  if (!f.evaluation_periods)
    return Error{"MissingParameter", "EvaluationPeriods is required (e.g. 1)."};
  if (*f.evaluation_periods < 1) return invalid("EvaluationPeriods must be at least 1.");
  d.rule.evaluation_periods = *f.evaluation_periods;
  const long long span = static_cast<long long>(d.rule.period_s) * d.rule.evaluation_periods;
  const long long max_span = d.rule.period_s >= 3600 ? 7LL * 86400 : 86400;
  if (!metric_math && span > max_span)
    return invalid("Period x EvaluationPeriods is " + std::to_string(span) +
                   " s; it must not exceed " + std::to_string(max_span) +
                   " s (one day, or seven for periods of an hour or more).");
  // The metric store keeps 25 hours (MetricStore::Limits): an alarm that looks further back could
  // never see its oldest periods.
  if (!metric_math && d.not_evaluated.empty() &&
      static_cast<long long>(d.rule.period_s) * evaluation_range_periods(d.rule) > 25LL * 3600)
    d.not_evaluated =
        "it looks back " +
        std::to_string(static_cast<long long>(d.rule.period_s) * evaluation_range_periods(d.rule) /
                       3600) +
        " hours; the emulator keeps 25 hours of metrics";
  d.rule.datapoints_to_alarm = f.datapoints_to_alarm.value_or(d.rule.evaluation_periods);
  d.rule.datapoints_to_alarm_set = f.datapoints_to_alarm.has_value();
  if (d.rule.datapoints_to_alarm < 1 || d.rule.datapoints_to_alarm > d.rule.evaluation_periods)
    return invalid("DatapointsToAlarm " + std::to_string(d.rule.datapoints_to_alarm) +
                   " must be from 1 to EvaluationPeriods (" +
                   std::to_string(d.rule.evaluation_periods) + ").");

  if (f.comparison_operator.empty())
    return Error{"MissingParameter",
                 "ComparisonOperator is required (e.g. GreaterThanOrEqualToThreshold)."};
  if (is_anomaly_band_operator(f.comparison_operator)) {
    if (d.not_evaluated.empty())
      d.not_evaluated = "it compares with an anomaly detection band, which the emulator does "
                        "not compute";
  } else {
    auto comparison = parse_comparison(f.comparison_operator);
    if (!comparison.ok()) return invalid(comparison.error().message);
    d.rule.comparison = comparison.value();
    if (!f.threshold)
      return Error{"MissingParameter", "Threshold is required with ComparisonOperator " +
                                           f.comparison_operator + "."};
    d.rule.threshold = *f.threshold;
  }
  auto missing = parse_missing_data(f.treat_missing_data);
  if (!missing.ok()) return invalid(missing.error().message);
  d.rule.missing = missing.value();
  if (f.evaluate_low_sample_count_percentile == "ignore")
    d.rule.evaluate_low_sample_percentiles = false;
  else if (!f.evaluate_low_sample_count_percentile.empty() &&
           f.evaluate_low_sample_count_percentile != "evaluate")
    return invalid("EvaluateLowSampleCountPercentile " + f.evaluate_low_sample_count_percentile +
                   " is not one of evaluate, ignore.");
  return d;
}

}  // namespace emu::cloudwatch
