// HotReload: --watch and --watch-deploy (docs/cli.md, "Hot reload" in docs/runtimes.md). Watches
// the served template and the code its functions run from (each CodeUri folder or zip, each
// template layer's ContentUri) and, once a change settles (FileWatcher), deploys the template
// again through the Redeployer, as `emulator deploy` would: a function whose code or
// configuration changed gets a new version, the others nothing.
//   --watch         the new version goes live at once (aliases move), as `sam sync --watch` does;
//   --watch-deploy  through each function's DeploymentPreference: a save plays the canary, its
//                   hooks and, when an alarm or hook fails, the rollback.
// A template error or a refused deploy (a deployment of that function in progress: tried again
// every 2 s) is logged and the previous state keeps serving. Built-in C++ handlers cannot be
// reloaded (rebuild and restart); their template settings can.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "emulator/control/redeployer.h"
#include "emulator/core/file_watcher.h"
#include "emulator/lambda/runtime_api/code_artifacts.h"

namespace emu::app {

class HotReload {
 public:
  enum class Mode { kLive, kDeploy };
  // Whose code is watched (a function that runs from CodeArtifacts).
  using Watched = std::function<bool(const tmpl::FunctionSpec&)>;

  // `artifacts` may be null (every function built in): then only the template is watched.
  // The references must outlive the object.
  HotReload(control::Redeployer& redeployer, const lambda::CodeArtifacts* artifacts,
            Watched watched, Mode mode);

  // Starts watching; returns the start-up line that says what is watched and what a change does.
  // Warnings (paths that cannot be watched) are logged.
  std::string start();

  // The template and code paths watched for `stack` (absolute, each once).
  std::vector<std::string> paths_of(const tmpl::Stack& stack) const;

 private:
  std::optional<std::chrono::milliseconds> on_change(const std::vector<std::string>& changed);
  // `path` relative to the template's folder when inside it.
  std::string shown(const std::string& path) const;

  control::Redeployer& redeployer_;
  const lambda::CodeArtifacts* artifacts_;
  Watched watched_;
  Mode mode_;
  std::string template_dir_;
  bool waiting_ = false;  // a refused deploy is being tried again (said once)
  FileWatcher watcher_;   // last: its thread stops before the members above go
};

}  // namespace emu::app
