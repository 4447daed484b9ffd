#include "emulator_process.h"

#include <algorithm>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
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
// Granularity of the bounded polling for a child's exit (waitpid has no timeout).
constexpr std::chrono::milliseconds kExitPollInterval{5};

std::runtime_error system_error(const std::string& what, int error) {
  return std::runtime_error(what + ": " + std::strerror(error));
}

int decode_wait_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// posix_spawn's attribute objects, destroyed on every path.
struct SpawnFileActions {
  posix_spawn_file_actions_t actions;
  SpawnFileActions() { posix_spawn_file_actions_init(&actions); }
  ~SpawnFileActions() { posix_spawn_file_actions_destroy(&actions); }
  SpawnFileActions(const SpawnFileActions&) = delete;
  SpawnFileActions& operator=(const SpawnFileActions&) = delete;
};

// A pipe whose ends are close-on-exec, so concurrent spawns never inherit each other's pipes.
std::pair<UniqueFd, UniqueFd> make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw system_error("pipe2", errno);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) reset(other.release());
  return *this;
}

int UniqueFd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& arguments) {
  auto [stdout_read, stdout_write] = make_pipe();
  auto [stderr_read, stderr_write] = make_pipe();

  SpawnFileActions file_actions;
  posix_spawn_file_actions_addopen(&file_actions.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&file_actions.actions, stdout_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&file_actions.actions, stderr_write.get(), STDERR_FILENO);

  std::vector<std::string> argv_storage;
  argv_storage.reserve(arguments.size() + 1);
  argv_storage.push_back(program);
  argv_storage.insert(argv_storage.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& argument : argv_storage) argv.push_back(argument.data());
  argv.push_back(nullptr);

  int error = posix_spawn(&pid_, program.c_str(), &file_actions.actions, nullptr, argv.data(),
                          environ);
  if (error != 0) throw system_error("posix_spawn " + program, error);

  // Only the child writes; the parent must not hold the write ends or it never sees EOF.
  stdout_write.reset();
  stderr_write.reset();
  stdout_fd_ = std::move(stdout_read);
  stderr_fd_ = std::move(stderr_read);
  reader_ = std::thread([this] { read_output(); });
}

ChildProcess::~ChildProcess() {
  try {
    stop();
  } catch (const std::exception&) {
    // waitpid failed: there is no child of ours left to stop.
  }
  if (reader_.joinable()) reader_.join();
}

void ChildProcess::read_output() {
  pollfd fds[2] = {{stdout_fd_.get(), POLLIN, 0}, {stderr_fd_.get(), POLLIN, 0}};
  std::string* buffers[2] = {&stdout_, &stderr_};
  int open_count = 2;
  char chunk[16384];
  while (open_count > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        fds[i].fd = -1;  // poll ignores negative fds
        --open_count;
        continue;
      }
      std::lock_guard lock(mutex_);
      buffers[i]->append(chunk, static_cast<std::size_t>(n));
      output_changed_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  output_closed_ = true;
  output_changed_.notify_all();
}

std::string ChildProcess::stdout_text() const {
  std::lock_guard lock(mutex_);
  return stdout_;
}

std::string ChildProcess::stderr_text() const {
  std::lock_guard lock(mutex_);
  return stderr_;
}

std::optional<std::string> ChildProcess::wait_for_stdout_line(const std::string& needle,
                                                              std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<std::string> line;
  auto found = [&] {
    auto at = stdout_.find(needle);
    if (at == std::string::npos) return false;
    auto end = stdout_.find('\n', at);
    if (end == std::string::npos) return false;
    auto start = stdout_.rfind('\n', at);
    start = start == std::string::npos ? 0 : start + 1;
    line = stdout_.substr(start, end - start);
    return true;
  };
  output_changed_.wait_for(lock, timeout, [&] { return found() || output_closed_; });
  return line;
}

