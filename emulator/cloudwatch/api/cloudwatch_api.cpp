#include "emulator/cloudwatch/api/cloudwatch_api.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <span>

#include "emulator/cloudwatch/alarm_definition.h"

namespace emu::cloudwatch {

using aws::WireJson;

namespace {

constexpr std::size_t kListMetricsPage = 500;  // ListMetrics: "up to 500 results" a call
constexpr std::size_t kMaxDatapoints = 1'440;  // GetMetricStatistics' limit per call

const aws::QueryCompatibleService kService{
    "GraniteServiceVersion20100801", "monitoring", "2010-08-01",
    "http://monitoring.amazonaws.com/doc/2010-08-01/", "CloudWatch", cloudwatch_error_shape,
    cloudwatch_error_status};

// A client's value quoted in a message: never throws on bytes that are not UTF-8, and short.
std::string shown(const WireJson& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return text.size() > 100 ? text.substr(0, 100) + "..." : text;
}

Error missing(const std::string& name) {
  return Error{"MissingParameter", "The parameter " + name + " is required."};
}
Error invalid(const std::string& message) { return Error{"InvalidParameterValue", message}; }

// A list member: an array, or nothing ("X=" is how query sends an empty list).
Result<std::vector<WireJson>> read_list(const WireJson& input, const char* name) {
  auto it = input.find(name);
  if (it == input.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty()))
    return std::vector<WireJson>();
  if (!it->is_array()) return invalid(std::string("The parameter ") + name + " must be a list.");
  return std::vector<WireJson>(it->begin(), it->end());
}

Result<std::vector<std::string>> read_strings(const WireJson& input, const char* name) {
  auto list = read_list(input, name);
  if (!list.ok()) return list.error();
  std::vector<std::string> out;
  for (const auto& item : list.value()) {
    if (!item.is_string())
      return invalid(std::string("The parameter ") + name + " must be a list of strings.");
    out.push_back(item.get<std::string>());
  }
  return out;
}

// Dimensions [{Name, Value}]. `filter`: Value may be absent (ListMetrics' DimensionFilter).
Result<std::vector<Dimension>> read_dimensions(const WireJson& input, const char* name,
                                               bool filter = false) {
  auto list = read_list(input, name);
  if (!list.ok()) return list.error();
  if (list->size() > 30) return invalid(std::string(name) + " has more than 30 dimensions.");
  std::vector<Dimension> out;
  for (const auto& item : list.value()) {
    if (!item.is_object()) return invalid(std::string(name) + " members must be {Name, Value}.");
    auto dimension_name = aws::read_text(item, "Name");
    auto value = aws::read_text(item, "Value");
    if (!dimension_name.ok()) return dimension_name.error();
    if (!value.ok()) return value.error();
    if (!dimension_name.value() || dimension_name.value()->empty())
      return missing(std::string(name) + ".Name");
    if (!filter && !value.value()) return missing(std::string(name) + ".Value");
    out.push_back({*dimension_name.value(), value.value().value_or("")});
  }
  return out;
}

WireJson dimensions_json(const std::vector<Dimension>& dimensions) {
  WireJson out = WireJson::array();
  for (const auto& d : dimensions) out.push_back({{"Name", d.name}, {"Value", d.value}});
  return out;
}

const char* comparison_name(Comparison c) {
  switch (c) {
    case Comparison::kGreaterOrEqual: return "GreaterThanOrEqualToThreshold";
    case Comparison::kGreater: return "GreaterThanThreshold";
    case Comparison::kLess: return "LessThanThreshold";
    case Comparison::kLessOrEqual: return "LessThanOrEqualToThreshold";
  }
  return "";
}

const char* missing_name(MissingData m) {
  switch (m) {
    case MissingData::kMissing: return "missing";
    case MissingData::kIgnore: return "ignore";
    case MissingData::kBreaching: return "breaching";
    case MissingData::kNotBreaching: return "notBreaching";
  }
  return "";
}

// MetricAlarm (botocore's cloudwatch model), members in the model's order.
WireJson metric_alarm_json(const AlarmStatus& a) {
  const auto& d = a.definition;
  auto strings = [](const std::vector<std::string>& list) {
    WireJson out = WireJson::array();
    for (const auto& s : list) out.push_back(s);
    return out;
  };
  WireJson out = {{"AlarmName", d.name}, {"AlarmArn", a.arn}};
  if (!d.description.empty()) out["AlarmDescription"] = d.description;
  out["AlarmConfigurationUpdatedTimestamp"] = aws::wire_timestamp(a.configuration_updated_ms);
  out["ActionsEnabled"] = d.actions_enabled;
  out["OKActions"] = strings(d.ok_actions);
  out["AlarmActions"] = strings(d.alarm_actions);
  out["InsufficientDataActions"] = strings(d.insufficient_data_actions);
  out["StateValue"] = state_name(a.state);
  out["StateReason"] = a.reason;
  if (!a.reason_data.empty()) out["StateReasonData"] = a.reason_data;
  out["StateUpdatedTimestamp"] = aws::wire_timestamp(a.state_updated_ms);
  if (!d.metric.metric_name.empty()) {
    out["MetricName"] = d.metric.metric_name;
    out["Namespace"] = d.metric.namespace_name;
    if (d.extended_statistic()) out["ExtendedStatistic"] = d.statistic;
    else if (!d.statistic.empty()) out["Statistic"] = d.statistic;
    out["Dimensions"] = dimensions_json(d.metric.dimensions);
    out["Period"] = d.rule.period_s;
  }
  if (!d.unit.empty()) out["Unit"] = d.unit;
  out["EvaluationPeriods"] = d.rule.evaluation_periods;
  out["DatapointsToAlarm"] = d.rule.datapoints_to_alarm;
  out["Threshold"] = d.rule.threshold;
  out["ComparisonOperator"] = comparison_name(d.rule.comparison);
  out["TreatMissingData"] = missing_name(d.rule.missing);
  if (d.extended_statistic())
    out["EvaluateLowSampleCountPercentile"] =
        d.rule.evaluate_low_sample_percentiles ? "evaluate" : "ignore";
  out["StateTransitionedTimestamp"] = aws::wire_timestamp(a.state_transitioned_ms);
  return out;
}

// NextToken: the index of the next item, as text.
Result<std::size_t> read_next_token(const WireJson& input) {
  auto token = aws::read_text(input, "NextToken");
  if (!token.ok()) return token.error();
  if (!token.value() || token.value()->empty()) return std::size_t{0};
  std::size_t index = 0;
  for (char c : *token.value()) {
    if (c < '0' || c > '9' || index > 100'000'000)
      return Error{"InvalidNextToken", "NextToken " + *token.value() +
                                           " was not returned by this emulator."};
    index = index * 10 + static_cast<std::size_t>(c - '0');
  }
  return index;
}

Result<std::size_t> read_max_records(const WireJson& input, std::size_t fallback) {
  auto max = aws::read_integer(input, "MaxRecords");
  if (!max.ok()) return max.error();
  if (!max.value()) return fallback;
  if (*max.value() < 1 || *max.value() > 100)
    return invalid("MaxRecords must be from 1 to 100; got " + std::to_string(*max.value()) + ".");
  return static_cast<std::size_t>(*max.value());
}

Result<std::int64_t> required_time(const WireJson& input, const char* name) {
  auto it = input.find(name);
  if (it == input.end() || it->is_null()) return missing(name);
  auto ms = aws::read_wire_timestamp(*it);
  if (!ms) return invalid(std::string("The parameter ") + name + " is not a timestamp: " +
                          shown(*it) + " (ISO 8601, e.g. 2026-12-07T10:00:00Z).");
  return *ms;
}

std::optional<AlarmState> parse_state(const std::string& text) {
  if (text == "OK") return AlarmState::kOk;
  if (text == "ALARM") return AlarmState::kAlarm;
  if (text == "INSUFFICIENT_DATA") return AlarmState::kInsufficientData;
  return std::nullopt;
}

// A StatisticSet from StatisticValues (SampleCount, Sum, Minimum, Maximum), exact in count, sum,
// minimum and maximum (percentiles of such data are approximate on AWS too).
StatisticSet statistic_set(double count, double sum, double minimum, double maximum) {
  StatisticSet set;
  if (count <= 1) {
    set.add(sum / count, count);
    return set;
  }
  set.add(minimum, 1);
  set.add(maximum, 1);
  if (count > 2) set.add((sum - minimum - maximum) / (count - 2), count - 2);
  return set;
}

}  // namespace

