#include "emulator/cli/deployment_view.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "emulator/cli/response_fields.h"

namespace emu::cli {
namespace {

using nlohmann::json;

constexpr std::size_t kProgressBarWidth = 20;
constexpr std::size_t kEventNameWidth = 18;    // "BeforeAllowTraffic"
constexpr std::size_t kEventStatusWidth = 10;  // "InProgress"

std::optional<double> number_field(const json& object, const char* key) {
  const json* value = member(object, key);
  if (!value) return std::nullopt;
  if (!value->is_number()) throw FieldError(std::string(key) + " should be a number");
  return value->get<double>();
}

std::optional<std::int64_t> time_field(const json& object, const char* key) {
  auto value = number_field(object, key);
  if (!value) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(*value));
}

const json& array_field(const json& object, const char* key) {
  static const json empty_array = json::array();
  const json* value = member(object, key);
  if (!value) return empty_array;
  if (!value->is_array()) throw FieldError(std::string(key) + " should be an array");
  return *value;
}

template <class T>
std::map<std::string, T> number_map_field(const json& object, const char* key) {
  std::map<std::string, T> result;
  const json* value = member(object, key);
  if (!value) return result;
  if (!value->is_object()) throw FieldError(std::string(key) + " should be an object");
  for (auto it = value->begin(); it != value->end(); ++it) {
    if (!it->is_number())
      throw FieldError(std::string(key) + "." + it.key() + " should be a number");
    result[it.key()] = it->template get<T>();
  }
  return result;
}

DeploymentState parse_deployment(const json& object) {
  DeploymentState d;
  read_text_fields(object, {{"deploymentId", d.id},
                            {"functionName", d.function_name},
                            {"alias", d.alias},
                            {"deploymentConfigName", d.config_name},
                            {"fromVersion", d.from_version},
                            {"toVersion", d.to_version},
                            {"status", d.status},
                            {"creator", d.creator}});
  for (const auto& item : array_field(object, "events")) {
    EventState& event = d.events.emplace_back();
    read_text_fields(item, {{"name", event.name},
                            {"status", event.status},
                            {"hookFunction", event.hook_function},
                            {"diagnostics", event.diagnostics}});
  }
  d.new_version_weight = number_field(object, "newVersionWeight").value_or(0);
  d.next_shift_at = time_field(object, "nextShiftAt");
  d.next_weight = number_field(object, "nextWeight");
  d.create_time = time_field(object, "createTime").value_or(0);
  d.complete_time = time_field(object, "completeTime");
  read_text_fields(object, {{"errorCode", d.error_code},
                            {"errorMessage", d.error_message},
                            {"rollbackDeploymentId", d.rollback_deployment_id}});
  return d;
}

AliasState parse_alias(const json& object) {
  AliasState a;
  read_text_fields(
      object, {{"functionName", a.function_name}, {"logicalId", a.logical_id}, {"alias", a.alias}});
  a.weights = number_map_field<double>(object, "weights");
  a.observed = number_map_field<std::int64_t>(object, "observed");
  return a;
}

bool all_digits(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// Numbered versions in numeric order, then anything else ($LATEST) in text order.
bool version_less(const std::string& a, const std::string& b) {
  bool a_number = all_digits(a);
  bool b_number = all_digits(b);
  if (a_number != b_number) return a_number;
  if (a_number && a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

long percent(double share) { return std::lround(share * 100); }

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i ? separator : "") + parts[i];
  return text;
}

std::string padded(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string event_symbol(const std::string& status) {
  if (status == "Succeeded") return "✓";
  if (status == "Failed") return "✗";
  if (status == "InProgress") return "▸";
  if (status == "Pending") return "·";
  if (status == "Skipped") return "–";
  return "?";
}

std::string versions_text(const DeploymentState& d) {
  return "version " + d.from_version + " → " + d.to_version;
}

// "next: v2 100% in 2m30s (virtual)", or "" when no shift is announced.
std::string next_shift_text(const DeploymentState& d, std::int64_t now) {
  if (!d.next_shift_at || !d.next_weight) return "";
  return "next: v" + d.to_version + " " + std::to_string(percent(*d.next_weight)) + "% in " +
         format_duration(std::max<std::int64_t>(0, *d.next_shift_at - now)) + " (virtual)";
}

// True when no later deployment in `status` is for the same alias: only then do the alias's
// current weights and traffic belong to this deployment.
bool newest_of_its_alias(const StatusSnapshot& status, const DeploymentState& d) {
  for (auto it = status.deployments.rbegin(); it != status.deployments.rend(); ++it)
    if (it->function_name == d.function_name && it->alias == d.alias) return it->id == d.id;
  return false;
}

std::string rollback_text(const StatusSnapshot& status, const DeploymentState& d) {
  std::string text = "rolled back by " + d.rollback_deployment_id;
  if (const DeploymentState* rollback = status.find_deployment(d.rollback_deployment_id);
      rollback && rollback->status == "Succeeded")
    text += ": " + d.alias + " is back on version " + rollback->to_version;
  return text;
}

void append_deployment_block(const StatusSnapshot& status, const DeploymentState& d,
                             const ShiftMarks& marks, std::vector<std::string>& lines) {
  lines.push_back(alias_label(status, d.function_name, d.alias) + "  " + d.id + "  " +
                  d.config_name);
  lines.push_back(std::string("  ") + (d.is_rollback() ? "rollback: " : "") + versions_text(d) +
                  " · " + format_outcome(d));
  for (const auto& event : d.events) {
    std::string line =
        "  " + event_symbol(event.status) + " " + padded(event.name, kEventNameWidth) + "  ";
    std::string extra;
    if (!event.hook_function.empty()) extra = "hook " + event.hook_function;
    // The deployment's status line already gives its error; repeat only what differs.
    if (event.status == "Failed" && !event.diagnostics.empty() &&
        event.diagnostics != d.error_message)
      extra += (extra.empty() ? "" : " — ") + event.diagnostics;
    line += extra.empty() ? event.status : padded(event.status, kEventStatusWidth) + "  " + extra;
    lines.push_back(line);
  }
  if (!d.rollback_deployment_id.empty()) lines.push_back("  " + rollback_text(status, d));
  if (!newest_of_its_alias(status, d)) return;

  const AliasState* alias = status.find_alias(d.function_name, d.alias);
  lines.push_back("  weights: " + format_weights(alias ? alias->weights : deployment_weights(d)));
  if (!d.finished() && d.next_shift_at) {
    auto mark = marks.find(d.id);
    std::int64_t start = mark != marks.end() ? mark->second : d.create_time;
    double span = static_cast<double>(*d.next_shift_at - start);
    double fraction = span > 0 ? static_cast<double>(status.now - start) / span : 1.0;
    lines.push_back("  " + progress_bar(fraction, kProgressBarWidth) + " " +
                    next_shift_text(d, status.now));
  }
  if (alias) lines.push_back("  " + format_observed(alias->observed));
}

// A failed or stopped deployment's weight drops when it is rolled back; the rollback reports
// where the alias went, so its own weight is not reported any more.
bool rolled_off(const DeploymentState& d) { return d.status == "Failed" || d.status == "Stopped"; }

std::string weights_change_text(const DeploymentState& d, std::int64_t now) {
  std::string text = d.id + " weights: " + format_weights(deployment_weights(d));
  if (auto next = next_shift_text(d, now); !next.empty()) text += "; " + next;
  return text;
}

std::string status_change_text(const DeploymentState& d) {
  return d.id + " status: " + format_outcome(d);
}

std::string event_change_text(const DeploymentState& d, const EventState& event) {
  std::string text = d.id + " " + event.name + ": " + event.status;
  if (event.status == "InProgress" && !event.hook_function.empty())
    text += " (hook " + event.hook_function + ")";
  if (event.status == "Failed" && !event.diagnostics.empty()) text += " — " + event.diagnostics;
  return text;
}

void append_new_deployment(const StatusSnapshot& status, const DeploymentState& d,
                           std::vector<std::string>& lines) {
  lines.push_back(d.id + " " + alias_label(status, d.function_name, d.alias) + ": " +
                  (d.is_rollback() ? "rollback " : "deployment ") + versions_text(d) + " with " +
                  d.config_name);
  for (const auto& event : d.events)
    if (event.status != "Pending") lines.push_back(event_change_text(d, event));
  if (d.new_version_weight > 0 && !rolled_off(d))
    lines.push_back(weights_change_text(d, status.now));
  if (d.finished() || d.status != "Created") lines.push_back(status_change_text(d));
  if (!d.rollback_deployment_id.empty()) lines.push_back(d.id + " " + rollback_text(status, d));
}

void append_deployment_changes(const StatusSnapshot& status, const DeploymentState& before,
                               const DeploymentState& d, std::vector<std::string>& lines) {
  for (std::size_t i = 0; i < d.events.size(); ++i) {
    bool changed = i >= before.events.size() || before.events[i].status != d.events[i].status;
    if (changed) lines.push_back(event_change_text(d, d.events[i]));
  }
  bool weight_changed = percent(before.new_version_weight) != percent(d.new_version_weight) ||
                        before.next_shift_at != d.next_shift_at;
  if (weight_changed && !rolled_off(d)) lines.push_back(weights_change_text(d, status.now));
  if (before.status != d.status) lines.push_back(status_change_text(d));
  if (before.rollback_deployment_id != d.rollback_deployment_id &&
      !d.rollback_deployment_id.empty())
    lines.push_back(d.id + " " + rollback_text(status, d));
}

}  // namespace

const DeploymentState* StatusSnapshot::find_deployment(const std::string& id) const {
  for (const auto& d : deployments)
    if (d.id == id) return &d;
  return nullptr;
}

const AliasState* StatusSnapshot::find_alias(const std::string& function_name,
                                             const std::string& alias) const {
  for (const auto& a : aliases)
    if (a.function_name == function_name && a.alias == alias) return &a;
  return nullptr;
}

Result<StatusSnapshot> parse_status(const nlohmann::json& body) {
  try {
    if (!body.is_object()) throw FieldError("the body should be a JSON object");
    StatusSnapshot status;
    status.now = time_field(body, "now").value_or(0);
    status.time_scale = number_field(body, "timeScale").value_or(1);
    status.generation =
        static_cast<std::uint64_t>(std::max(0.0, number_field(body, "generation").value_or(0)));
    for (const auto& d : array_field(body, "deployments")) {
      if (!d.is_object()) throw FieldError("deployments should hold objects");
      status.deployments.push_back(parse_deployment(d));
    }
    for (const auto& a : array_field(body, "aliases")) {
      if (!a.is_object()) throw FieldError("aliases should hold objects");
      status.aliases.push_back(parse_alias(a));
    }
    return status;
  } catch (const FieldError& e) {
    return Error{"BadResponse", std::string("unexpected status from the emulator: ") + e.what()};
  } catch (const nlohmann::json::exception& e) {
    return Error{"BadResponse", std::string("unexpected status from the emulator: ") + e.what()};
  }
}

std::vector<std::string> scoped_deployment_ids(const StatusSnapshot& status,
                                               const ViewScope& scope) {
  std::vector<std::string> ids;
  if (!scope.deployment_ids.empty()) {
    for (const auto& id : scope.deployment_ids)
      if (status.find_deployment(id)) ids.push_back(id);
    return ids;
  }
  std::size_t count = std::min(scope.newest, status.deployments.size());
  for (std::size_t i = status.deployments.size() - count; i < status.deployments.size(); ++i)
    ids.push_back(status.deployments[i].id);
  return ids;
}

void update_shift_marks(const StatusSnapshot* previous, const StatusSnapshot& current,
                        ShiftMarks& marks) {
  if (!previous) return;
  for (const auto& d : current.deployments) {
    const DeploymentState* before = previous->find_deployment(d.id);
    if (!before || before->next_shift_at == d.next_shift_at || !d.next_shift_at) continue;
    marks[d.id] = before->next_shift_at ? *before->next_shift_at : current.now;
  }
}

namespace {

std::vector<std::string> alias_lines(const StatusSnapshot& status) {
  std::vector<std::string> lines;
  lines.emplace_back(status.aliases.empty() ? "No aliases." : "Aliases");
  std::size_t width = 0;
  for (const auto& a : status.aliases)
    width = std::max(width, alias_label(status, a.function_name, a.alias).size());
  for (const auto& a : status.aliases)
    lines.push_back("  " + padded(alias_label(status, a.function_name, a.alias), width) + "  " +
                    format_weights(a.weights) + "  " + format_observed(a.observed));
  return lines;
}

std::string plural(std::size_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

// render_frame with scope.max_lines: see ViewScope.
std::vector<std::string> fitted_frame(const StatusSnapshot& status, const ViewScope& scope,
                                      const ShiftMarks& marks,
                                      const std::vector<std::string>& header) {
  const std::size_t height = scope.max_lines;
  std::vector<std::string> lines = header;
  lines.emplace_back();
  std::vector<const DeploymentState*> running, finished;
  for (const auto& id : scoped_deployment_ids(status, scope)) {
    const DeploymentState* d = status.find_deployment(id);
    (d->finished() ? finished : running).push_back(d);
  }
  std::reverse(finished.begin(), finished.end());  // newest first
  if (running.empty() && finished.empty()) lines.emplace_back("No deployments yet.");
  const std::vector<std::string> aliases =
      scope.all_aliases ? alias_lines(status) : std::vector<std::string>();
  // Kept below the deployments for the aliases: a blank line, the title, one alias and, when
  // there are more, the line that counts them (`aliases` holds the title and the aliases).
  const std::size_t alias_room = aliases.empty() ? 0 : 1 + std::min<std::size_t>(aliases.size(), 3);
  auto room = [&](std::size_t reserve) {
    const std::size_t used = lines.size() + reserve;
    return used < height ? height - used : 0;
  };

  for (std::size_t i = 0; i < running.size(); ++i) {  // in progress: in full, first
    if (i) lines.emplace_back();
    append_deployment_block(status, *running[i], marks, lines);
  }
  if (!finished.empty()) {
    if (!running.empty()) lines.emplace_back();
    std::size_t shown = 0;
    for (; shown < finished.size(); ++shown) {  // finished, newest first: one line each
      const bool last = shown + 1 == finished.size();
      if (room(alias_room + (last ? 0 : 1)) == 0) break;
      lines.push_back(deployment_summary(status, *finished[shown]));
    }
    if (shown < finished.size())
      lines.push_back("… " +
                      plural(finished.size() - shown, "older deployment", "older deployments") +
                      " not shown (the terminal has " + std::to_string(height) + " lines)");
  }
  if (!aliases.empty()) {
    const std::size_t fits = room(1);  // below a blank line
    if (fits >= aliases.size()) {
      lines.emplace_back();
      lines.insert(lines.end(), aliases.begin(), aliases.end());
    } else if (fits >= 2) {  // the title, what fits, and a count of the rest
      lines.emplace_back();
      lines.insert(lines.end(), aliases.begin(),
                   aliases.begin() + static_cast<std::ptrdiff_t>(fits - 1));
      const std::size_t hidden = (aliases.size() - 1) - (fits - 2);  // entries below the title
      lines.push_back("  … " + plural(hidden, "more alias", "more aliases"));
    }
  }
  if (lines.size() > height && height > 0) {  // deployments in progress alone are too tall
    const std::size_t hidden = lines.size() - height + 1;
    lines.resize(height - 1);
    lines.push_back("… " + plural(hidden, "more line", "more lines") +
                    " (make the terminal taller)");
  }
  return lines;
}

}  // namespace

std::vector<std::string> render_frame(const StatusSnapshot& status, const ViewScope& scope,
                                      const ShiftMarks& marks,
                                      const std::vector<std::string>& header) {
  if (scope.max_lines > 0) return fitted_frame(status, scope, marks, header);
  std::vector<std::string> lines = header;
  lines.emplace_back();
  auto ids = scoped_deployment_ids(status, scope);
  if (ids.empty()) lines.emplace_back("No deployments yet.");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) lines.emplace_back();
    append_deployment_block(status, *status.find_deployment(ids[i]), marks, lines);
  }
  if (scope.all_aliases) {
    lines.emplace_back();
    auto aliases = alias_lines(status);
    lines.insert(lines.end(), aliases.begin(), aliases.end());
  }
  return lines;
}

std::string deployment_summary(const StatusSnapshot& status, const DeploymentState& d) {
  return d.id + "  " + alias_label(status, d.function_name, d.alias) + "  " +
         (d.is_rollback() ? "rollback: " : "") + versions_text(d) + " · " + format_outcome(d);
}

std::string to_screen(const std::vector<std::string>& frame) {
  std::string screen = "\x1b[H";
  for (const auto& line : frame) screen += line + "\x1b[K\n";
  return screen + "\x1b[J";
}

std::vector<std::string> render_changes(const StatusSnapshot* previous,
                                        const StatusSnapshot& current, const ViewScope& scope) {
  std::vector<std::string> lines;
  for (const auto& id : scoped_deployment_ids(current, scope)) {
    const DeploymentState& d = *current.find_deployment(id);
    const DeploymentState* before = previous ? previous->find_deployment(id) : nullptr;
    if (before)
      append_deployment_changes(current, *before, d, lines);
    else
      append_new_deployment(current, d, lines);
  }
  return lines;
}

std::string alias_label(const StatusSnapshot& status, const std::string& function_name,
                        const std::string& alias) {
  const AliasState* state = status.find_alias(function_name, alias);
  if (state && !state->logical_id.empty() && state->logical_id != function_name)
    return state->logical_id + ":" + alias + " (" + function_name + ")";
  return function_name + ":" + alias;
}

std::string format_outcome(const DeploymentState& d) {
  std::string text = d.status;
  if (!d.error_code.empty() || !d.error_message.empty()) {
    text += ":";
    if (!d.error_code.empty()) text += " " + d.error_code + (d.error_message.empty() ? "" : ":");
    if (!d.error_message.empty()) text += " " + d.error_message;
  }
  return text;
}

std::string format_weights(const std::map<std::string, double>& weights) {
  std::vector<std::pair<std::string, double>> shares(weights.begin(), weights.end());
  std::sort(shares.begin(), shares.end(),
            [](const auto& a, const auto& b) { return version_less(a.first, b.first); });
  std::vector<std::string> parts;
  for (const auto& [version, share] : shares)
    if (percent(share) != 0)
      parts.push_back("v" + version + " " + std::to_string(percent(share)) + "%");
  return parts.empty() ? "none" : join(parts, " | ");
}

std::map<std::string, double> deployment_weights(const DeploymentState& deployment) {
  std::map<std::string, double> weights;
  weights[deployment.from_version] += 1 - deployment.new_version_weight;
  weights[deployment.to_version] += deployment.new_version_weight;
  return weights;
}

std::string format_observed(const std::map<std::string, std::int64_t>& observed) {
  const std::string prefix = "observed (" + std::to_string(kObservedWindowSeconds) + " s): ";
  std::int64_t total = 0;
  for (const auto& entry : observed) total += std::max<std::int64_t>(0, entry.second);
  if (total == 0) return prefix + "no invocations";
  std::map<std::string, double> shares;
  for (const auto& [version, count] : observed)
    shares[version] =
        static_cast<double>(std::max<std::int64_t>(0, count)) / static_cast<double>(total);
  return prefix + format_weights(shares) + " (n=" + std::to_string(total) + ")";
}

std::string format_duration(std::int64_t milliseconds) {
  std::int64_t seconds = milliseconds <= 0 ? 0 : (milliseconds + 999) / 1000;
  auto two = [](std::int64_t n) { return (n < 10 ? "0" : "") + std::to_string(n); };
  if (seconds < 60) return std::to_string(seconds) + "s";
  if (seconds < 3600) return std::to_string(seconds / 60) + "m" + two(seconds % 60) + "s";
  return std::to_string(seconds / 3600) + "h" + two(seconds / 60 % 60) + "m" + two(seconds % 60) +
         "s";
}

std::string progress_bar(double fraction, std::size_t width) {
  double clamped = std::isnan(fraction) ? 0.0 : std::clamp(fraction, 0.0, 1.0);
  auto filled = static_cast<std::size_t>(std::floor(clamped * static_cast<double>(width)));
  return "[" + std::string(filled, '#') + std::string(width - filled, '.') + "]";
}

}  // namespace emu::cli
