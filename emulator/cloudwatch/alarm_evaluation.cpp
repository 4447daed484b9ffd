#include "emulator/cloudwatch/alarm_evaluation.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

namespace emu::cloudwatch {
namespace {

bool breaches(const AlarmRule& rule, double value) {
  switch (rule.comparison) {
    case Comparison::kGreaterOrEqual: return value >= rule.threshold;
    case Comparison::kGreater: return value > rule.threshold;
    case Comparison::kLess: return value < rule.threshold;
    case Comparison::kLessOrEqual: return value <= rule.threshold;
  }
  return false;
}

// A percentile datapoint with fewer samples than CloudWatch calls significant ("Percentile-based
// alarms and low data samples").
bool low_sample(const AlarmRule& rule, const RangePoint& point) {
  if (rule.statistic.kind != Statistic::Kind::kPercentile) return false;
  double p = rule.statistic.percentile / 100.0;
  double needed = p >= 0.5 ? (p >= 1 ? 0 : 10 / (1 - p)) : (p <= 0 ? 0 : 10 / p);
  return point.sample_count < needed;
}

// "dd/mm/yy HH:MM:SS" in UTC, as the reasons print a datapoint's time.
std::string reason_time(std::int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%d/%m/%y %H:%M:%S", &utc);
  return text;
}

std::string listed(const std::vector<RangePoint>& points) {
  std::string text;
  for (const auto& point : points) {
    if (!point.value) continue;
    if (!text.empty()) text += ", ";
    text += java_double(*point.value) + " (" + reason_time(point.timestamp_ms) + ")";
  }
  return text;
}

std::string plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string alarm_reason(const AlarmRule& rule, int breaching,
                         const std::vector<RangePoint>& shown) {
  if (!rule.datapoints_to_alarm_set)
    return "Threshold Crossed: " + plural(breaching, "datapoint", "datapoints") + " [" +
           listed(shown) + "] " + (breaching == 1 ? "was " : "were ") +
           comparison_words(rule.comparison) + " the threshold (" + java_double(rule.threshold) +
           ").";
  return "Threshold Crossed: " + std::to_string(breaching) + " out of the last " +
         std::to_string(rule.evaluation_periods) + " datapoints [" + listed(shown) + "] " +
         (breaching == 1 ? "was " : "were ") + comparison_words(rule.comparison) +
         " the threshold (" + java_double(rule.threshold) + ") (minimum " +
         plural(rule.datapoints_to_alarm, "datapoint", "datapoints") +
         " for OK -> ALARM transition).";
}

std::string ok_reason(const AlarmRule& rule, const std::vector<RangePoint>& shown) {
  int n = static_cast<int>(shown.size());
  return "Threshold Crossed: " + plural(n, "datapoint", "datapoints") + " [" + listed(shown) +
         "] " + (n == 1 ? "was not " : "were not ") + comparison_words(rule.comparison) +
         " the threshold (" + java_double(rule.threshold) + ").";
}

std::string all_missing_reason(const AlarmRule& rule, const char* treated_as) {
  int n = rule.evaluation_periods;
  return "Threshold Crossed: no datapoints were received for " + plural(n, "period", "periods") +
         " and " + plural(n, "missing datapoint was", "missing datapoints were") +
         " treated as [" + treated_as + "].";
}

}  // namespace

const char* state_name(AlarmState state) {
  switch (state) {
    case AlarmState::kOk: return "OK";
    case AlarmState::kAlarm: return "ALARM";
    case AlarmState::kInsufficientData: return "INSUFFICIENT_DATA";
  }
  return "INSUFFICIENT_DATA";
}

Result<Comparison> parse_comparison(const std::string& text) {
  if (text == "GreaterThanOrEqualToThreshold") return Comparison::kGreaterOrEqual;
  if (text == "GreaterThanThreshold") return Comparison::kGreater;
  if (text == "LessThanThreshold") return Comparison::kLess;
  if (text == "LessThanOrEqualToThreshold") return Comparison::kLessOrEqual;
  if (text == "LessThanLowerOrGreaterThanUpperThreshold" || text == "LessThanLowerThreshold" ||
      text == "GreaterThanUpperThreshold")
    return Error{"InvalidParameterValue",
                 "ComparisonOperator " + text + " compares with an anomaly detection band, "
                 "which the emulator does not evaluate; use GreaterThanOrEqualToThreshold, "
                 "GreaterThanThreshold, LessThanThreshold or LessThanOrEqualToThreshold"};
  return Error{"InvalidParameterValue",
               "ComparisonOperator " + text + " is not one of GreaterThanOrEqualToThreshold, "
               "GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold"};
}

const char* comparison_words(Comparison comparison) {
  switch (comparison) {
    case Comparison::kGreaterOrEqual: return "greater than or equal to";
    case Comparison::kGreater: return "greater than";
    case Comparison::kLess: return "less than";
    case Comparison::kLessOrEqual: return "less than or equal to";
  }
  return "";
}

Result<MissingData> parse_missing_data(const std::string& text) {
  if (text.empty() || text == "missing") return MissingData::kMissing;
  if (text == "ignore") return MissingData::kIgnore;
  if (text == "breaching") return MissingData::kBreaching;
  if (text == "notBreaching") return MissingData::kNotBreaching;
  return Error{"InvalidParameterValue", "TreatMissingData " + text +
                                            " is not one of breaching, notBreaching, ignore, "
                                            "missing"};
}

int evaluation_range_periods(const AlarmRule& rule) { return rule.evaluation_periods + 2; }

Evaluation evaluate(const AlarmRule& rule, const std::vector<RangePoint>& range) {
  const int n = std::max(1, rule.evaluation_periods);
  const int m = std::clamp(rule.datapoints_to_alarm, 1, n);
  std::vector<RangePoint> real;
  for (const auto& point : range)
    if (point.value && (rule.evaluate_low_sample_percentiles || !low_sample(rule, point)))
      real.push_back(point);
  Evaluation e;

  // Enough real datapoints: the most recent N decide; the treatment of missing data is not used.
  if (static_cast<int>(real.size()) >= n) {
    e.recent.assign(real.rbegin(), real.rbegin() + n);
    std::vector<RangePoint> breaching;
    for (const auto& point : e.recent)
      if (breaches(rule, *point.value)) breaching.push_back(point);
    if (static_cast<int>(breaching.size()) >= m) {
      e.state = AlarmState::kAlarm;
      e.reason = alarm_reason(rule, static_cast<int>(breaching.size()), breaching);
    } else {
      e.state = AlarmState::kOk;
      e.reason = ok_reason(rule, e.recent);
    }
    return e;
  }

  e.recent.assign(real.rbegin(), real.rend());
  if (real.empty()) {
    switch (rule.missing) {
      case MissingData::kMissing:
        e.state = AlarmState::kInsufficientData;
        e.reason = "Insufficient Data: " + plural(n, "datapoint was", "datapoints were") +
                   " unknown.";
        break;
      case MissingData::kIgnore:
        break;  // the current state stays
      case MissingData::kBreaching:
        e.state = AlarmState::kAlarm;
        e.reason = all_missing_reason(rule, "Breaching");
        break;
      case MissingData::kNotBreaching:
        e.state = AlarmState::kOk;
        e.reason = all_missing_reason(rule, "NonBreaching");
        break;
    }
    return e;
  }

  // Some real datapoints, fewer than N: every real one counts, and missing ones fill the rest as
  // the treatment says ("CloudWatch uses missing data points only as few times as possible").
  std::vector<RangePoint> breaching;
  bool any_within = false;
  for (const auto& point : e.recent) {
    if (breaches(rule, *point.value)) breaching.push_back(point);
    else any_within = true;
  }
  const int filled = n - static_cast<int>(real.size());
  int counted = static_cast<int>(breaching.size());
  if (rule.missing == MissingData::kBreaching) counted += filled;
  if (counted >= m) {
    e.state = AlarmState::kAlarm;
    e.reason = alarm_reason(rule, counted, breaching);
    return e;
  }
  if (any_within || rule.missing == MissingData::kBreaching ||
      rule.missing == MissingData::kNotBreaching) {
    e.state = AlarmState::kOk;
    e.reason = ok_reason(rule, e.recent);
    return e;
  }
  // Only breaching datapoints, too few. CloudWatch's table: ALARM when the oldest period of the
  // range is one of them ("X - - - -"), otherwise not enough to decide ("- - - - X").
  if (rule.missing == MissingData::kIgnore) return e;
  const bool oldest_breaches = range.front().value && breaches(rule, *range.front().value);
  if (oldest_breaches) {
    e.state = AlarmState::kAlarm;
    e.reason = alarm_reason(rule, counted, breaching);
  } else {
    e.state = AlarmState::kInsufficientData;
    e.reason = "Insufficient Data: " + plural(filled, "datapoint was", "datapoints were") +
               " unknown.";
  }
  return e;
}

std::string java_double(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char text[64];
  double magnitude = std::fabs(value);
  bool scientific = magnitude != 0 && (magnitude >= 1e7 || magnitude < 1e-3);
  auto [end, ec] = scientific ? std::to_chars(text, text + sizeof text, value,
                                              std::chars_format::scientific)
                              : std::to_chars(text, text + sizeof text, value,
                                              std::chars_format::fixed);
  std::string out(text, ec == std::errc() ? end : text);
  if (!scientific) {
    if (out.find('.') == std::string::npos) out += ".0";
    return out;
  }
  // "1.5e+07" -> "1.5E7", "1e-04" -> "1.0E-4"
  auto e = out.find('e');
  std::string mantissa = out.substr(0, e);
  int exponent = std::stoi(out.substr(e + 1));
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  return mantissa + "E" + std::to_string(exponent);
}

}  // namespace emu::cloudwatch
