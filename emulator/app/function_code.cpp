#include "emulator/app/function_code.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <map>
#include <set>
#include <vector>

#include "emulator/core/log.h"
#include "emulator/lambda/in_process/builtin_code.h"

#ifndef EMULATOR_SOURCE_RUNTIMES_DIR
#define EMULATOR_SOURCE_RUNTIMES_DIR ""
#endif

namespace emu::app {
namespace {

namespace fs = std::filesystem;

bool executable(const std::string& path) { return !path.empty() && ::access(path.c_str(), X_OK) == 0; }

// `name` found on PATH (absolute), or "".
std::string on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    auto colon = dirs.find(':', start);
    std::string dir = dirs.substr(start, colon - start);
    if (!dir.empty() && executable(dir + "/" + name)) return dir + "/" + name;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return "";
}

// The first line `program argument` prints, or "" (popen: only at start, for a version).
std::string first_line_of(const std::string& program, const std::string& argument) {
  std::string command = "'" + program + "' " + argument + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) return "";
  std::array<char, 128> buffer{};
  if (!std::fgets(buffer.data(), buffer.size(), pipe.get())) return "";
  std::string line = buffer.data();
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

std::string find_runtimes_dir() {
  if (const char* dir = std::getenv("EMULATOR_RUNTIMES_DIR"); dir && *dir) return dir;
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto installed = exe.parent_path().parent_path() / "share" / "sam-emulator" / "runtimes";
    if (fs::exists(installed / "python" / "bootstrap.py", ec)) return installed.string();
  }
  std::string source = EMULATOR_SOURCE_RUNTIMES_DIR;
  if (!source.empty() && fs::exists(fs::path(source) / "python" / "bootstrap.py", ec)) return source;
  return "";
}

enum class Family { kProvided, kPython, kNode, kOther };

struct RuntimeName {
  Family family = Family::kOther;
  int major = 0;  // python: 3; node: 20
  int minor = 0;  // python: 11
};

// "python3.12" -> {kPython, 3, 12}; "nodejs20.x" -> {kNode, 20}; "provided.al2023" or "" ->
// kProvided; anything else kOther.
RuntimeName parse_runtime(const std::string& runtime) {
  RuntimeName name;
  if (runtime.empty() || runtime.starts_with("provided")) {
    name.family = Family::kProvided;
  } else if (runtime.starts_with("python") &&
             std::sscanf(runtime.c_str(), "python%d.%d", &name.major, &name.minor) == 2) {
    name.family = Family::kPython;
  } else if (runtime.starts_with("nodejs") &&
             std::sscanf(runtime.c_str(), "nodejs%d", &name.major) == 1) {
    name.family = Family::kNode;
  }
  return name;
}

// Warns once per function (a redeploy resolves again).
class OnceWarnings {
 public:
  void warn(const std::string& logical_id, const std::string& text) {
    std::lock_guard lock(mutex_);
    if (warned_.insert(logical_id + "\n" + text).second) log::warn(text);
  }

 private:
  std::mutex mutex_;
  std::set<std::string> warned_;
};

// ${XDG_CACHE_HOME:-~/.cache}/sam-emulator/pycache: Python's bytecode for the functions'
// (PYTHONPYCACHEPREFIX), kept out of the users' folders; "" without a home.
std::string pycache_prefix() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  std::string cache = xdg && *xdg ? std::string(xdg)
                      : home && *home ? std::string(home) + "/.cache"
                                      : std::string();
  return cache.empty() ? cache : cache + "/sam-emulator/pycache";
}