std::string cloudwatch_error_shape(std::string_view code) {
  if (code == "InvalidParameterValue") return "InvalidParameterValueException";
  if (code == "MissingParameter") return "MissingRequiredParameterException";
  if (code == "InvalidParameterCombination") return "InvalidParameterCombinationException";
  if (code == "LimitExceeded") return "LimitExceededFault";
  if (code == "InvalidFormat") return "InvalidFormatFault";
  if (code == "InternalServiceError") return "InternalServiceFault";
  return std::string(code);
}

unsigned cloudwatch_error_status(std::string_view code) {
  if (code == "ResourceNotFound") return 404;
  if (code == "InternalServiceError") return 500;
  return 400;
}

CloudWatchApi::CloudWatchApi(Alarms& alarms, MetricStore& store, Clock& clock,
                             std::function<void()> flush)
    : alarms_(alarms), store_(store), clock_(clock), flush_(std::move(flush)), protocols_(kService) {}

bool CloudWatchApi::accepts(const server::HttpRequest& request) const {
  return protocols_.protocol_of(request).has_value();
}

void CloudWatchApi::handle(server::HttpRequest request, const server::ClientInfo&,
                           server::Respond respond) {
  const unsigned version = request.version();
  auto protocol = protocols_.protocol_of(request).value_or(aws::WireProtocol::kQuery);
  auto decoded = protocols_.decode(request, protocol);
  if (!decoded.ok()) return respond(protocols_.error(protocol, decoded.error(), version));
  auto output = call(decoded->action, decoded->input);
  if (!output.ok()) return respond(protocols_.error(protocol, output.error(), version));
  respond(protocols_.ok(decoded.value(), output.value(), version));
}

