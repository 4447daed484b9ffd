#include "emulator/lambda/runtime_api/process_spawner.h"

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace emu::lambda {
namespace {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

std::string system_reason(int error) { return std::strerror(error); }

class PosixChild final : public ChildProcess {
 public:
  PosixChild(pid_t pid, Fd out, Fd err) : pid_(pid), out_(std::move(out)), err_(std::move(err)) {
    // pidfd_open (Linux 5.3): readable when the child exits. Without it the owner polls try_reap.
    int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (fd >= 0) exit_fd_.reset(fd);
  }
  ~PosixChild() override {
    if (reaped_) return;
    kill();
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }

  pid_t pid() const override { return pid_; }
  int stdout_fd() const override { return out_.get(); }
  int stderr_fd() const override { return err_.get(); }
  int exit_fd() const override { return exit_fd_.get(); }

  void kill() override {
    if (reaped_) return;
    // The child leads its own group (posix_spawn with POSIX_SPAWN_SETPGROUP): a bootstrap that is
    // a shell script dies together with the program it started.
    if (::kill(-pid_, SIGKILL) < 0) ::kill(pid_, SIGKILL);
  }

  std::optional<std::string> try_reap() override {
    if (reaped_) return status_text_;
    int status = 0;
    pid_t result = ::waitpid(pid_, &status, WNOHANG);
    if (result == 0) return std::nullopt;
    reaped_ = true;
    status_text_ = result == pid_ ? describe_wait_status(status) : "exit status unknown";
    // Whatever the bootstrap started in its group goes with it.
    ::kill(-pid_, SIGKILL);
    return status_text_;
  }

 private:
  pid_t pid_;
  Fd out_;
  Fd err_;
  Fd exit_fd_;
  bool reaped_ = false;
  std::string status_text_;
};

struct SpawnAttributes {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  SpawnAttributes() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnAttributes() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
};

// A pipe whose read end is non-blocking; both ends close on exec in the parent.
Result<std::pair<Fd, Fd>> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) return Error{"SpawnError", "pipe: " + system_reason(errno)};
  ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  return std::pair{Fd(fds[0]), Fd(fds[1])};
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Default signal dispositions and an empty mask for the child: the emulator's own handlers
// (SIGINT/SIGTERM through Asio) must not be inherited as blocked.
void reset_signals(posix_spawnattr_t& attributes) {
  sigset_t all;
  sigfillset(&all);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setsigmask(&attributes, &none);
}

}  // namespace

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    std::string name = ::strsignal(WTERMSIG(status));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return "signal: " + name;
  }
  return "status " + std::to_string(status);
}

Result<std::unique_ptr<ChildProcess>> PosixSpawner::spawn(const SpawnSpec& spec) {
  auto out = make_pipe();
  if (!out.ok()) return out.error();
  auto err = make_pipe();
  if (!err.ok()) return err.error();

  SpawnAttributes spawn;
  posix_spawn_file_actions_addopen(&spawn.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&spawn.actions, out->second.get(), 1);
  posix_spawn_file_actions_adddup2(&spawn.actions, err->second.get(), 2);
  // Nothing else of the emulator's (its sockets, other environments' pidfds and pipes: Asio and
  // pidfd_open need not set close-on-exec) reaches the child, which would otherwise keep them
  // open, and could outlive a killed emulator blocked on one of its sockets.
  posix_spawn_file_actions_addclosefrom_np(&spawn.actions, 3);
  if (!spec.working_directory.empty())
    posix_spawn_file_actions_addchdir_np(&spawn.actions, spec.working_directory.c_str());
  posix_spawnattr_setpgroup(&spawn.attributes, 0);
  reset_signals(spawn.attributes);
  posix_spawnattr_setflags(&spawn.attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                                  POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> argv_strings{spec.program};
  argv_strings.insert(argv_strings.end(), spec.arguments.begin(), spec.arguments.end());
  std::vector<std::string> env_strings;
  for (const auto& [name, value] : spec.environment) env_strings.push_back(name + "=" + value);
  auto argv = c_strings(argv_strings);
  auto envp = c_strings(env_strings);

  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, spec.program.c_str(), &spawn.actions, &spawn.attributes,
                         argv.data(), envp.data());
  if (rc != 0) return Error{"SpawnError", spec.program + ": " + system_reason(rc)};
  // The write ends belong to the child now.
  out->second.reset();
  err->second.reset();
  return std::unique_ptr<ChildProcess>(
      new PosixChild(pid, std::move(out->first), std::move(err->first)));
}

Result<int> run_tool(const std::string& program, const std::vector<std::string>& arguments) {
  SpawnAttributes spawn;
  posix_spawn_file_actions_addopen(&spawn.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&spawn.actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&spawn.actions, 3);
  reset_signals(spawn.attributes);
  posix_spawnattr_setflags(&spawn.attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
  auto argv = c_strings(argv_strings);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, program.c_str(), &spawn.actions, &spawn.attributes, argv.data(),
                          environ);
  if (rc != 0) return Error{"SpawnError", program + ": " + system_reason(rc)};
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Error{"SpawnError", program + ": waitpid: " + system_reason(errno)};
  }
  if (!WIFEXITED(status)) return Error{"SpawnError", program + ": " + describe_wait_status(status)};
  return WEXITSTATUS(status);
}

}  // namespace emu::lambda
