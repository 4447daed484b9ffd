#include "emulator/template/alarm_resource.h"

#include <array>
#include <charconv>
#include <cmath>

#include "emulator/template/property_reader.h"
#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

constexpr std::array<std::string_view, 22> kKnown = {
    "AlarmName", "AlarmDescription", "ActionsEnabled", "AlarmActions", "OKActions",
    "InsufficientDataActions", "ComparisonOperator", "DatapointsToAlarm", "Dimensions",
    "EvaluateLowSampleCountPercentile", "EvaluationPeriods", "ExtendedStatistic", "MetricName",
    "Metrics", "Namespace", "Period", "Statistic", "Threshold", "ThresholdMetricId",
    "TreatMissingData", "Unit", "Tags"};

bool one_of(const std::string& value, std::initializer_list<const char*> allowed) {
  for (const char* name : allowed)
    if (value == name) return true;
  return false;
}

// A property's resolved value read as a string, if present.
Result<std::optional<std::string>> string_property(const ResourceDecl& alarm, StackScope& scope,
                                                   const char* key) {
  auto value = scope.evaluate_property(alarm, key);
  if (!value) return value.error();
  if (!value.value()) return std::optional<std::string>();
  auto text = read_string(*value.value(), alarm.property_path(key));
  if (!text) return text.error();
  return std::optional<std::string>(text.value());
}

Result<std::optional<int>> int_property(const ResourceDecl& alarm, StackScope& scope,
                                        const char* key, int min, int max) {
  auto value = scope.evaluate_property(alarm, key);
  if (!value) return value.error();
  if (!value.value()) return std::optional<int>();
  auto number = read_int(*value.value(), alarm.property_path(key), min, max);
  if (!number) return number.error();
  return std::optional<int>(number.value());
}

Error wrong(const ResourceDecl& alarm, const char* key, const std::string& what) {
  const Node* node = alarm.property(key);
  return template_error(node ? node->where : alarm.where, alarm.property_path(key), what);
}

}  // namespace

