#include "emulator/cli/deploy_command.h"

#include <filesystem>
#include <optional>
#include <ostream>
#include <stdexcept>

#include "emulator/cli/options.h"
#include "emulator/cli/response_fields.h"
#include "emulator/cli/watch_command.h"
#include "emulator/template/loader.h"

namespace emu::cli {
namespace {

using nlohmann::json;

// A deploy resolves the template and publishes versions before it answers; that is quick, but
// a big template on a loaded machine deserves more than a status request.
constexpr std::chrono::milliseconds kDeployTimeout{60000};
// The exit code of a command stopped by SIGINT, as shells report it.
constexpr int kExitInterrupted = 130;

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i ? separator : "") + parts[i];
  return text;
}

// The message of an error body ({"Type", "Message"}) or of a success body ({"message"}).
std::string body_message(const json& body) {
  if (!body.is_object()) return "";
  for (const char* key : {"Message", "message"}) {
    auto it = body.find(key);
    if (it != body.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

// The "deployments" of a deploy response: the ids of the deployments it started.
Result<std::vector<std::string>> parse_started_ids(const json& body) {
  std::vector<std::string> ids;
  auto it = body.find("deployments");
  if (it == body.end() || it->is_null()) return ids;
  if (!it->is_array())
    return Error{"BadResponse", "deploy response: deployments should be an array"};
  for (const auto& id : *it) {
    if (!id.is_string())
      return Error{"BadResponse", "deploy response: deployments should hold strings"};
    ids.push_back(id.get<std::string>());
  }
  return ids;
}

struct Following {
  std::vector<std::string> header;  // the frame's first lines
  FollowOutcome outcome;
  bool interrupted = false;
  std::optional<Error> lost;  // the status could not be read any more
};

// Polls the status and renders the started deployments until they end, the status cannot be
// read kStatusAttempts times in a row, or SIGINT / SIGTERM.
Following follow(const ControlClient& client, const std::vector<std::string>& started,
                 std::vector<std::string> header, std::ostream& out, bool terminal) {
  Following following;
  following.header = std::move(header);
  StopSignals stop;
  std::optional<StatusSnapshot> previous;
  ShiftMarks marks;
  int failures = 0;
  if (terminal) out << "\x1b[?25l\x1b[2J";  // hide the cursor while redrawing; clear once
  while (true) {
    auto status = fetch_status(client);
    if (status.ok()) {
      failures = 0;
      following.outcome = assess(status.value(), started);
      ViewScope scope;
      scope.deployment_ids = following.outcome.shown_ids;
      const StatusSnapshot* before = previous ? &*previous : nullptr;
      update_shift_marks(before, status.value(), marks);
      if (terminal) {
        out << to_screen(render_frame(status.value(), scope, marks, following.header));
      } else {
        for (const auto& line : render_changes(before, status.value(), scope)) out << line << "\n";
      }
      out.flush();
      previous = std::move(status).value();
      if (following.outcome.state != FollowOutcome::State::kWaiting) break;
    } else if (++failures >= kStatusAttempts) {
      following.lost = status.error();
      break;
    }
    if (!stop.sleep_for(kStatusPollInterval)) {
      following.interrupted = true;
      break;
    }
  }
  if (terminal) out << "\x1b[?25h";
  out.flush();
  return following;
}

}  // namespace

std::string deploy_usage() {
  return R"(usage: emulator deploy [--endpoint URL] [--template PATH] [--parameter-overrides K=V ...]
                       [--no-wait]

Asks a running emulator to deploy its template again, as `sam deploy` would: the overrides go
on top of the parameter values in force, every changed function gets a new version, and a
function with a DeploymentPreference moves its alias through a CodeDeploy deployment (hooks,
canary or linear traffic shifting, automatic rollback). Then follows those deployments, live,
until they end.

  --endpoint URL                 the emulator's --aws-port endpoint (default http://127.0.0.1:3001)
  --template PATH                deploy this template instead of the one being served
  --parameter-overrides K=V ...  parameter values; also ParameterKey=K,ParameterValue=V
  --no-wait                      print the deployment ids and return at once
  --help                         this text

Exit codes: 0 every deployment succeeded (or nothing changed, or --no-wait); 1 a deployment
failed and was rolled back, another deployment is in progress, or the emulator cannot be
reached; 2 a bad command line or a template error.
)";
}

Result<DeployOptions> parse_deploy_options(const std::vector<std::string>& arguments) {
  DeployOptions options;
  std::string endpoint = kDefaultControlEndpoint;
  std::vector<std::string> overrides;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    if (argument == "--help" || argument == "-h") {
      options.help = true;
    } else if (argument == "--endpoint" || argument == "--template") {
      auto text = flag_value(arguments, i, argument);
      if (!text.ok()) return text.error();
      (argument == "--endpoint" ? endpoint : options.template_path) = text.value();
    } else if (argument == "--parameter-overrides") {
      auto taken = take_parameter_overrides(arguments, i, overrides);
      if (!taken.ok()) return taken.error();
    } else if (argument == "--no-wait") {
      options.no_wait = true;
    } else if (argument.size() > 1 && argument[0] == '-') {
      return usage_error("unknown option " + argument);
    } else {
      return usage_error("unexpected argument " + argument +
                         " (a template is given with --template PATH)");
    }
  }
  auto parsed_endpoint = parse_endpoint(endpoint);
  if (!parsed_endpoint.ok()) return parsed_endpoint.error();
  options.endpoint = std::move(parsed_endpoint).value();
  auto parsed_overrides = tmpl::parse_parameter_overrides(overrides);
  if (!parsed_overrides.ok()) return usage_error(parsed_overrides.error().message);
  options.parameter_overrides = std::move(parsed_overrides).value();
  return options;
}