Result<WireJson> CloudWatchApi::call(const std::string& action, const WireJson& input) {
  if (action == "DescribeAlarms") return describe_alarms(input);
  if (action == "DescribeAlarmHistory") return describe_alarm_history(input);
  if (action == "SetAlarmState") return set_alarm_state(input);
  if (action == "PutMetricAlarm") return put_metric_alarm(input);
  if (action == "DeleteAlarms") return delete_alarms(input);
  if (action == "PutMetricData") return put_metric_data(input);
  if (action == "GetMetricStatistics") return get_metric_statistics(input);
  if (action == "GetMetricData") return get_metric_data(input);
  if (action == "ListMetrics") return list_metrics(input);
  return Error{"InvalidAction",
               "The CloudWatch API of this emulator has no action '" + action +
                   "'; supported: DescribeAlarms, DescribeAlarmHistory, SetAlarmState, "
                   "PutMetricAlarm, DeleteAlarms, PutMetricData, GetMetricStatistics, "
                   "GetMetricData, ListMetrics (see docs/alarms.md)"};
}

Result<WireJson> CloudWatchApi::describe_alarms(const WireJson& input) {
  auto names = read_strings(input, "AlarmNames");
  auto prefix = aws::read_text(input, "AlarmNamePrefix");
  auto state = aws::read_text(input, "StateValue");
  auto action_prefix = aws::read_text(input, "ActionPrefix");
  auto types = read_strings(input, "AlarmTypes");
  auto max = read_max_records(input, 50);
  auto start = read_next_token(input);
  for (const Error* e : {names.ok() ? nullptr : &names.error(), prefix.ok() ? nullptr : &prefix.error(),
                         state.ok() ? nullptr : &state.error(),
                         action_prefix.ok() ? nullptr : &action_prefix.error(),
                         types.ok() ? nullptr : &types.error(), max.ok() ? nullptr : &max.error(),
                         start.ok() ? nullptr : &start.error()})
    if (e) return *e;
  if (names->size() > 100) return invalid("AlarmNames takes at most 100 names.");
  if (!names->empty() && prefix.value())
    return Error{"InvalidParameterCombination",
                 "AlarmNames and AlarmNamePrefix are mutually exclusive."};
  if (state.value() && !parse_state(*state.value()))
    return Error{"ValidationError", "1 validation error detected: Value '" + *state.value() +
                                        "' at 'stateValue' failed to satisfy constraint: Member "
                                        "must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]"};
  const bool metric_alarms =
      types->empty() || std::find(types->begin(), types->end(), "MetricAlarm") != types->end();
  const bool composite =
      std::find(types->begin(), types->end(), "CompositeAlarm") != types->end();

  std::vector<AlarmStatus> matching;
  if (metric_alarms) {
    for (auto& alarm : alarms_.list()) {
      const auto& name = alarm.definition.name;
      if (!names->empty() && std::find(names->begin(), names->end(), name) == names->end()) continue;
      if (prefix.value() && !name.starts_with(*prefix.value())) continue;
      if (state.value() && *state.value() != state_name(alarm.state)) continue;
      if (action_prefix.value()) {
        bool any = false;
        for (const auto* list : {&alarm.definition.ok_actions, &alarm.definition.alarm_actions,
                                 &alarm.definition.insufficient_data_actions})
          for (const auto& action : *list) any = any || action.starts_with(*action_prefix.value());
        if (!any) continue;
      }
      matching.push_back(std::move(alarm));
    }
  }
  WireJson out = WireJson::object();
  WireJson list = WireJson::array();
  const std::size_t end = std::min(matching.size(), start.value() + max.value());
  for (std::size_t i = start.value(); i < end; ++i) list.push_back(metric_alarm_json(matching[i]));
  if (composite) out["CompositeAlarms"] = WireJson::array();
  out["MetricAlarms"] = std::move(list);
  if (end < matching.size()) out["NextToken"] = std::to_string(end);
  return out;
}

