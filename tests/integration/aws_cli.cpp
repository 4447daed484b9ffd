#include "aws_cli.h"

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <future>
#include <poll.h>
#include <regex>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace it {
namespace {

using Clock = std::chrono::steady_clock;

// Variables of the test's environment that would steer the CLI away from the emulator or from
// the fixed settings below: any AWS_* (profiles, CA bundles, endpoints), proxies, and Python
// paths (/usr/bin/aws runs Debian's python3, which must not load another interpreter's modules).
bool is_dropped(const std::string& entry) {
  std::string name = entry.substr(0, entry.find('='));
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name.rfind("AWS_", 0) == 0 || lower.find("proxy") != std::string::npos ||
         name == "PYTHONPATH" || name == "PYTHONHOME";
}

std::vector<std::string> cli_environment() {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry)
    if (!is_dropped(*entry)) env.emplace_back(*entry);
  env.insert(env.end(), {
                            "AWS_ACCESS_KEY_ID=x",
                            "AWS_SECRET_ACCESS_KEY=y",
                            "AWS_DEFAULT_REGION=us-east-1",
                            "AWS_PAGER=",
                            "AWS_CONFIG_FILE=/dev/null",
                            "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
                            "AWS_MAX_ATTEMPTS=1",
                            "NO_PROXY=*",
                        });
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

std::runtime_error system_error(const std::string& what, int error) {
  return std::runtime_error(what + ": " + std::strerror(error));
}

std::pair<UniqueFd, UniqueFd> make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw system_error("pipe2", errno);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

struct SpawnFileActions {
  posix_spawn_file_actions_t actions;
  SpawnFileActions() { posix_spawn_file_actions_init(&actions); }
  ~SpawnFileActions() { posix_spawn_file_actions_destroy(&actions); }
  SpawnFileActions(const SpawnFileActions&) = delete;
  SpawnFileActions& operator=(const SpawnFileActions&) = delete;
};

struct SpawnAttributes {
  posix_spawnattr_t attributes;
  SpawnAttributes() { posix_spawnattr_init(&attributes); }
  ~SpawnAttributes() { posix_spawnattr_destroy(&attributes); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
};

// Reads both pipes until both close or `deadline` passes. False on timeout.
bool drain(UniqueFd& out, UniqueFd& err, std::string& out_text, std::string& err_text,
           Clock::time_point deadline) {
  pollfd fds[2] = {{out.get(), POLLIN, 0}, {err.get(), POLLIN, 0}};
  std::string* buffers[2] = {&out_text, &err_text};
  int open_count = 2;
  char chunk[16384];
  while (open_count > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    int ready = ::poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw system_error("poll", errno);
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        fds[i].fd = -1;
        --open_count;
        continue;
      }
      buffers[i]->append(chunk, static_cast<std::size_t>(n));
    }
  }
  return true;
}

int decode_wait_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw system_error("waitpid", errno);
  }
  return decode_wait_status(status);
}

}  // namespace

nlohmann::json AwsCliResult::json() const {
  if (stdout_text.find_first_not_of(" \t\r\n") == std::string::npos) return nullptr;
  auto parsed = nlohmann::json::parse(stdout_text, nullptr, false);
  if (parsed.is_discarded())
    throw std::runtime_error("the AWS CLI's output is not JSON: " + describe());
  return parsed;
}

std::string AwsCliResult::describe() const {
  return "exit " + std::to_string(exit_code) + (timed_out ? " (timed out)" : "") +
         "\n--- aws stdout ---\n" + stdout_text + "\n--- aws stderr ---\n" + stderr_text;
}

std::uint16_t aws_port_of(EmulatorProcess& emulator) {
  static const std::regex kListening(R"(AWS endpoints.* listening on http://\S+:(\d+))");
  // Printed before "API Gateway listening", which the fixture has already seen.
  auto line = emulator.child().wait_for_stdout_line("AWS endpoints", std::chrono::seconds(2));
  std::smatch match;
  if (!line || !std::regex_search(*line, match, kListening))
    throw std::runtime_error("the emulator printed no \"AWS endpoints ... listening on\" line:\n" +
                             emulator.stdout_text());
  return static_cast<std::uint16_t>(std::stoul(match[1].str()));
}

std::string aws_endpoint_of(EmulatorProcess& emulator) {
  return "http://127.0.0.1:" + std::to_string(aws_port_of(emulator));
}

AwsCliResult run_aws(const std::string& endpoint, const std::vector<std::string>& arguments,
                     std::chrono::milliseconds timeout) {
  if (::access(kAwsCliPath, X_OK) != 0)
    throw std::runtime_error(std::string("AWS CLI v2 not found at ") + kAwsCliPath +
                             ": these tests drive the emulator with the real AWS CLI; the "
                             "README's set-up (setup.sh) installs Debian's awscli package");

  std::vector<std::string> argv_storage{kAwsCliPath, "--endpoint-url", endpoint, "--output",
                                        "json"};
  argv_storage.insert(argv_storage.end(), arguments.begin(), arguments.end());
  auto argv = pointers(argv_storage);
  auto env_storage = cli_environment();
  auto envp = pointers(env_storage);

  auto [out_read, out_write] = make_pipe();
  auto [err_read, err_write] = make_pipe();
  SpawnFileActions file_actions;
  posix_spawn_file_actions_addopen(&file_actions.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&file_actions.actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&file_actions.actions, err_write.get(), STDERR_FILENO);
  // Its own process group, so that a timeout kills anything it started too.
  SpawnAttributes attributes;
  posix_spawnattr_setflags(&attributes.attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes.attributes, 0);

  pid_t pid = -1;
  int error = posix_spawn(&pid, kAwsCliPath, &file_actions.actions, &attributes.attributes,
                          argv.data(), envp.data());
  if (error != 0) throw system_error(std::string("posix_spawn ") + kAwsCliPath, error);
  out_write.reset();
  err_write.reset();

  AwsCliResult result;
  try {
    result.timed_out = !drain(out_read, err_read, result.stdout_text, result.stderr_text,
                              Clock::now() + timeout);
  } catch (...) {
    ::kill(-pid, SIGKILL);
    reap(pid);
    throw;
  }
  if (result.timed_out) ::kill(-pid, SIGKILL);
  result.exit_code = reap(pid);
  return result;
}

std::vector<AwsCliResult> run_aws_concurrently(
    const std::string& endpoint, const std::vector<std::vector<std::string>>& commands,
    std::chrono::milliseconds timeout) {
  std::vector<std::future<AwsCliResult>> running;
  running.reserve(commands.size());
  for (const auto& arguments : commands)
    running.push_back(std::async(std::launch::async, [&endpoint, &arguments, timeout] {
      return run_aws(endpoint, arguments, timeout);
    }));
  std::vector<AwsCliResult> results;
  results.reserve(commands.size());
  // get() waits for every command in turn, so none outlives this call even when one throws.
  std::exception_ptr first_error;
  for (auto& result : running) {
    try {
      results.push_back(result.get());
    } catch (...) {
      if (!first_error) first_error = std::current_exception();
    }
  }
  if (first_error) std::rethrow_exception(first_error);
  return results;
}

}  // namespace it
