#include "emulator/cloudwatch/alarms.h"

#include <algorithm>
#include <deque>
#include <nlohmann/json.hpp>

#include "emulator/core/log.h"
#include "emulator/core/timestamps.h"

namespace emu::cloudwatch {

using Json = nlohmann::ordered_json;

struct Alarms::Entry {
  AlarmStatus status;
  std::deque<AlarmHistoryItem> history;  // oldest first
};

namespace {

constexpr std::int64_t kMinuteMs = 60'000;

// The definition in the camelCase form CloudWatch writes into a ConfigurationUpdate's
// HistoryData ("createdAlarm", "updatedAlarm").
Json definition_json(const AlarmDefinition& d) {
  Json dimensions = Json::array();
  for (const auto& dimension : d.metric.dimensions)
    dimensions.push_back({{"name", dimension.name}, {"value", dimension.value}});
  Json out = {{"alarmName", d.name},
              {"actionsEnabled", d.actions_enabled},
              {"namespace", d.metric.namespace_name},
              {"metricName", d.metric.metric_name},
              {"dimensions", dimensions},
              {"period", d.rule.period_s},
              {"evaluationPeriods", d.rule.evaluation_periods},
              {"datapointsToAlarm", d.rule.datapoints_to_alarm},
              {"threshold", d.rule.threshold},
              {"comparisonOperator", ""},
              {"treatMissingData", ""}};
  if (d.extended_statistic()) out["extendedStatistic"] = d.statistic;
  else out["statistic"] = d.statistic;
  switch (d.rule.comparison) {
    case Comparison::kGreaterOrEqual: out["comparisonOperator"] = "GreaterThanOrEqualToThreshold"; break;
    case Comparison::kGreater: out["comparisonOperator"] = "GreaterThanThreshold"; break;
    case Comparison::kLess: out["comparisonOperator"] = "LessThanThreshold"; break;
    case Comparison::kLessOrEqual: out["comparisonOperator"] = "LessThanOrEqualToThreshold"; break;
  }
  switch (d.rule.missing) {
    case MissingData::kMissing: out["treatMissingData"] = "missing"; break;
    case MissingData::kIgnore: out["treatMissingData"] = "ignore"; break;
    case MissingData::kBreaching: out["treatMissingData"] = "breaching"; break;
    case MissingData::kNotBreaching: out["treatMissingData"] = "notBreaching"; break;
  }
  if (!d.description.empty()) out["alarmDescription"] = d.description;
  if (!d.unit.empty()) out["unit"] = d.unit;
  if (d.extended_statistic())
    out["evaluateLowSampleCountPercentile"] =
        d.rule.evaluate_low_sample_percentiles ? "evaluate" : "ignore";
  // Lower-case "okactions", as CloudWatch writes it there.
  out["alarmActions"] = d.alarm_actions;
  out["insufficientDataActions"] = d.insufficient_data_actions;
  out["okactions"] = d.ok_actions;
  return out;
}

// StateReasonData as CloudWatch writes it for a threshold alarm (recorded from AWS in LocalStack's
// validated snapshots and the CLI's describe-alarm-history examples): version, queryDate,
// startDate (the oldest datapoint shown), unit (only when the alarm has one), the statistic, the
// period, recentDatapoints oldest first, the threshold, and evaluatedDatapoints newest first.
std::string reason_data_for(const AlarmDefinition& d, const Evaluation& e, std::int64_t now_ms) {
  Json recent = Json::array();
  Json evaluated = Json::array();
  for (auto it = e.recent.rbegin(); it != e.recent.rend(); ++it) recent.push_back(*it->value);
  for (const auto& point : e.recent)
    evaluated.push_back({{"timestamp", iso8601_offset(point.timestamp_ms)},
                         {"sampleCount", point.sample_count},
                         {"value", *point.value}});
  Json data = {{"version", "1.0"}, {"queryDate", iso8601_offset(now_ms)}};
  if (!e.recent.empty()) data["startDate"] = iso8601_offset(e.recent.back().timestamp_ms);
  if (!d.unit.empty()) data["unit"] = d.unit;
  if (d.extended_statistic()) data["extendedStatistic"] = d.statistic;
  else data["statistic"] = d.statistic;
  data["period"] = d.rule.period_s;
  data["recentDatapoints"] = recent;
  data["threshold"] = d.rule.threshold;
  if (!evaluated.empty()) data["evaluatedDatapoints"] = evaluated;
  return data.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json state_json(AlarmState state, const std::string& reason, const std::string& reason_data) {
  Json out = {{"stateValue", state_name(state)}, {"stateReason", reason}};
  if (!reason_data.empty()) {
    auto parsed = Json::parse(reason_data, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) out["stateReasonData"] = parsed;
  }
  return out;
}

}  // namespace

Alarms::Alarms(Clock& clock, MetricStore& store, std::string region, std::string account_id)
    : clock_(clock), store_(store), region_(std::move(region)), account_id_(std::move(account_id)) {}

Alarms::~Alarms() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  if (timer_) clock_.cancel(*timer_);
}

void Alarms::start() {
  std::lock_guard lock(mutex_);
  schedule_next();
}

// At the next whole minute of the clock's epoch time, so an evaluation sees complete minutes.
void Alarms::schedule_next() {
  if (stopped_) return;
  const auto now = clock_.now();
  const std::int64_t epoch = clock_.epoch_ms(now);
  const std::int64_t next_minute = (epoch / kMinuteMs + 1) * kMinuteMs;
  timer_ = clock_.schedule_at(now + std::chrono::milliseconds(next_minute - epoch), [this] {
    evaluate_all();
    std::lock_guard lock(mutex_);
    schedule_next();
  });
}

Result<bool> Alarms::put(AlarmDefinition definition) {
  std::vector<Change> changes;
  {
    std::lock_guard lock(mutex_);
    const std::int64_t now_ms = clock_.epoch_ms(clock_.now());
    auto it = alarms_.find(definition.name);
    if (it == alarms_.end()) {
      if (alarms_.size() >= kMaxAlarms)
        return Error{"LimitExceeded", "The emulator keeps at most " + std::to_string(kMaxAlarms) +
                                          " alarms; delete some (aws cloudwatch delete-alarms)."};
      Entry entry;
      auto& s = entry.status;
      s.definition = std::move(definition);
      s.arn = "arn:aws:cloudwatch:" + region_ + ":" + account_id_ + ":alarm:" + s.definition.name;
      s.reason = "Unchecked: Initial alarm creation";
      s.state_updated_ms = s.state_transitioned_ms = s.configuration_updated_ms = now_ms;
      const std::string name = s.definition.name;
      Json data = {{"type", "Create"}, {"version", "1.0"},
                   {"createdAlarm", definition_json(s.definition)}};
      auto& stored = alarms_.emplace(name, std::move(entry)).first->second;
      add_history_locked(stored, {name, now_ms, "ConfigurationUpdate",
                                  "Alarm \"" + name + "\" created", data.dump(-1, ' ', false, Json::error_handler_t::replace)});
      evaluate_locked(stored, now_ms, changes);
    } else {
      auto& s = it->second.status;
      const Json before = definition_json(s.definition);
      if (before == definition_json(definition) &&
          s.definition.not_evaluated == definition.not_evaluated)
        return true;  // nothing changes (a redeploy of an unchanged template)
      Json data = {{"type", "Update"}, {"version", "1.0"},
                   {"oldAlarm", before},
                   {"updatedAlarm", definition_json(definition)}};
      s.definition = std::move(definition);
      s.configuration_updated_ms = now_ms;
      add_history_locked(it->second, {s.definition.name, now_ms, "ConfigurationUpdate",
                                      "Alarm \"" + s.definition.name + "\" updated", data.dump(-1, ' ', false, Json::error_handler_t::replace)});
      evaluate_locked(it->second, now_ms, changes);
    }
  }
  notify(changes);
  return true;
}

Result<bool> Alarms::remove(const std::vector<std::string>& names) {
  std::lock_guard lock(mutex_);
  for (const auto& name : names)
    if (!alarms_.count(name))
      return Error{"ResourceNotFound", "Alarm " + name + " does not exist; nothing was deleted "
                                       "(aws cloudwatch describe-alarms lists the alarms)."};
  for (const auto& name : names) alarms_.erase(name);
  return true;
}

Result<bool> Alarms::set_state(const std::string& name, AlarmState state,
                               const std::string& reason, const std::string& reason_data) {
  if (!reason_data.empty()) {
    auto parsed = nlohmann::json::parse(reason_data, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
      return Error{"InvalidFormat", "StateReasonData must be a JSON object; got: " +
                                        reason_data.substr(0, 200)};
  }
  std::vector<Change> changes;
  {
    std::lock_guard lock(mutex_);
    auto it = alarms_.find(name);
    if (it == alarms_.end())
      return Error{"ResourceNotFound", "Alarm " + name + " does not exist."};
    transition_locked(it->second, state, reason, reason_data,
                      clock_.epoch_ms(clock_.now()), changes);
  }
  notify(changes);
  return true;
}

std::optional<AlarmStatus> Alarms::get(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = alarms_.find(name);
  if (it == alarms_.end()) return std::nullopt;
  return it->second.status;
}

std::vector<AlarmStatus> Alarms::list() const {
  std::lock_guard lock(mutex_);
  std::vector<AlarmStatus> all;
  all.reserve(alarms_.size());
  for (const auto& [name, entry] : alarms_) all.push_back(entry.status);
  return all;
}

std::vector<AlarmHistoryItem> Alarms::history(const HistoryQuery& query) const {
  std::vector<AlarmHistoryItem> items;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, entry] : alarms_) {
      if (!query.alarm_name.empty() && name != query.alarm_name) continue;
      for (const auto& item : entry.history) {
        if (!query.type.empty() && item.type != query.type) continue;
        if (query.start_ms && item.timestamp_ms < *query.start_ms) continue;
        if (query.end_ms && item.timestamp_ms > *query.end_ms) continue;
        items.push_back(item);
      }
    }
  }
  // Stable: items of one alarm at the same instant keep the order they happened in.
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    return a.timestamp_ms < b.timestamp_ms;
  });
  if (!query.oldest_first) std::reverse(items.begin(), items.end());
  return items;
}