Result<AlarmSpec> read_alarm(const ResourceDecl& alarm, StackScope& scope,
                             std::vector<std::string>& warnings) {
  warn_unknown_keys(alarm.properties, kKnown, alarm.path() + ".Properties", kAlarmType, warnings);
  AlarmSpec spec;
  spec.logical_id = alarm.logical_id;
  spec.where = alarm.where;
  auto name = scope.alarm_name(alarm, alarm.where, alarm.path());
  if (!name) return name.error();
  spec.name = name.value();

  auto text = [&](const char* key, std::string& out) -> std::optional<Error> {
    auto value = string_property(alarm, scope, key);
    if (!value) return value.error();
    if (value.value()) out = *value.value();
    return std::nullopt;
  };
  for (auto [key, out] : {std::pair{"AlarmDescription", &spec.description},
                          std::pair{"Namespace", &spec.namespace_name},
                          std::pair{"MetricName", &spec.metric_name},
                          std::pair{"Unit", &spec.unit},
                          std::pair{"ComparisonOperator", &spec.comparison_operator}})
    if (auto error = text(key, *out)) return *error;

  if (spec.comparison_operator.empty())
    return template_error(alarm.where, alarm.property_path("ComparisonOperator"),
                          "ComparisonOperator is required, e.g. GreaterThanOrEqualToThreshold");
  const bool band = one_of(spec.comparison_operator, {"LessThanLowerOrGreaterThanUpperThreshold",
                                                      "LessThanLowerThreshold",
                                                      "GreaterThanUpperThreshold"});
  if (!band && !one_of(spec.comparison_operator,
                       {"GreaterThanOrEqualToThreshold", "GreaterThanThreshold",
                        "LessThanThreshold", "LessThanOrEqualToThreshold"}))
    return wrong(alarm, "ComparisonOperator",
                 "expected GreaterThanOrEqualToThreshold, GreaterThanThreshold, "
                 "LessThanThreshold, LessThanOrEqualToThreshold or an anomaly detection band "
                 "operator, got \"" + spec.comparison_operator + "\"");

  auto periods = int_property(alarm, scope, "EvaluationPeriods", 1, 1440);
  if (!periods) return periods.error();
  if (!periods.value())
    return template_error(alarm.where, alarm.property_path("EvaluationPeriods"),
                          "EvaluationPeriods is required (the number of periods evaluated)");
  spec.evaluation_periods = *periods.value();
  auto datapoints = int_property(alarm, scope, "DatapointsToAlarm", 1, spec.evaluation_periods);
  if (!datapoints) return datapoints.error();
  spec.datapoints_to_alarm = datapoints.value().value_or(spec.evaluation_periods);
  spec.datapoints_to_alarm_set = datapoints.value().has_value();

  const bool math = alarm.property("Metrics") != nullptr;
  if (math) {
    spec.not_evaluated = "it alarms on metric math (Metrics), which the emulator does not compute";
  } else {
    if (spec.metric_name.empty())
      return template_error(alarm.where, alarm.property_path("MetricName"),
                            "MetricName is required (or Metrics, for metric math)");
    auto period = int_property(alarm, scope, "Period", 10, 86400);
    if (!period) return period.error();
    if (!period.value())
      return template_error(alarm.where, alarm.property_path("Period"),
                            "Period is required with MetricName, in seconds: 10, 20, 30 or a "
                            "multiple of 60");
    spec.period_s = *period.value();
    if (spec.period_s >= 60 ? spec.period_s % 60 != 0 : !one_of(std::to_string(spec.period_s),
                                                                {"10", "20", "30"}))
      return wrong(alarm, "Period",
                   "expected 10, 20, 30 or a multiple of 60, got " + std::to_string(spec.period_s));
    if (spec.period_s < 60)
      spec.not_evaluated = "its Period " + std::to_string(spec.period_s) + " s is high-resolution; "
                           "the emulator keeps metrics by the minute";
    if (spec.period_s * spec.evaluation_periods > 86400)
      return wrong(alarm, "EvaluationPeriods",
                   "EvaluationPeriods x Period must not exceed one day (86400 s), got " +
                       std::to_string(spec.period_s * spec.evaluation_periods) + " s");

    std::string statistic, extended;
    if (auto error = text("Statistic", statistic)) return *error;
    if (auto error = text("ExtendedStatistic", extended)) return *error;
    if (statistic.empty() == extended.empty())
      return template_error(alarm.where, alarm.property_path("Statistic"),
                            "exactly one of Statistic and ExtendedStatistic is required with "
                            "MetricName");
    if (!statistic.empty() && !one_of(statistic, {"SampleCount", "Average", "Sum", "Minimum",
                                                  "Maximum"}))
      return wrong(alarm, "Statistic", "expected SampleCount, Average, Sum, Minimum or Maximum, "
                                       "got \"" + statistic + "\"");
    spec.statistic = statistic.empty() ? extended : statistic;
    if (!extended.empty()) {
      double p = -1;
      auto [end, ec] = std::from_chars(extended.data() + 1, extended.data() + extended.size(), p);
      bool percentile = extended[0] == 'p' && ec == std::errc() &&
                        end == extended.data() + extended.size() && std::isfinite(p) &&
                        p >= 0 && p <= 100 && extended.find_first_of("eE") == std::string::npos;
      if (!percentile)
        spec.not_evaluated = "its ExtendedStatistic " + extended + " is not a percentile (pNN); "
                             "the emulator computes percentiles only";
    }
  }

  if (auto threshold = string_property(alarm, scope, "Threshold"); !threshold) {
    return threshold.error();
  } else if (threshold.value()) {
    const std::string& value = *threshold.value();
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), spec.threshold);
    if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(spec.threshold))
      return wrong(alarm, "Threshold", "expected a number, got \"" + value + "\"");
  } else if (band || alarm.property("ThresholdMetricId")) {
    spec.not_evaluated = "it compares with an anomaly detection band, which the emulator does "
                         "not compute";
  } else {
    return template_error(alarm.where, alarm.property_path("Threshold"),
                          "Threshold is required (or ThresholdMetricId, for an anomaly band)");
  }
  if (band && spec.not_evaluated.empty())
    spec.not_evaluated = "it compares with an anomaly detection band, which the emulator does "
                         "not compute";

  if (auto error = text("TreatMissingData", spec.treat_missing_data)) return *error;
  if (!one_of(spec.treat_missing_data, {"missing", "ignore", "breaching", "notBreaching"}))
    return wrong(alarm, "TreatMissingData", "expected breaching, notBreaching, ignore or missing, "
                                            "got \"" + spec.treat_missing_data + "\"");
  std::string low_samples = "evaluate";
  if (auto error = text("EvaluateLowSampleCountPercentile", low_samples)) return *error;
  if (!one_of(low_samples, {"evaluate", "ignore"}))
    return wrong(alarm, "EvaluateLowSampleCountPercentile",
                 "expected evaluate or ignore, got \"" + low_samples + "\"");
  spec.evaluate_low_sample_percentiles = low_samples == "evaluate";

  auto dimensions = scope.evaluate_property(alarm, "Dimensions");
  if (!dimensions) return dimensions.error();
  if (dimensions.value()) {
    const Node& list = *dimensions.value();
    const std::string path = alarm.property_path("Dimensions");
    if (!list.is_sequence())
      return template_error(list.where, path, "expected a list of {Name, Value}");
    if (list.items.size() > 30)
      return template_error(list.where, path, "at most 30 dimensions");
    for (std::size_t i = 0; i < list.items.size(); ++i) {
      const Node& item = list.items[i];
      const std::string item_at = item_path(path, i);
      if (auto error = expect_map(item, item_at)) return *error;
      const Node* dimension_name = item.find("Name");
      const Node* dimension_value = item.find("Value");
      if (!dimension_name || !dimension_value)
        return template_error(item.where, item_at, "a dimension needs Name and Value");
      auto n = read_string(*dimension_name, child_path(item_at, "Name"));
      if (!n) return n.error();
      auto v = read_string(*dimension_value, child_path(item_at, "Value"));
      if (!v) return v.error();
      spec.dimensions.emplace_back(n.value(), v.value());
    }
  }
  return spec;
}

}  // namespace emu::tmpl
