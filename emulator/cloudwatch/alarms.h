// Alarms: CloudWatch's metric alarms, kept and evaluated on the emulator's Clock.
//
// Every minute of virtual time (CloudWatch evaluates alarms once a minute), each alarm that can be
// evaluated reads its evaluation range from the MetricStore — the N + 2 most recent *complete*
// periods, aligned to the epoch as CloudWatch aligns them — and evaluate() (alarm_evaluation.h)
// decides its state. A change of state is recorded in the alarm's history (StateUpdate, with
// CloudWatch's HistorySummary and HistoryData) and reported to the listener, which is how a
// CodeDeploy deployment learns that one of its alarms fired. SetAlarmState changes the state at
// once, as on AWS, and the next evaluation may change it back.
//
// New alarms start in INSUFFICIENT_DATA ("Unchecked: Initial alarm creation"). Alarms the
// emulator cannot evaluate (AlarmDefinition::not_evaluated) stay where SetAlarmState puts them.
//
// Bounded: at most kMaxAlarms alarms (PutMetricAlarm beyond answers LimitExceeded) and the
// kMaxHistoryPerAlarm most recent history items of each.
//
// Thread-safe. The listener and the before-evaluation hook run on the Clock's thread, without
// the Alarms' mutex held; they must not block.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "emulator/cloudwatch/alarm_evaluation.h"
#include "emulator/cloudwatch/metric_store.h"
#include "emulator/core/clock.h"
#include "emulator/core/result.h"

namespace emu::cloudwatch {

// A metric alarm as PutMetricAlarm (or AWS::CloudWatch::Alarm) defines it.
struct AlarmDefinition {
  std::string name;
  std::string description;
  MetricId metric;
  std::string statistic;     // "Sum", or the ExtendedStatistic "p99"
  AlarmRule rule;            // rule.statistic is parse(statistic)
  std::string unit;
  bool actions_enabled = true;
  std::vector<std::string> ok_actions, alarm_actions, insufficient_data_actions;
  std::string not_evaluated;  // why the emulator never evaluates it, or ""

  bool extended_statistic() const { return rule.statistic.kind == Statistic::Kind::kPercentile; }
};

struct AlarmStatus {
  AlarmDefinition definition;
  std::string arn;  // arn:aws:cloudwatch:<region>:<account>:alarm:<name>
  AlarmState state = AlarmState::kInsufficientData;
  std::string reason;
  std::string reason_data;  // StateReasonData (JSON text), "" when none
  std::int64_t state_updated_ms = 0;       // StateUpdatedTimestamp
  std::int64_t state_transitioned_ms = 0;  // StateTransitionedTimestamp
  std::int64_t configuration_updated_ms = 0;
};

struct AlarmHistoryItem {
  std::string alarm_name;
  std::int64_t timestamp_ms = 0;
  std::string type;     // HistoryItemType: ConfigurationUpdate, StateUpdate
  std::string summary;  // HistorySummary: "Alarm updated from OK to ALARM"
  std::string data;     // HistoryData (JSON text)
};

struct HistoryQuery {
  std::string alarm_name;  // "" = every alarm
  std::string type;        // "" = every type
  std::optional<std::int64_t> start_ms, end_ms;
  bool oldest_first = false;  // ScanBy TimestampAscending
};

class Alarms {
 public:
  static constexpr std::size_t kMaxAlarms = 5'000;
  static constexpr std::size_t kMaxHistoryPerAlarm = 200;

  // A state change: the alarm after it, and the state before.
  using Listener = std::function<void(const AlarmStatus& alarm, AlarmState previous)>;

  // `clock` and `store` must outlive the Alarms.
  Alarms(Clock& clock, MetricStore& store, std::string region, std::string account_id);
  ~Alarms();

  // Called with every state change. Set before start().
  void set_listener(Listener listener) { listener_ = std::move(listener); }
  // Runs before each evaluation (the owner flushes queued metrics into the store). Before start().
  void set_before_evaluation(std::function<void()> hook) { before_evaluation_ = std::move(hook); }
  // Evaluates at every whole virtual minute from now on.
  void start();

  // PutMetricAlarm: creates the alarm, or replaces the definition of the one with that name
  // (its state stays, as on AWS; an identical definition changes nothing, not even the
  // history). Errors: LimitExceeded.
  Result<bool> put(AlarmDefinition definition);
  // DeleteAlarms: all or nothing. Errors: ResourceNotFound naming the first missing one.
  Result<bool> remove(const std::vector<std::string>& names);
  // SetAlarmState. Errors: ResourceNotFound, InvalidFormat (reason_data not JSON).
  Result<bool> set_state(const std::string& name, AlarmState state, const std::string& reason,
                         const std::string& reason_data);

  std::optional<AlarmStatus> get(const std::string& name) const;
  std::vector<AlarmStatus> list() const;  // by name, as DescribeAlarms orders them
  std::vector<AlarmHistoryItem> history(const HistoryQuery& query) const;

  // Evaluates every alarm now, as the minute timer does (tests call it on a ManualClock).
  void evaluate_all();

 private:
  struct Entry;
  struct Change {
    AlarmStatus alarm;
    AlarmState previous;
  };
  void schedule_next();
  // Evaluates one alarm at `now_ms`; a change of state is appended to `changes`.
  void evaluate_locked(Entry& entry, std::int64_t now_ms, std::vector<Change>& changes);
  void transition_locked(Entry& entry, AlarmState state, std::string reason,
                         std::string reason_data, std::int64_t now_ms,
                         std::vector<Change>& changes);
  void add_history_locked(Entry& entry, AlarmHistoryItem item);
  void notify(const std::vector<Change>& changes);

  Clock& clock_;
  MetricStore& store_;
  std::string region_;
  std::string account_id_;
  Listener listener_;
  std::function<void()> before_evaluation_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> alarms_;  // by name
  std::optional<Clock::TimerId> timer_;
  bool stopped_ = false;
};

}  // namespace emu::cloudwatch