void Alarms::evaluate_all() {
  if (before_evaluation_) before_evaluation_();
  std::vector<Change> changes;
  {
    std::lock_guard lock(mutex_);
    const std::int64_t now_ms = clock_.epoch_ms(clock_.now());
    for (auto& [name, entry] : alarms_) evaluate_locked(entry, now_ms, changes);
  }
  notify(changes);
}

void Alarms::evaluate_locked(Entry& entry, std::int64_t now_ms, std::vector<Change>& changes) {
  const auto& d = entry.status.definition;
  if (!d.not_evaluated.empty()) return;
  const std::int64_t period_ms = std::int64_t{d.rule.period_s} * 1000;
  if (period_ms <= 0) return;
  // The range ends with the most recent complete period.
  const std::int64_t end_ms = now_ms / period_ms * period_ms;
  const int periods = evaluation_range_periods(d.rule);
  const std::int64_t start_ms = end_ms - periods * period_ms;
  auto datapoints = store_.query(d.metric, start_ms, end_ms, d.rule.period_s);
  std::vector<RangePoint> range;
  range.reserve(periods);
  std::size_t next = 0;
  for (int i = 0; i < periods; ++i) {
    RangePoint point;
    point.timestamp_ms = start_ms + i * period_ms;
    if (next < datapoints.size() && datapoints[next].timestamp_ms == point.timestamp_ms) {
      const auto& values = datapoints[next].values;
      point.value = values.value(d.rule.statistic);
      point.sample_count = values.sample_count();
      ++next;
    }
    range.push_back(point);
  }
  Evaluation e = evaluate(d.rule, range);
  if (!e.state) return;  // TreatMissingData ignore: the state stays
  auto& s = entry.status;
  if (*e.state == s.state) return;  // CloudWatch records changes of state only
  transition_locked(entry, *e.state, std::move(e.reason), reason_data_for(d, e, now_ms),
                    now_ms, changes);
}