Result<WireJson> CloudWatchApi::describe_alarm_history(const WireJson& input) {
  HistoryQuery query;
  auto name = aws::read_text(input, "AlarmName");
  auto type = aws::read_text(input, "HistoryItemType");
  auto scan = aws::read_text(input, "ScanBy");
  auto max = read_max_records(input, 100);
  auto start = read_next_token(input);
  for (const Error* e : {name.ok() ? nullptr : &name.error(), type.ok() ? nullptr : &type.error(),
                         scan.ok() ? nullptr : &scan.error(), max.ok() ? nullptr : &max.error(),
                         start.ok() ? nullptr : &start.error()})
    if (e) return *e;
  query.alarm_name = name.value().value_or("");
  query.type = type.value().value_or("");
  if (!query.type.empty() && query.type != "ConfigurationUpdate" && query.type != "StateUpdate" &&
      query.type != "Action" && query.type != "AlarmContributorStateUpdate" &&
      query.type != "AlarmContributorAction")
    return Error{"ValidationError", "1 validation error detected: Value '" + query.type +
                                        "' at 'historyItemType' failed to satisfy constraint: "
                                        "Member must satisfy enum value set: [ConfigurationUpdate, "
                                        "StateUpdate, Action, AlarmContributorStateUpdate, "
                                        "AlarmContributorAction]"};
  if (scan.value() && *scan.value() != "TimestampDescending" && *scan.value() != "TimestampAscending")
    return invalid("ScanBy must be TimestampDescending or TimestampAscending.");
  query.oldest_first = scan.value() && *scan.value() == "TimestampAscending";
  for (const char* key : {"StartDate", "EndDate"}) {
    auto it = input.find(key);
    if (it == input.end() || it->is_null()) continue;
    auto ms = aws::read_wire_timestamp(*it);
    if (!ms) return invalid(std::string(key) + " is not a timestamp: " + shown(*it));
    (std::string(key) == "StartDate" ? query.start_ms : query.end_ms) = *ms;
  }
  auto items = alarms_.history(query);
  WireJson list = WireJson::array();
  const std::size_t end = std::min(items.size(), start.value() + max.value());
  for (std::size_t i = start.value(); i < end; ++i) {
    const auto& item = items[i];
    list.push_back({{"AlarmName", item.alarm_name},
                    {"AlarmType", "MetricAlarm"},
                    {"Timestamp", aws::wire_timestamp(item.timestamp_ms)},
                    {"HistoryItemType", item.type},
                    {"HistorySummary", item.summary},
                    {"HistoryData", item.data}});
  }
  WireJson out = {{"AlarmHistoryItems", std::move(list)}};
  if (end < items.size()) out["NextToken"] = std::to_string(end);
  return out;
}

Result<WireJson> CloudWatchApi::set_alarm_state(const WireJson& input) {
  auto name = aws::read_text(input, "AlarmName");
  auto state = aws::read_text(input, "StateValue");
  auto reason = aws::read_text(input, "StateReason");
  auto data = aws::read_text(input, "StateReasonData");
  for (const Error* e : {name.ok() ? nullptr : &name.error(), state.ok() ? nullptr : &state.error(),
                         reason.ok() ? nullptr : &reason.error(), data.ok() ? nullptr : &data.error()})
    if (e) return *e;
  if (!name.value()) return missing("AlarmName");
  if (!state.value()) return missing("StateValue");
  if (!reason.value()) return missing("StateReason");
  auto value = parse_state(*state.value());
  if (!value)
    return Error{"ValidationError", "1 validation error detected: Value '" + *state.value() +
                                        "' at 'stateValue' failed to satisfy constraint: Member "
                                        "must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]"};
  if (reason.value()->size() > 1023) return invalid("StateReason is longer than 1023 characters.");
  if (data.value() && data.value()->size() > 4000)
    return invalid("StateReasonData is longer than 4000 characters.");
  auto set = alarms_.set_state(*name.value(), *value, *reason.value(), data.value().value_or(""));
  if (!set.ok()) return set.error();
  return WireJson(nullptr);
}

