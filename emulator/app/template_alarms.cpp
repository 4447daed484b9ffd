#include "emulator/app/template_alarms.h"

#include <set>

#include "emulator/cloudwatch/alarm_definition.h"

namespace emu::app {

Result<cloudwatch::AlarmDefinition> alarm_definition(const tmpl::AlarmSpec& spec) {
  cloudwatch::AlarmFields f;
  f.name = spec.name;
  f.description = spec.description;
  f.namespace_name = spec.namespace_name;
  f.metric_name = spec.metric_name;
  for (const auto& [name, value] : spec.dimensions) f.dimensions.push_back({name, value});
  // The loader keeps Statistic and ExtendedStatistic in one field; a percentile is the latter.
  auto statistic = cloudwatch::Statistic::parse(spec.statistic);
  if (statistic.ok() && statistic->kind != cloudwatch::Statistic::Kind::kPercentile)
    f.statistic = spec.statistic;
  else
    f.extended_statistic = spec.statistic;
  f.period_s = spec.period_s;
  f.evaluation_periods = spec.evaluation_periods;
  if (spec.datapoints_to_alarm_set) f.datapoints_to_alarm = spec.datapoints_to_alarm;
  f.threshold = spec.threshold;
  f.comparison_operator = spec.comparison_operator;
  f.treat_missing_data = spec.treat_missing_data;
  f.evaluate_low_sample_count_percentile = spec.evaluate_low_sample_percentiles ? "" : "ignore";
  f.unit = spec.unit;
  f.not_evaluated = spec.not_evaluated;
  auto definition = cloudwatch::make_alarm_definition(std::move(f));
  if (!definition.ok())
    return Error{definition.error().code, spec.where.to_string() + ": Resources." + spec.logical_id +
                                              " (AWS::CloudWatch::Alarm): " +
                                              definition.error().message};
  return definition;
}

std::vector<std::string> put_template_alarms(const tmpl::Stack& stack, cloudwatch::Alarms& alarms) {
  std::vector<std::string> lines;
  std::set<std::string> defined;
  for (const auto& spec : stack.alarms) {
    auto definition = alarm_definition(spec);
    if (!definition.ok()) {
      lines.push_back(definition.error().message + "; the alarm is not created");
      continue;
    }
    defined.insert(spec.name);
    if (!spec.not_evaluated.empty())
      lines.push_back("Alarm " + spec.name + " (" + spec.logical_id + ") is created but never "
                      "evaluated: " + spec.not_evaluated + "; it changes state only by "
                      "aws cloudwatch set-alarm-state");
    auto put = alarms.put(std::move(definition).value());
    if (!put.ok()) lines.push_back("Alarm " + spec.name + ": " + put.error().message);
  }
  for (const auto& function : stack.functions) {
    const auto& preference = function.deployment_preference;
    if (!preference || !preference->enabled) continue;
    for (const auto& name : preference->alarms)
      if (!defined.count(name) && !alarms.get(name))
        lines.push_back(function.logical_id + ".DeploymentPreference.Alarms names " + name +
                        ", which the template does not define: it cannot stop a deployment "
                        "until it exists (aws cloudwatch put-metric-alarm --alarm-name " + name +
                        " ...)");
  }
  return lines;
}

std::vector<std::string> alarm_lines(const tmpl::Stack& stack) {
  std::vector<std::string> lines;
  for (const auto& spec : stack.alarms) {
    std::string line = "Alarm " + spec.name + ": ";
    if (spec.metric_name.empty()) {
      line += "metric math";
    } else {
      const std::string& op = spec.comparison_operator;
      const char* symbol = op == "GreaterThanOrEqualToThreshold" ? ">="
                           : op == "GreaterThanThreshold"        ? ">"
                           : op == "LessThanThreshold"           ? "<"
                           : op == "LessThanOrEqualToThreshold"  ? "<="
                                                                 : "vs";
      line += spec.namespace_name + " " + spec.metric_name + " " + spec.statistic + " " + symbol +
              " " + cloudwatch::java_double(spec.threshold) + " (" +
              std::to_string(spec.datapoints_to_alarm) + " of " +
              std::to_string(spec.evaluation_periods) + " x " + std::to_string(spec.period_s) +
              " s)";
    }
    std::vector<std::string> guarded;
    for (const auto& function : stack.functions) {
      const auto& preference = function.deployment_preference;
      if (!preference || !preference->enabled) continue;
      for (const auto& name : preference->alarms)
        if (name == spec.name) guarded.push_back(function.logical_id);
    }
    if (!guarded.empty()) {
      line += "; stops the deployments of ";
      for (std::size_t i = 0; i < guarded.size(); ++i) line += (i ? ", " : "") + guarded[i];
    }
    lines.push_back(line);
  }
  return lines;
}

}  // namespace emu::app