nlohmann::json deploy_request_body(const DeployOptions& options) {
  json body = json::object();
  if (!options.template_path.empty()) {
    std::error_code ec;
    auto absolute = std::filesystem::absolute(options.template_path, ec);
    body["templatePath"] = ec ? options.template_path : absolute.lexically_normal().string();
  }
  body["parameterOverrides"] = options.parameter_overrides;
  return body;
}

Result<std::vector<DeployChange>> parse_changes(const nlohmann::json& body) {
  std::vector<DeployChange> changes;
  if (!body.is_object()) return Error{"BadResponse", "deploy response: not a JSON object"};
  auto it = body.find("changes");
  if (it == body.end() || it->is_null()) return changes;
  if (!it->is_array()) return Error{"BadResponse", "deploy response: changes should be an array"};
  try {
    for (const auto& entry : *it) {
      if (!entry.is_object()) throw FieldError("changes should hold objects");
      DeployChange& change = changes.emplace_back();
      read_text_fields(entry, {{"logicalId", change.logical_id},
                               {"functionName", change.function_name},
                               {"action", change.action},
                               {"fromVersion", change.from_version},
                               {"toVersion", change.to_version},
                               {"deploymentId", change.deployment_id},
                               {"deploymentConfigName", change.deployment_config_name}});
    }
  } catch (const FieldError& e) {
    return Error{"BadResponse", std::string("deploy response: ") + e.what()};
  }
  return changes;
}

std::string describe_change(const DeployChange& change) {
  std::string name = change.logical_id.empty() ? change.function_name : change.logical_id;
  std::string versions = "version " + (change.from_version.empty() ? "?" : change.from_version) +
                         " → " + (change.to_version.empty() ? "?" : change.to_version);
  if (change.action == "deployment")
    return name + ": " + versions + " by deployment " + change.deployment_id + " (" +
           change.deployment_config_name + ")";
  if (change.action == "alias-moved")
    return name + ": " + versions + ", alias moved at once (no DeploymentPreference)";
  if (change.action == "latest-replaced")
    return name + ": $LATEST replaced (no AutoPublishAlias, so no new version)";
  if (change.action == "added")
    return name + ": added" + (change.to_version.empty() ? "" : " as version " + change.to_version);
  return name + ": " + change.action;
}