// Python reuses a .pyc while its source's size and modification time (whole seconds) match: a
// save of the same length within a second of the last compile would run the old code. When a
// folder Python imports from (a task root, a layer) changes content, its bytecode under the
// prefix is removed, so the new version compiles afresh (--watch saves, `emulator deploy`).
class StaleBytecode {
 public:
  // `function`: whose folder it is (functions may share one, with different layers).
  void forget_if_changed(const std::string& function, const std::string& folder,
                         const std::string& digest) {
    std::lock_guard lock(mutex_);
    auto [known, added] = digests_.emplace(function + "\n" + folder, digest);
    if (added || known->second == digest) return;
    known->second = digest;
    std::string prefix = pycache_prefix();
    std::error_code ec;
    if (!prefix.empty() && !folder.empty()) fs::remove_all(prefix + folder, ec);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> digests_;  // function, folder -> digest last resolved
};

lambda::CodeIdentity unavailable(const tmpl::FunctionSpec& spec, std::string reason) {
  lambda::CodeIdentity code;
  code.package = lambda::package_name(spec.code_uri);
  code.unavailable = std::move(reason);
  return code;
}

// The interpreter `path` starts and its version, from the line `path <flag> <script>` prints:
// "<executable> <major> <minor>". Asking for the executable resolves wrappers (pyenv's and asdf's
// shims are shell scripts that cost tens of milliseconds at every start of an environment).
Interpreter ask(const std::string& path, const char* flag, const char* script) {
  Interpreter interpreter;
  if (path.empty()) return interpreter;
  std::string line = first_line_of(path, std::string(flag) + " '" + script + "'");
  // The path may hold spaces: the two numbers are the last two words.
  auto second = line.rfind(' ');
  auto first = second == std::string::npos || second == 0 ? std::string::npos
                                                          : line.rfind(' ', second - 1);
  if (first == std::string::npos) return interpreter;
  int major = 0, minor = 0;
  if (std::sscanf(line.c_str() + first, " %d %d", &major, &minor) != 2) return interpreter;
  std::string resolved = line.substr(0, first);
  interpreter.path = executable(resolved) ? resolved : path;
  interpreter.major = major;
  interpreter.minor = minor;
  return interpreter;
}

// The warning for a function that cannot run here, and the identity its versions get.
lambda::CodeIdentity cannot_run(OnceWarnings& once, const tmpl::FunctionSpec& spec,
                                const std::string& reason) {
  once.warn(spec.logical_id, spec.code_uri_where.to_string() + ": Resources." + spec.logical_id +
                                 ".Properties.Runtime: " + reason +
                                 "; its invocations fail with Runtime.InvalidRuntime, the other "
                                 "functions are served");
  return unavailable(spec, reason);
}

// "a:b:c" from the non-empty parts.
std::string search_path(const std::vector<std::string>& parts) {
  std::string joined;
  for (const auto& part : parts) {
    if (part.empty()) continue;
    if (!joined.empty()) joined += ':';
    joined += part;
  }
  return joined;
}

// Where each runtime finds a layer's content (AWS Lambda developer guide, "Layer paths for each
// Lambda runtime": python and python/lib/python3.x/site-packages on sys.path, nodejs/node_modules
// and nodejs/nodeNN/node_modules on NODE_PATH, bin on PATH, lib on LD_LIBRARY_PATH). Lambda
// extracts the layers into /opt in order, a later one's files over an earlier one's; here each
// stays in its own folder and the later one comes first on each path. Python's bytecode caches go
// to the emulator's cache instead of into the user's folders.
std::map<std::string, std::string> runtime_paths(const RuntimeName& runtime,
                                                 const std::vector<std::string>& layers,
                                                 const std::string& task_root) {
  std::vector<std::string> later_first(layers.rbegin(), layers.rend());
  std::vector<std::string> bin, lib{task_root, task_root + "/lib"}, python, node;
  for (const auto& layer : later_first) {
    bin.push_back(layer + "/bin");
    lib.push_back(layer + "/lib");
    // sys.path on AWS: /opt/python/lib/python3.x/site-packages before /opt/python.
    python.push_back(layer + "/python/lib/python" + std::to_string(runtime.major) + "." +
                     std::to_string(runtime.minor) + "/site-packages");
    python.push_back(layer + "/python");
    node.push_back(layer + "/nodejs/node" + std::to_string(runtime.major) + "/node_modules");
    node.push_back(layer + "/nodejs/node_modules");
  }
  std::map<std::string, std::string> environment;
  if (!layers.empty()) {
    // PATH on AWS: /usr/local/bin:/usr/bin/:/bin:/opt/bin (the layers' bin last).
    bin.insert(bin.begin(), "/usr/local/bin:/usr/bin:/bin");
    environment["PATH"] = search_path(bin);
    environment["LD_LIBRARY_PATH"] = search_path(lib);
  }
  if (runtime.family == Family::kPython) {
    if (!python.empty()) environment["PYTHONPATH"] = search_path(python);
    if (auto prefix = pycache_prefix(); !prefix.empty()) environment["PYTHONPYCACHEPREFIX"] = prefix;
  } else if (runtime.family == Family::kNode && !node.empty()) {
    environment["NODE_PATH"] = search_path(node);
  }
  return environment;
}

}  // namespace

std::string Interpreter::version() const {
  return std::to_string(major) + "." + std::to_string(minor);
}

const std::string& RuntimeCommands::runtimes_dir() {
  std::call_once(dir_once_, [this] { runtimes_dir_ = find_runtimes_dir(); });
  return runtimes_dir_;
}

const Interpreter& RuntimeCommands::python() {
  std::call_once(python_once_, [this] {
    const char* venv = std::getenv("VIRTUAL_ENV");
    std::string path = venv && executable(std::string(venv) + "/bin/python3")
                           ? std::string(venv) + "/bin/python3"
                           : on_path("python3");
    python_ = ask(path, "-c", "import sys; print(sys.executable, *sys.version_info[:2])");
  });
  return python_;
}

