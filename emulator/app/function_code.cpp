#include "emulator/app/function_code.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>

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

lambda::CodeResolver function_code_resolver(Options::InvokeMode mode,
                                            lambda_runtime::HandlerRegistry handlers,
                                            lambda::CodeArtifacts& artifacts,
                                            RuntimeCommands& commands) {
  auto builtin = lambda::builtin_code_resolver(handlers);
  auto once = std::make_shared<OnceWarnings>();
  return [=, &artifacts, &commands](const tmpl::Stack& stack,
                                    const tmpl::FunctionSpec& spec) -> Result<lambda::CodeIdentity> {
    if (mode == Options::InvokeMode::kInProcess) return builtin(stack, spec);
    const RuntimeName runtime = parse_runtime(spec.runtime);
    if (runtime.family == Family::kProvided) {
      if (mode == Options::InvokeMode::kAuto &&
          lambda_runtime::find_handler(handlers, lambda::package_name(spec.code_uri)))
        return builtin(stack, spec);
      return artifacts.resolve(stack, spec, /*needs_bootstrap=*/true);
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
    if (python)
      code->command = {interpreter.path, "-u", dir + "/python/bootstrap.py"};
    else
      code->command = {interpreter.path, dir + "/nodejs/bootstrap.js"};
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