bool ChildProcess::wait_for_stderr_text(const std::string& needle,
                                        std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return output_changed_.wait_for(lock, timeout, [&] {
    return stderr_.find(needle) != std::string::npos || output_closed_;
  }) && stderr_.find(needle) != std::string::npos;
}

bool ChildProcess::wait_for_output_closed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return output_changed_.wait_for(lock, timeout, [&] { return output_closed_; });
}

std::optional<int> ChildProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  auto deadline = Clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
    if (reaped == pid_) {
      exit_code_ = decode_wait_status(status);
      return exit_code_;
    }
    if (reaped < 0 && errno != EINTR) throw system_error("waitpid", errno);
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kExitPollInterval);
  }
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (exit_code_) return *exit_code_;
  ::kill(pid_, SIGTERM);
  if (auto code = wait_for_exit(grace)) return *code;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_code_ = decode_wait_status(status);
  return *exit_code_;
}

namespace {
InvokeMode g_invoke_mode = InvokeMode::kInProcess;
}  // namespace

void set_invoke_mode(InvokeMode mode) { g_invoke_mode = mode; }
InvokeMode invoke_mode() { return g_invoke_mode; }

std::vector<std::string> invoke_mode_arguments(const std::string& template_path) {
  if (g_invoke_mode == InvokeMode::kInProcess) return {};
  std::vector<std::string> arguments{"--invoke-mode", "runtime-api"};
  if (template_path != source_path("template.yaml"))
    arguments.insert(arguments.end(), {"--base-dir", TEST_CODE_DIR});
  return arguments;
}

EmulatorProcess::EmulatorProcess(const std::string& template_path,
                                 const std::vector<std::string>& arguments,
                                 std::chrono::milliseconds ready_timeout)
    : child_(EMULATOR_BINARY, [&] {
        std::vector<std::string> all{template_path};
        all.insert(all.end(), arguments.begin(), arguments.end());
        auto mode = invoke_mode_arguments(template_path);
        bool own_base = std::find(arguments.begin(), arguments.end(), "--base-dir") != arguments.end();
        if (own_base && mode.size() > 2) mode.resize(2);  // the test's --base-dir wins
        all.insert(all.end(), mode.begin(), mode.end());
        all.insert(all.end(), {"--port", "0", "--aws-port", "0"});
        return all;
      }()) {
  static const std::regex kReady(R"(API Gateway listening on (http://\S+:(\d+)))");
  auto line = child_.wait_for_stdout_line("API Gateway listening on ", ready_timeout);
  std::smatch match;
  if (!line || !std::regex_search(*line, match, kReady)) {
    // Closed output normally means it exited: reap it (bounded) to report the exit code.
    auto exited = child_.wait_for_exit(line ? std::chrono::milliseconds(0) : std::chrono::seconds(1));
    throw std::runtime_error(
        "emulator " + template_path +
        (exited ? " exited with " + std::to_string(*exited) + " before listening"
                : " did not print a listening line within " +
                      std::to_string(ready_timeout.count()) + " ms") +
        "\n--- stderr ---\n" + child_.stderr_text() + "--- stdout ---\n" + child_.stdout_text());
  }
  base_url_ = match[1].str();
  port_ = static_cast<std::uint16_t>(std::stoul(match[2].str()));
}

ExitResult run_to_exit(const std::vector<std::string>& arguments,
                       std::chrono::milliseconds timeout) {
  ExitResult result;
  {
    ChildProcess child(EMULATOR_BINARY, arguments);
    auto code = child.wait_for_exit(timeout);
    result.timed_out = !code.has_value();
    result.exit_code = code ? *code : child.stop();
    // The child has exited; wait (bounded) for the reader to drain what it wrote.
    child.wait_for_output_closed(std::chrono::seconds(2));
    result.stdout_text = child.stdout_text();
    result.stderr_text = child.stderr_text();
  }
  return result;
}

std::string source_path(const std::string& relative) {
  return std::string(PROJECT_SOURCE_DIR_PATH) + "/" + relative;
}

}  // namespace it