const Interpreter& RuntimeCommands::node() {
  std::call_once(node_once_, [this] {
    node_ = ask(on_path("node"), "-e",
                "const [a, b] = process.versions.node.split(\".\"); "
                "console.log(process.execPath, a, b)");
  });
  return node_;
}

bool runs_from_artifacts(Options::InvokeMode mode, lambda_runtime::HandlerRegistry handlers,
                         const tmpl::FunctionSpec& spec) {
  if (mode == Options::InvokeMode::kInProcess) return false;
  const RuntimeName runtime = parse_runtime(spec.runtime);
  switch (runtime.family) {
    case Family::kProvided:
      return mode == Options::InvokeMode::kRuntimeApi ||
             !lambda_runtime::find_handler(handlers, lambda::package_name(spec.code_uri));
    case Family::kPython:
      return true;
    case Family::kNode:
      return runtime.major >= 18;
    case Family::kOther:
      return false;
  }
  return false;
}

lambda::CodeResolver function_code_resolver(Options::InvokeMode mode,
                                            lambda_runtime::HandlerRegistry handlers,
                                            lambda::CodeArtifacts& artifacts,
                                            RuntimeCommands& commands) {
  auto builtin = lambda::builtin_code_resolver(handlers);
  auto once = std::make_shared<OnceWarnings>();
  auto bytecode = std::make_shared<StaleBytecode>();
  return [=, &artifacts, &commands](const tmpl::Stack& stack,
                                    const tmpl::FunctionSpec& spec) -> Result<lambda::CodeIdentity> {
    if (mode == Options::InvokeMode::kInProcess) return builtin(stack, spec);
    const RuntimeName runtime = parse_runtime(spec.runtime);
    if (runtime.family == Family::kProvided) {
      if (mode == Options::InvokeMode::kAuto &&
          lambda_runtime::find_handler(handlers, lambda::package_name(spec.code_uri)))
        return builtin(stack, spec);
      auto code = artifacts.resolve(stack, spec, /*needs_bootstrap=*/true);
      if (code.ok()) code->environment = runtime_paths(runtime, code->layer_dirs, code->code_dir);
      return code;
    }
    if (runtime.family == Family::kOther || (runtime.family == Family::kNode && runtime.major < 18)) {
      return cannot_run(*once, spec,
                        "Runtime " + spec.runtime + " cannot run in this emulator: it runs "
                        "python3.x, nodejs18.x and later, the bootstraps of provided.al2023 and "
                        "provided.al2 functions, and C++ handlers built into it (docs/runtimes.md)");
    }
    const bool python = runtime.family == Family::kPython;
    const Interpreter& interpreter = python ? commands.python() : commands.node();
    if (interpreter.path.empty()) {
      return cannot_run(*once, spec,
                        "Runtime " + spec.runtime + " needs " + (python ? "python3" : "node") +
                            " on PATH, and none was found (apt-get install " +
                            (python ? "python3" : "nodejs") + ")");
    }
    const std::string& dir = commands.runtimes_dir();
    if (dir.empty()) {
      return cannot_run(*once, spec,
                        "the emulator's runtime loops (runtimes/python, runtimes/nodejs) were not "
                        "found beside it; set EMULATOR_RUNTIMES_DIR to the folder that holds them");
    }
    auto code = artifacts.resolve(stack, spec, /*needs_bootstrap=*/false);
    if (!code.ok()) return code;
    code->environment = runtime_paths(runtime, code->layer_dirs, code->code_dir);
    if (python) {
      code->command = {interpreter.path, "-u", dir + "/python/bootstrap.py"};
      bytecode->forget_if_changed(spec.logical_id, code->code_dir, code->code_sha256);
      for (const auto& layer : code->layer_dirs)
        bytecode->forget_if_changed(spec.logical_id, layer, code->layers_sha256);
    }
    else {
      code->command = {interpreter.path, dir + "/nodejs/bootstrap.js"};
    }
    const bool newer = runtime.major > interpreter.major ||
                       (python && runtime.major == interpreter.major && runtime.minor > interpreter.minor);
    if (newer) {
      once->warn(spec.logical_id,
                 spec.code_uri_where.to_string() + ": Resources." + spec.logical_id +
                     ".Properties.Runtime: " + spec.runtime + " is newer than the local " +
                     (python ? "Python " + interpreter.version()
                             : "Node.js " + std::to_string(interpreter.major)) + " (" +
                     interpreter.path + ") that runs it here: what passes here might not pass " +
                     "on AWS" +
                     (python ? " (start the emulator from a virtualenv of Python " +
                                   std::to_string(runtime.major) + "." +
                                   std::to_string(runtime.minor) + ")"
                             : std::string()));
    }
    return code;
  };
}

}  // namespace emu::app