void Alarms::transition_locked(Entry& entry, AlarmState state, std::string reason,
                               std::string reason_data, std::int64_t now_ms,
                               std::vector<Change>& changes) {
  auto& s = entry.status;
  const AlarmState previous = s.state;
  Json data = {{"version", "1.0"},
               {"oldState", state_json(s.state, s.reason, s.reason_data)},
               {"newState", state_json(state, reason, reason_data)}};
  s.state = state;
  s.reason = std::move(reason);
  s.reason_data = std::move(reason_data);
  s.state_updated_ms = now_ms;
  if (state != previous) s.state_transitioned_ms = now_ms;
  add_history_locked(entry, {s.definition.name, now_ms, "StateUpdate",
                             std::string("Alarm updated from ") + state_name(previous) + " to " +
                                 state_name(state),
                             data.dump(-1, ' ', false, Json::error_handler_t::replace)});
  log::info(std::string("[CloudWatch] alarm ") + s.definition.name + ": " + state_name(previous) +
            " -> " + state_name(state) + ": " + s.reason);
  changes.push_back({s, previous});
}

void Alarms::add_history_locked(Entry& entry, AlarmHistoryItem item) {
  entry.history.push_back(std::move(item));
  while (entry.history.size() > kMaxHistoryPerAlarm) entry.history.pop_front();
}

void Alarms::notify(const std::vector<Change>& changes) {
  if (!listener_) return;
  for (const auto& change : changes) listener_(change.alarm, change.previous);
}

}  // namespace emu::cloudwatch
