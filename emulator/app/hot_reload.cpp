#include "emulator/app/hot_reload.h"

#include <filesystem>
#include <set>

#include "emulator/app/startup_report.h"
#include "emulator/core/log.h"

namespace emu::app {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// How often a deploy refused by a deployment in progress is tried again.
constexpr auto kRetryEvery = 2s;

}  // namespace

HotReload::HotReload(control::Redeployer& redeployer, const lambda::CodeArtifacts* artifacts,
                     Watched watched, Mode mode)
    : redeployer_(redeployer),
      artifacts_(artifacts),
      watched_(std::move(watched)),
      mode_(mode),
      watcher_([this](const std::vector<std::string>& changed) { return on_change(changed); }) {}

std::vector<std::string> HotReload::paths_of(const tmpl::Stack& stack) const {
  std::set<std::string> seen;
  std::vector<std::string> paths;
  auto add = [&](const std::string& path) {
    if (seen.insert(path).second) paths.push_back(path);
  };
  std::error_code ec;
  add(fs::absolute(stack.template_path, ec).lexically_normal().string());
  if (!artifacts_) return paths;
  for (const auto& spec : stack.functions) {
    if (!watched_(spec)) continue;
    if (!spec.code_uri.empty()) add(artifacts_->path_of(stack, spec.code_uri));
    for (const auto& layer : spec.layers)
      if (!layer.content_uri.empty()) add(artifacts_->path_of(stack, layer.content_uri));
  }
  return paths;
}

std::string HotReload::shown(const std::string& path) const {
  if (!template_dir_.empty() && path.rfind(template_dir_ + "/", 0) == 0)
    return path.substr(template_dir_.size() + 1);
  return path;
}

std::string HotReload::start() {
  auto stack = redeployer_.stack();
  std::error_code ec;
  template_dir_ =
      fs::absolute(stack.template_path, ec).lexically_normal().parent_path().string();
  auto paths = paths_of(stack);
  for (const auto& warning : watcher_.watch(paths)) log::warn("--watch: " + warning);
  std::string why;
  if (!watcher_.start(why)) return "--watch is off: " + why;
  std::size_t code = paths.size() - 1;
  std::string what = shown(paths.front()) +
                     (code ? " and " + counted(code, "code folder or package",
                                               "code folders and packages")
                           : std::string()) +
                     " (" + counted(watcher_.folder_count(), "folder", "folders") + ")";
  return mode_ == Mode::kLive
             ? "Watching " + what + ": a saved change goes live at once, as sam sync --watch "
               "does (--watch-deploy: through each DeploymentPreference)"
             : "Watching " + what + ": a saved change deploys through each function's "
               "DeploymentPreference (canary, hooks, alarms), as sam deploy would";
}

std::optional<std::chrono::milliseconds> HotReload::on_change(
    const std::vector<std::string>& changed) {
  if (!waiting_) {
    std::string list;
    for (std::size_t i = 0; i < changed.size() && i < 3; ++i)
      list += (i ? ", " : "") + shown(changed[i]);
    if (changed.size() > 3) list += " and " + std::to_string(changed.size() - 3) + " more";
    log::info("Watch: " + list + " changed; deploying" +
              (mode_ == Mode::kLive ? "" : " through each DeploymentPreference"));
  }
  control::DeployRequest request;
  request.use_deployment_preference = mode_ == Mode::kDeploy;
  auto outcome = redeployer_.deploy(request);
  if (!outcome.ok()) {
    if (outcome.error().code == "DeploymentInProgressException") {
      if (!waiting_)
        log::warn("Watch: not deployed yet: " + outcome.error().message +
                  " The emulator tries again every " + std::to_string(kRetryEvery.count()) +
                  " s.");
      waiting_ = true;
      return std::chrono::duration_cast<std::chrono::milliseconds>(kRetryEvery);
    }
    waiting_ = false;
    log::warn("Watch: not deployed; what was served before still is. " +
              outcome.error().message);
  } else {
    waiting_ = false;
  }
  // The template may name other code now, or a watched folder went away (sam build recreates
  // .aws-sam/build): watch what the stack in force names.
  for (const auto& warning : watcher_.watch(paths_of(redeployer_.stack())))
    log::warn("--watch: " + warning);
  return std::nullopt;
}

}  // namespace emu::app