Result<WireJson> CloudWatchApi::put_metric_alarm(const WireJson& input) {
  AlarmFields f;
  std::optional<Error> failed;
  auto text = [&](const char* key, std::string& out) {
    auto value = aws::read_text(input, key);
    if (!value.ok()) failed = value.error();
    else out = value.value().value_or("");
  };
  auto integer = [&](const char* key, std::optional<int>& out) {
    auto value = aws::read_integer(input, key);
    if (!value.ok()) failed = value.error();
    else if (value.value()) out = static_cast<int>(std::clamp<std::int64_t>(*value.value(), -1, 1'000'000'000));
  };
  auto strings = [&](const char* key, std::vector<std::string>& out) {
    auto value = read_strings(input, key);
    if (!value.ok()) failed = value.error();
    else out = std::move(value).value();
  };
  text("AlarmName", f.name);
  text("AlarmDescription", f.description);
  text("Namespace", f.namespace_name);
  text("MetricName", f.metric_name);
  text("Statistic", f.statistic);
  text("ExtendedStatistic", f.extended_statistic);
  text("ComparisonOperator", f.comparison_operator);
  text("TreatMissingData", f.treat_missing_data);
  text("EvaluateLowSampleCountPercentile", f.evaluate_low_sample_count_percentile);
  text("Unit", f.unit);
  integer("Period", f.period_s);
  integer("EvaluationPeriods", f.evaluation_periods);
  integer("DatapointsToAlarm", f.datapoints_to_alarm);
  strings("OKActions", f.ok_actions);
  strings("AlarmActions", f.alarm_actions);
  strings("InsufficientDataActions", f.insufficient_data_actions);
  if (failed) return *failed;
  if (f.name.empty()) return missing("AlarmName");
  auto threshold = aws::read_number(input, "Threshold");
  if (!threshold.ok()) return threshold.error();
  f.threshold = threshold.value();
  auto enabled = aws::read_bool(input, "ActionsEnabled");
  if (!enabled.ok()) return enabled.error();
  f.actions_enabled = enabled.value().value_or(true);
  auto dimensions = read_dimensions(input, "Dimensions");
  if (!dimensions.ok()) return dimensions.error();
  f.dimensions = std::move(dimensions).value();
  auto metrics = read_list(input, "Metrics");
  if (!metrics.ok()) return metrics.error();
  if (!metrics->empty()) {
    if (!f.metric_name.empty())
      return Error{"InvalidParameterCombination",
                   "Metrics (metric math) and MetricName are mutually exclusive."};
    f.not_evaluated = "it alarms on metric math (Metrics), which the emulator does not compute";
  }
  auto definition = make_alarm_definition(std::move(f));
  if (!definition.ok()) return definition.error();
  auto put = alarms_.put(std::move(definition).value());
  if (!put.ok()) return put.error();
  return WireJson(nullptr);
}

Result<WireJson> CloudWatchApi::delete_alarms(const WireJson& input) {
  auto names = read_strings(input, "AlarmNames");
  if (!names.ok()) return names.error();
  if (names->empty()) return missing("AlarmNames");
  if (names->size() > 100) return invalid("AlarmNames takes at most 100 names.");
  auto removed = alarms_.remove(names.value());
  if (!removed.ok()) return removed.error();
  return WireJson(nullptr);
}

Result<WireJson> CloudWatchApi::put_metric_data(const WireJson& input) {
  auto namespace_name = aws::read_text(input, "Namespace");
  if (!namespace_name.ok()) return namespace_name.error();
  if (!namespace_name.value() || namespace_name.value()->empty()) return missing("Namespace");
  const std::string& ns = *namespace_name.value();
  if (ns.starts_with("AWS/"))
    return invalid("The value " + ns + " for parameter Namespace is invalid: namespaces starting "
                   "with AWS/ are reserved for AWS services.");
  auto data = read_list(input, "MetricData");
  if (!data.ok()) return data.error();
  if (data->empty()) return missing("MetricData");
  if (data->size() > 1000) return invalid("MetricData takes at most 1000 items.");

  struct Record {
    MetricId id;
    std::int64_t at;
    StatisticSet values;
    std::string unit;
  };
  std::vector<Record> records;
  const std::int64_t virtual_now = clock_.epoch_ms(clock_.now());
  const std::int64_t wall_now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
  for (std::size_t i = 0; i < data->size(); ++i) {
    const WireJson& datum = data.value()[i];
    const std::string where = "MetricData.member." + std::to_string(i + 1);
    if (!datum.is_object()) return invalid(where + " must be a structure.");
    auto name = aws::read_text(datum, "MetricName");
    if (!name.ok()) return name.error();
    if (!name.value() || name.value()->empty()) return missing(where + ".MetricName");
    auto dimensions = read_dimensions(datum, "Dimensions");
    if (!dimensions.ok()) return Error{dimensions.error().code, where + ": " + dimensions.error().message};
    auto unit = aws::read_text(datum, "Unit");
    if (!unit.ok()) return unit.error();
    Record record{{ns, *name.value(), std::move(dimensions).value()}, virtual_now, {},
                  unit.value().value_or("")};
    if (auto it = datum.find("Timestamp"); it != datum.end() && !it->is_null()) {
      auto at = aws::read_wire_timestamp(*it);
      if (!at) return invalid(where + ".Timestamp is not a timestamp: " + shown(*it));
      // Two weeks back, two hours ahead: PutMetricData's window.
      if (*at < wall_now - 14LL * 86'400'000 || *at > wall_now + 2LL * 3'600'000)
        return invalid(where + ".Timestamp is outside the window CloudWatch accepts (up to two "
                       "weeks in the past and two hours in the future).");
      record.at = virtual_now + (*at - wall_now);
    }
    auto value = aws::read_number(datum, "Value");
    if (!value.ok()) return value.error();
    auto values = read_list(datum, "Values");
    if (!values.ok()) return values.error();
    auto counts = read_list(datum, "Counts");
    if (!counts.ok()) return counts.error();
    const bool has_set = datum.contains("StatisticValues") && !datum["StatisticValues"].is_null();
    if ((value.value() ? 1 : 0) + (has_set ? 1 : 0) + (values->empty() ? 0 : 1) > 1)
      return Error{"InvalidParameterCombination",
                   where + ": Value, StatisticValues and Values are mutually exclusive."};
    auto finite = [&](double v) -> std::optional<Error> {
      if (std::isfinite(v) && std::fabs(v) <= 8.515920e+109 &&
          (v == 0 || std::fabs(v) >= 1e-130))
        return std::nullopt;
      return invalid(where + ": the value " + std::to_string(v) +
                     " is outside what CloudWatch accepts (finite, 1e-130 to 8.5e109 in magnitude, "
                     "or 0).");
    };
    if (value.value()) {
      if (auto bad = finite(*value.value())) return *bad;
      record.values.add(*value.value());
    } else if (has_set) {
      const WireJson& set = datum["StatisticValues"];
      double parts[4];
      const char* keys[4] = {"SampleCount", "Sum", "Minimum", "Maximum"};
      for (int k = 0; k < 4; ++k) {
        auto number = aws::read_number(set, keys[k]);
        if (!number.ok()) return number.error();
        if (!number.value()) return missing(where + ".StatisticValues." + keys[k]);
        if (auto bad = finite(*number.value())) return *bad;
        parts[k] = *number.value();
      }
      if (parts[0] <= 0 || parts[2] > parts[3])
        return invalid(where + ".StatisticValues: SampleCount must be positive and Minimum at "
                       "most Maximum.");
      record.values = statistic_set(parts[0], parts[1], parts[2], parts[3]);
    } else if (!values->empty()) {
      if (values->size() > 150) return invalid(where + ".Values takes at most 150 values.");
      if (!counts->empty() && counts->size() != values->size())
        return invalid(where + ": Values and Counts must have the same number of items.");
      for (std::size_t v = 0; v < values->size(); ++v) {
        WireJson holder = {{"v", values.value()[v]},
                           {"c", counts->empty() ? WireJson(1) : counts.value()[v]}};
        auto number = aws::read_number(holder, "v");
        auto count = aws::read_number(holder, "c");
        if (!number.ok() || !count.ok() || !number.value() || !count.value())
          return invalid(where + ".Values and Counts must be numbers.");
        if (auto bad = finite(*number.value())) return *bad;
        if (*count.value() <= 0) continue;
        record.values.add(*number.value(), *count.value());
      }
    } else {
      return missing(where + ".Value (or StatisticValues, or Values)");
    }
    records.push_back(std::move(record));
  }
  for (const auto& record : records)
    if (!record.values.empty() && !store_.record_set(record.id, record.at, record.values, record.unit))
      return Error{"LimitExceeded", "The emulator keeps at most 5000 metrics; " +
                                        record.id.metric_name + " is one too many."};
  return WireJson(nullptr);
}

Result<WireJson> CloudWatchApi::get_metric_statistics(const WireJson& input) {
  auto ns = aws::read_text(input, "Namespace");
  auto name = aws::read_text(input, "MetricName");
  auto period = aws::read_integer(input, "Period");
  auto statistics = read_strings(input, "Statistics");
  auto extended = read_strings(input, "ExtendedStatistics");
  auto dimensions = read_dimensions(input, "Dimensions");
  for (const Error* e : {ns.ok() ? nullptr : &ns.error(), name.ok() ? nullptr : &name.error(),
                         period.ok() ? nullptr : &period.error(),
                         statistics.ok() ? nullptr : &statistics.error(),
                         extended.ok() ? nullptr : &extended.error(),
                         dimensions.ok() ? nullptr : &dimensions.error()})
    if (e) return *e;
  if (!ns.value()) return missing("Namespace");
  if (!name.value()) return missing("MetricName");
  if (!period.value()) return missing("Period");
  auto start = required_time(input, "StartTime");
  if (!start.ok()) return start.error();
  auto end = required_time(input, "EndTime");
  if (!end.ok()) return end.error();
  if (statistics->empty() && extended->empty())
    return Error{"InvalidParameterCombination",
                 "Must specify either Statistics or ExtendedStatistics."};
  if (statistics->size() + extended->size() > 10)
    return invalid("Statistics and ExtendedStatistics together take at most 10 statistics.");
  const std::int64_t p = *period.value();
  if (p > 86'400 * 366)
    return invalid("Period " + std::to_string(p) + " is longer than a year.");
  if (p < 60 || p % 60 != 0)
    return invalid("Period " + std::to_string(p) + " is not a multiple of 60: the emulator keeps "
                   "metrics at standard (one-minute) resolution.");
  if (end.value() <= start.value())
    return invalid("The parameter StartTime must be before EndTime.");
  const std::int64_t requested = (end.value() - start.value()) / (p * 1000) + 1;
  if (static_cast<std::size_t>(requested) > kMaxDatapoints)
    return Error{"InvalidParameterCombination",
                 "You have requested up to " + std::to_string(requested) +
                     " datapoints, which exceeds the limit of 1,440. You may reduce the datapoints "
                     "requested by increasing Period, or decreasing the time range."};
  std::vector<Statistic> parsed;
  for (const auto& s : statistics.value()) {
    auto statistic = Statistic::parse(s);
    if (!statistic.ok() || statistic->kind == Statistic::Kind::kPercentile)
      return invalid("Statistics " + s + " is not one of SampleCount, Average, Sum, Minimum, "
                     "Maximum.");
    parsed.push_back(statistic.value());
  }
  std::vector<Statistic> percentiles;
  for (const auto& s : extended.value()) {
    auto statistic = Statistic::parse(s);
    if (!statistic.ok() || statistic->kind != Statistic::Kind::kPercentile)
      return invalid("ExtendedStatistics " + s + " is not a percentile such as p99.");
    percentiles.push_back(statistic.value());
  }
  if (flush_) flush_();
  MetricId id{*ns.value(), *name.value(), dimensions.value()};
  std::string unit = "None";
  for (const auto& [metric, metric_unit] : store_.metrics())
    if (metric.key() == id.key() && !metric_unit.empty()) unit = metric_unit;
  WireJson points = WireJson::array();
  for (const auto& point : store_.query(id, start.value(), end.value(), static_cast<int>(p))) {
    WireJson out = {{"Timestamp", aws::wire_timestamp(point.timestamp_ms)}};
    for (const auto& statistic : parsed) out[statistic.name] = *point.values.value(statistic);
    out["Unit"] = unit;
    if (!percentiles.empty()) {
      WireJson map = WireJson::object();
      for (const auto& statistic : percentiles) map[statistic.name] = *point.values.value(statistic);
      out["ExtendedStatistics"] = aws::wire_map(std::move(map));
    }
    points.push_back(std::move(out));
  }
  return WireJson{{"Label", *name.value()}, {"Datapoints", std::move(points)}};
}

Result<WireJson> CloudWatchApi::get_metric_data(const WireJson& input) {
  auto queries = read_list(input, "MetricDataQueries");
  if (!queries.ok()) return queries.error();
  if (queries->empty()) return missing("MetricDataQueries");
  if (queries->size() > 500) return invalid("MetricDataQueries takes at most 500 queries.");
  auto start = required_time(input, "StartTime");
  if (!start.ok()) return start.error();
  auto end = required_time(input, "EndTime");
  if (!end.ok()) return end.error();
  if (end.value() <= start.value()) return invalid("The parameter StartTime must be before EndTime.");
  auto scan = aws::read_text(input, "ScanBy");
  if (!scan.ok()) return scan.error();
  const bool ascending = scan.value() && *scan.value() == "TimestampAscending";
  if (flush_) flush_();
  WireJson results = WireJson::array();
  for (std::size_t i = 0; i < queries->size(); ++i) {
    const WireJson& q = queries.value()[i];
    const std::string where = "MetricDataQueries.member." + std::to_string(i + 1);
    if (!q.is_object()) return invalid(where + " must be a structure.");
    auto id = aws::read_text(q, "Id");
    if (!id.ok()) return id.error();
    if (!id.value() || id.value()->empty()) return missing(where + ".Id");
    const std::string& query_id = *id.value();
    if (!std::islower(static_cast<unsigned char>(query_id[0])) ||
        !std::all_of(query_id.begin(), query_id.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
        }))
      return invalid(where + ".Id " + query_id + " must start with a lower-case letter and hold "
                     "only letters, digits and underscores.");
    if (q.contains("Expression"))
      return invalid(where + ": metric math (Expression) is not computed by the emulator; query "
                     "the metrics with MetricStat.");
    auto return_data = aws::read_bool(q, "ReturnData");
    if (!return_data.ok()) return return_data.error();
    if (!return_data.value().value_or(true)) continue;
    auto stat_it = q.find("MetricStat");
    if (stat_it == q.end() || !stat_it->is_object()) return missing(where + ".MetricStat");
    const WireJson& stat = *stat_it;
    auto period = aws::read_integer(stat, "Period");
    auto stat_name = aws::read_text(stat, "Stat");
    if (!period.ok()) return period.error();
    if (!stat_name.ok()) return stat_name.error();
    if (!period.value()) return missing(where + ".MetricStat.Period");
    if (!stat_name.value()) return missing(where + ".MetricStat.Stat");
    if (*period.value() < 60 || *period.value() % 60 != 0 || *period.value() > 86'400 * 366)
      return invalid(where + ".MetricStat.Period must be a multiple of 60 up to a year (the "
                     "emulator keeps one-minute resolution).");
    auto statistic = Statistic::parse(*stat_name.value());
    if (!statistic.ok()) return invalid(where + ".MetricStat.Stat: " + statistic.error().message);
    auto metric_it = stat.find("Metric");
    if (metric_it == stat.end() || !metric_it->is_object()) return missing(where + ".MetricStat.Metric");
    auto ns = aws::read_text(*metric_it, "Namespace");
    auto name = aws::read_text(*metric_it, "MetricName");
    auto dimensions = read_dimensions(*metric_it, "Dimensions");
    if (!ns.ok()) return ns.error();
    if (!name.ok()) return name.error();
    if (!dimensions.ok()) return dimensions.error();
    if (!ns.value() || !name.value()) return missing(where + ".MetricStat.Metric.Namespace/MetricName");
    auto label = aws::read_text(q, "Label");
    if (!label.ok()) return label.error();
    auto points = store_.query({*ns.value(), *name.value(), dimensions.value()}, start.value(),
                               end.value(), static_cast<int>(*period.value()));
    if (!ascending) std::reverse(points.begin(), points.end());
    WireJson timestamps = WireJson::array();
    WireJson values = WireJson::array();
    for (const auto& point : points) {
      auto value = point.values.value(statistic.value());
      if (!value) continue;
      timestamps.push_back(aws::wire_timestamp(point.timestamp_ms));
      values.push_back(*value);
    }
    results.push_back({{"Id", query_id},
                       {"Label", label.value().value_or(*name.value())},
                       {"Timestamps", std::move(timestamps)},
                       {"Values", std::move(values)},
                       {"StatusCode", "Complete"}});
  }
  return WireJson{{"MetricDataResults", std::move(results)}, {"Messages", WireJson::array()}};
}

Result<WireJson> CloudWatchApi::list_metrics(const WireJson& input) {
  auto ns = aws::read_text(input, "Namespace");
  auto name = aws::read_text(input, "MetricName");
  auto filters = read_dimensions(input, "Dimensions", /*filter=*/true);
  auto start = read_next_token(input);
  for (const Error* e : {ns.ok() ? nullptr : &ns.error(), name.ok() ? nullptr : &name.error(),
                         filters.ok() ? nullptr : &filters.error(),
                         start.ok() ? nullptr : &start.error()})
    if (e) return *e;
  if (flush_) flush_();
  std::vector<MetricId> matching;
  for (auto& [metric, unit] : store_.metrics()) {
    if (ns.value() && metric.namespace_name != *ns.value()) continue;
    if (name.value() && metric.metric_name != *name.value()) continue;
    bool all = true;
    for (const auto& filter : filters.value()) {
      bool found = false;
      for (const auto& d : metric.dimensions)
        found = found || (d.name == filter.name && (filter.value.empty() || d.value == filter.value));
      all = all && found;
    }
    if (all) matching.push_back(std::move(metric));
  }
  WireJson list = WireJson::array();
  const std::size_t end = std::min(matching.size(), start.value() + kListMetricsPage);
  for (std::size_t i = start.value(); i < end; ++i)
    list.push_back({{"Namespace", matching[i].namespace_name},
                    {"MetricName", matching[i].metric_name},
                    {"Dimensions", dimensions_json(matching[i].dimensions)}});
  WireJson out = {{"Metrics", std::move(list)}};
  if (end < matching.size()) out["NextToken"] = std::to_string(end);
  return out;
}

}  // namespace emu::cloudwatch