FollowOutcome assess(const StatusSnapshot& status, const std::vector<std::string>& started) {
  FollowOutcome outcome;
  std::vector<std::string> report;
  bool all_finished = true;
  std::size_t failed = 0;
  for (const auto& id : started) {
    const DeploymentState* d = status.find_deployment(id);
    if (!d) {
      outcome.state = FollowOutcome::State::kLost;
      outcome.report = {"deployment " + id +
                        " is not in the emulator's status (was the emulator restarted?)"};
      return outcome;
    }
    outcome.shown_ids.push_back(id);
    const DeploymentState* rollback = nullptr;
    if (!d->rollback_deployment_id.empty()) {
      rollback = status.find_deployment(d->rollback_deployment_id);
      if (rollback) outcome.shown_ids.push_back(rollback->id);
    }
    // A rollback named but absent from the status cannot be waited for.
    if (!d->finished() || (rollback && !rollback->finished())) {
      all_finished = false;
      continue;
    }
    std::string label = id + " " + alias_label(status, d->function_name, d->alias);
    if (d->status == "Succeeded") {
      report.push_back(label + " succeeded: version " + d->to_version + " serves all traffic");
      continue;
    }
    ++failed;
    report.push_back(label + " " + format_outcome(*d));
    if (rollback && rollback->status == "Succeeded")
      report.push_back("  rolled back by " + rollback->id + ": " + d->alias +
                       " is back on version " + d->from_version);
    else if (rollback)
      report.push_back("  rollback " + rollback->id + " " + format_outcome(*rollback));
    else
      report.push_back("  not rolled back: " + d->alias + " keeps " +
                       format_weights(deployment_weights(*d)));
  }
  if (!all_finished) return outcome;
  std::string count = std::to_string(started.size());
  if (failed == 0) {
    outcome.state = FollowOutcome::State::kSucceeded;
    report.push_back(started.size() == 1 ? "The deployment succeeded."
                                         : "All " + count + " deployments succeeded.");
  } else {
    outcome.state = FollowOutcome::State::kFailed;
    report.push_back(std::to_string(failed) + " of " + count + " deployment" +
                     (started.size() == 1 ? "" : "s") + " failed.");
  }
  outcome.report = std::move(report);
  return outcome;
}

int run_deploy(const DeployOptions& options, std::ostream& out, std::ostream& err, bool terminal) {
  ControlClient client(options.endpoint);
  auto response =
      client.post_json("/emulator/deploy", deploy_request_body(options), kDeployTimeout);
  if (!response.ok()) {
    err << "emulator deploy: " << response.error().message << "\n";
    return 1;
  }
  const json& body = response->body;
  std::string message = body_message(body);
  if (response->status == 400) {
    err << "emulator deploy: " << message << "\n";
    return 2;
  }
  if (response->status == 409) {
    err << "emulator deploy: " << message << "\n"
        << "(follow it with: emulator watch --endpoint " << options.endpoint.url << ")\n";
    return 1;
  }
  if (response->status != 200) {
    err << "emulator deploy: " << options.endpoint.url << "/emulator/deploy answered "
        << response->status << (message.empty() ? "" : ": " + message)
        << " (is --endpoint the emulator's --aws-port?)\n";
    return 1;
  }
  auto changes = parse_changes(body);
  auto started = parse_started_ids(body);
  if (!changes.ok() || !started.ok()) {
    err << "emulator deploy: " << (changes.ok() ? started.error() : changes.error()).message
        << "\n";
    return 1;
  }
  if (changes->empty()) {
    out << "No changes: nothing to deploy.\n";
    return 0;
  }
  std::vector<std::string> change_lines;
  for (const auto& change : changes.value()) change_lines.push_back(describe_change(change));
  if (started->empty() || options.no_wait || !terminal) {
    for (const auto& line : change_lines) out << line << "\n";
  }
  if (started->empty()) {
    out << "No deployment to follow: done.\n";
    return 0;
  }
  if (options.no_wait) {
    out << "Deployments started: " << join(started.value(), " ") << "\n"
        << "Follow them with: emulator watch --endpoint " << options.endpoint.url << "\n";
    return 0;
  }

  std::string waiting = "Following " + std::to_string(started->size()) + " deployment" +
                        (started->size() == 1 ? "" : "s") + " at " + options.endpoint.url;
  std::vector<std::string> header = change_lines;
  header.push_back("");
  header.push_back(waiting + " (Ctrl-C stops following; the deployments go on)");
  if (!terminal) out << waiting << "\n";
  out.flush();

  Following following = follow(client, started.value(), std::move(header), out, terminal);
  if (following.interrupted) {
    err << "emulator deploy: stopped following; the deployments go on in the emulator "
           "(emulator watch --endpoint "
        << options.endpoint.url << " shows them)\n";
    return kExitInterrupted;
  }
  if (following.lost) {
    err << "emulator deploy: lost the emulator while following: " << following.lost->message
        << "\n";
    return 1;
  }
  const auto& outcome = following.outcome;
  if (outcome.state == FollowOutcome::State::kLost) {
    err << "emulator deploy: " << join(outcome.report, "\n") << "\n";
    return 1;
  }
  // The outcome is the command's result, failed or not: stdout, where the changes went.
  for (const auto& line : outcome.report) out << line << "\n";
  return outcome.state == FollowOutcome::State::kSucceeded ? 0 : 1;
}

}  // namespace emu::cli
