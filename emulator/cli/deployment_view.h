// DeploymentView: what `emulator deploy` and `emulator watch` show of the emulator's
// GET /emulator/status (contract: emulator/control/control_api.h). Pure functions, no I/O: the
// status JSON is decoded once into a StatusSnapshot, and snapshots are rendered either
//   - as a frame: the lines of a full-screen view, redrawn in place on a terminal
//     (to_screen adds the ANSI codes), or
//   - as changes: one plain line per change between two snapshots, for logs and pipes.
// Times are the emulator's virtual milliseconds unless a name says otherwise. Versions are
// Lambda version numbers ("1", "2"); they are shown as "v1", "v2".
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/result.h"

namespace emu::cli {

// The window over which the emulator counts "observed" invocations (real seconds).
inline constexpr int kObservedWindowSeconds = 10;

struct EventState {
  std::string name;           // BeforeAllowTraffic, AllowTraffic, AfterAllowTraffic
  std::string status;         // Pending, InProgress, Succeeded, Failed, Skipped
  std::string hook_function;  // "" when the event has no hook
  std::string diagnostics;    // why it failed, "" otherwise
};

struct DeploymentState {
  std::string id;
  std::string function_name;
  std::string alias;
  std::string config_name;
  std::string from_version;
  std::string to_version;
  std::string status;   // Created, InProgress, Succeeded, Failed, Stopped
  std::string creator;  // "user", or "codeDeployRollback" for a rollback deployment
  std::vector<EventState> events;
  double new_version_weight = 0;              // to_version's share of the alias, 0..1
  std::optional<std::int64_t> next_shift_at;  // when the next traffic step happens
  std::optional<double> next_weight;          // to_version's share after that step
  std::int64_t create_time = 0;
  std::optional<std::int64_t> complete_time;
  std::string error_code;
  std::string error_message;
  std::string rollback_deployment_id;  // set on a deployment that was rolled back

  bool finished() const {
    return status == "Succeeded" || status == "Failed" || status == "Stopped";
  }
  bool is_rollback() const { return creator == "codeDeployRollback"; }
};

struct AliasState {
  std::string function_name;
  std::string logical_id;
  std::string alias;
  std::map<std::string, double> weights;         // version -> share of traffic, 0..1
  std::map<std::string, std::int64_t> observed;  // version -> invocations, last 10 s (real)
};

struct StatusSnapshot {
  std::int64_t now = 0;
  double time_scale = 1;
  std::uint64_t generation = 0;
  std::vector<DeploymentState> deployments;  // oldest first
  std::vector<AliasState> aliases;

  // nullptr when absent. Pointers stay valid while the snapshot is not modified.
  const DeploymentState* find_deployment(const std::string& id) const;
  const AliasState* find_alias(const std::string& function_name, const std::string& alias) const;
};

// Decodes a status body. Missing optional fields take their defaults; a field of the wrong type
// is an Error (code "BadResponse") naming it.
Result<StatusSnapshot> parse_status(const nlohmann::json& body);

// Which deployments a view shows.
struct ViewScope {
  // Shown in this order; when empty, the `newest` most recent deployments, oldest first.
  std::vector<std::string> deployment_ids;
  std::size_t newest = 5;
  // Adds an "Aliases" section with every alias (frames) — `emulator watch`.
  bool all_aliases = false;
  // Frames: at most this many lines (a terminal's height; 0 = no limit). Deployments in
  // progress come first, in full; finished ones follow newest first, one line each
  // (deployment_summary); then the aliases; whatever does not fit is counted in a last line.
  std::size_t max_lines = 0;
};

// The ids `scope` selects from `status`, in display order; ids absent from `status` are skipped.
std::vector<std::string> scoped_deployment_ids(const StatusSnapshot& status,
                                               const ViewScope& scope);

// Deployment id -> the virtual time of the last traffic shift the caller saw, so that a progress
// bar spans from that shift to the next one. Without a mark a bar starts at the deployment's
// creation (exact for a canary's first step; for a linear deployment first seen midway the bar
// spans several steps until the next shift is seen).
using ShiftMarks = std::map<std::string, std::int64_t>;

// Records in `marks` the shifts that happened between `previous` (nullptr: none seen yet) and
// `current`: a changed next-shift time means the old one was reached; a first announced one
// means traffic started shifting at about `current.now`.
void update_shift_marks(const StatusSnapshot* previous, const StatusSnapshot& current,
                        ShiftMarks& marks);

// The lines of a full frame: `header`, a blank line, then per deployment in scope its
// function, id, configuration, "version 1 → 2" and status, each lifecycle event with a status
// symbol, and — for the newest deployment of its alias — the alias weights, a progress bar to
// the next shift and the observed split; then, with scope.all_aliases, every alias. With
// scope.max_lines, fitted to that height as ViewScope says.
std::vector<std::string> render_frame(const StatusSnapshot& status, const ViewScope& scope,
                                      const ShiftMarks& marks,
                                      const std::vector<std::string>& header);

// The frame as terminal output that replaces the previous one in place: cursor home, each line
// followed by erase-to-end-of-line, then erase below. No trailing newline is needed.
std::string to_screen(const std::vector<std::string>& frame);

// One line per change from `previous` (nullptr: everything is new) to `current`, each prefixed
// with the deployment id: a deployment appearing (with its current event states, weights and,
// when finished, its result), an event's status, the weights, the status, a rollback.
std::vector<std::string> render_changes(const StatusSnapshot* previous,
                                        const StatusSnapshot& current, const ViewScope& scope);

// The building blocks, exact formats (tests rely on them):
// "WhoDisFunction:live (main-WhoDisFunction-1A2B)" when the status knows the alias's logical id
// and it differs from the function name, else "FUNCTION:ALIAS".
std::string alias_label(const StatusSnapshot& status, const std::string& function_name,
                        const std::string& alias);
// "Succeeded", or "Failed: HOOK_EXECUTION_FAILURE: <errorMessage>" when there is an error.
std::string format_outcome(const DeploymentState& deployment);
// "v1 90% | v2 10%": versions in numeric order, shares rounded to whole percent, zero shares
// left out; "none" when nothing is left.
std::string format_weights(const std::map<std::string, double>& weights);
// The weights a deployment implies: from_version 1 - w, to_version w.
std::map<std::string, double> deployment_weights(const DeploymentState& deployment);
// "observed (10 s): v1 88% | v2 12% (n=250)", or "observed (10 s): no invocations".
std::string format_observed(const std::map<std::string, std::int64_t>& observed);
// One line for a deployment a fitted frame collapses: "d-XXXXXXXXX  WhoDisFunction:live  v1 → v2 ·
// Succeeded".
std::string deployment_summary(const StatusSnapshot& status, const DeploymentState& deployment);
// Virtual milliseconds, rounded up to whole seconds: "45s", "2m30s", "1h05m00s".
std::string format_duration(std::int64_t milliseconds);
// "[#####.....]" with `width` cells; `fraction` is clamped to 0..1 and rounded down.
std::string progress_bar(double fraction, std::size_t width);

}  // namespace emu::cli
