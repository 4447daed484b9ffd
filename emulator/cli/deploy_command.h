// `emulator deploy [--endpoint URL] [--template PATH] [--parameter-overrides K=V ...]
// [--no-wait]` (docs/cli.md): asks the running emulator to deploy its template again (or the
// one at PATH) with the overrides on top of the parameter values in force (POST
// /emulator/deploy, emulator/control/control_api.h), prints each change, then follows the
// CodeDeploy deployments it started — and their rollback deployments — until they end.
//
// Exit codes: 0 every deployment succeeded, or nothing changed, or --no-wait; 1 a deployment
// failed or was stopped (rolled back), another deployment is in progress (409), or the emulator
// cannot be reached; 2 a bad command line or a template / override error (400).
#pragma once

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator/cli/control_client.h"
#include "emulator/cli/deployment_view.h"
#include "emulator/core/result.h"

namespace emu::cli {

struct DeployOptions {
  ControlEndpoint endpoint;   // parsed from --endpoint
  std::string template_path;  // as given; "" = the template being served
  std::map<std::string, std::string> parameter_overrides;
  bool no_wait = false;
  bool help = false;
};

// Parses the arguments after "deploy". --parameter-overrides takes every value up to the next
// flag (may repeat), each "Key=Value" or "ParameterKey=K,ParameterValue=V". An Error (code
// "UsageError") has a one-line reason; the caller prints it with deploy_usage() and exits 2.
Result<DeployOptions> parse_deploy_options(const std::vector<std::string>& arguments);
std::string deploy_usage();

// The body of POST /emulator/deploy; "templatePath" is made absolute (against the current
// directory), since the emulator may run elsewhere.
nlohmann::json deploy_request_body(const DeployOptions& options);

// One entry of the deploy response's "changes".
struct DeployChange {
  std::string logical_id;
  std::string function_name;
  std::string action;  // "deployment", "alias-moved", "latest-replaced", "added"
  std::string from_version;
  std::string to_version;
  std::string deployment_id;
  std::string deployment_config_name;
};

// Decodes "changes"; an Error (code "BadResponse") names a field of the wrong type.
Result<std::vector<DeployChange>> parse_changes(const nlohmann::json& body);

// The line printed for one change, e.g.
// "WhoDisFunction: version 1 → 2 by deployment d-ABCDEFGHI
// (CodeDeployDefault.LambdaCanary10Percent5Minutes)".
std::string describe_change(const DeployChange& change);

// Where the deployments a deploy started stand.
struct FollowOutcome {
  enum class State { kWaiting, kSucceeded, kFailed, kLost };
  State state = State::kWaiting;
  // The deployments to show, in order: each started one followed by its rollback deployment.
  std::vector<std::string> shown_ids;
  // When not kWaiting: the final report, one line each (no trailing newline).
  std::vector<std::string> report;
};

// Done when every started deployment has finished and so has each rollback deployment it names.
// kFailed when any Failed or was Stopped (the report says why and which version the alias is
// back on); kLost when a started deployment is not in the status (the emulator restarted).
FollowOutcome assess(const StatusSnapshot& status, const std::vector<std::string>& started);

// Runs the command; `terminal` says whether `out` is a terminal (redrawn view) or not (plain
// lines). Returns the exit code described above.
int run_deploy(const DeployOptions& options, std::ostream& out, std::ostream& err, bool terminal);

}  // namespace emu::cli
