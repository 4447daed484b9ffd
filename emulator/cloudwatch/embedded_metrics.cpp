#include "emulator/cloudwatch/embedded_metrics.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace emu::cloudwatch {
namespace {

constexpr std::size_t kMaxMetrics = 100;
constexpr std::size_t kMaxValues = 100;
constexpr std::size_t kMaxDimensions = 30;

Error invalid(const std::string& message) { return Error{"InvalidEMF", message}; }

}  // namespace

bool looks_like_emf(std::string_view line) {
  return line.find("\"_aws\"") != std::string_view::npos;
}

Result<EmfRecord> parse_emf(std::string_view line) {
  auto brace = line.find('{');
  if (brace == std::string_view::npos) return invalid("the line holds no JSON object");
  auto root = nlohmann::json::parse(line.substr(brace), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object())
    return invalid("the line is not one JSON object (nothing may follow it)");
  auto aws = root.find("_aws");
  if (aws == root.end() || !aws->is_object()) return invalid("\"_aws\" must be an object");
  auto timestamp = aws->find("Timestamp");
  if (timestamp == aws->end() || !timestamp->is_number())
    return invalid("_aws.Timestamp must be a number (epoch milliseconds)");
  auto directives = aws->find("CloudWatchMetrics");
  if (directives == aws->end() || !directives->is_array())
    return invalid("_aws.CloudWatchMetrics must be a list of metric directives");

  // Years 0 to 9999: a microsecond or nanosecond count is refused here rather than overflowing.
  const double timestamp_value = timestamp->get<double>();
  if (!std::isfinite(timestamp_value) || std::fabs(timestamp_value) > 253'402'300'800'000.0)
    return invalid("_aws.Timestamp must be epoch milliseconds");
  EmfRecord record;
  record.timestamp_ms = static_cast<std::int64_t>(timestamp_value);
  for (std::size_t d = 0; d < directives->size(); ++d) {
    const auto& directive = (*directives)[d];
    const std::string where = "_aws.CloudWatchMetrics[" + std::to_string(d) + "]";
    if (!directive.is_object()) return invalid(where + " must be an object");
    auto ns = directive.find("Namespace");
    if (ns == directive.end() || !ns->is_string() || ns->get<std::string>().empty() ||
        ns->get<std::string>().size() > 255)
      return invalid(where + ".Namespace must be a string of 1 to 255 characters");
    auto sets = directive.find("Dimensions");
    if (sets == directive.end() || !sets->is_array())
      return invalid(where + ".Dimensions must be a list of dimension sets");
    auto metrics = directive.find("Metrics");
    if (metrics == directive.end() || !metrics->is_array())
      return invalid(where + ".Metrics must be a list");
    if (metrics->size() > kMaxMetrics)
      return invalid(where + ".Metrics has " + std::to_string(metrics->size()) +
                     " metrics; at most 100 are allowed");

    std::vector<std::vector<Dimension>> dimension_sets;
    for (std::size_t s = 0; s < sets->size(); ++s) {
      const auto& set = (*sets)[s];
      const std::string set_where = where + ".Dimensions[" + std::to_string(s) + "]";
      if (!set.is_array()) return invalid(set_where + " must be a list of member names");
      if (set.size() > kMaxDimensions)
        return invalid(set_where + " has more than 30 dimensions");
      std::vector<Dimension> dimensions;
      for (const auto& name : set) {
        if (!name.is_string()) return invalid(set_where + " must hold member names (strings)");
        const auto& key = name.get_ref<const std::string&>();
        auto value = root.find(key);
        if (value == root.end() || !value->is_string())
          return invalid(set_where + " names \"" + key +
                         "\", which must be a member of the object holding a string");
        dimensions.push_back({key, value->get<std::string>()});
      }
      dimension_sets.push_back(std::move(dimensions));
    }
    if (dimension_sets.empty()) dimension_sets.emplace_back();  // no dimension set: no dimensions

    for (std::size_t m = 0; m < metrics->size(); ++m) {
      const auto& metric = (*metrics)[m];
      const std::string metric_where = where + ".Metrics[" + std::to_string(m) + "]";
      if (!metric.is_object()) return invalid(metric_where + " must be an object");
      auto name = metric.find("Name");
      if (name == metric.end() || !name->is_string() || name->get<std::string>().empty())
        return invalid(metric_where + ".Name must be a non-empty string");
      const auto& key = name->get_ref<const std::string&>();
      std::string unit;
      if (auto u = metric.find("Unit"); u != metric.end()) {
        if (!u->is_string()) return invalid(metric_where + ".Unit must be a string");
        unit = u->get<std::string>();
      }
      auto target = root.find(key);
      if (target == root.end())
        return invalid(metric_where + " names \"" + key + "\", which the object does not have");
      std::vector<double> values;
      if (target->is_number()) {
        values.push_back(target->get<double>());
      } else if (target->is_array()) {
        if (target->size() > kMaxValues)
          return invalid("\"" + key + "\" has more than 100 values");
        for (const auto& v : *target) {
          if (!v.is_number()) return invalid("\"" + key + "\" must hold only numbers");
          values.push_back(v.get<double>());
        }
      } else {
        return invalid("\"" + key + "\" must be a number or a list of numbers");
      }
      for (double v : values)
        if (!std::isfinite(v)) return invalid("\"" + key + "\" holds a value that is not finite");
      for (const auto& dimensions : dimension_sets)
        record.data.push_back({{ns->get<std::string>(), key, dimensions}, values, unit});
    }
  }
  return record;
}

}  // namespace emu::cloudwatch
