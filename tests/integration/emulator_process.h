// EmulatorProcess: the real `emulator` binary (EMULATOR_BINARY) as a child process, for tests that
// talk to it over HTTP. run_to_exit: the binary run to completion, for start-up failures.
//
// The child is spawned with posix_spawn; its stdout and stderr are read by one reader thread into
// buffers that the test can inspect at any time. No child outlives its owner: the destructor sends
// SIGTERM, waits up to 5 s, then SIGKILLs and reaps it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace it {

// A file descriptor owned by exactly one object; closed on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  int release();
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// One spawned child with its output captured. The output accessors and waits are thread-safe;
// wait_for_exit and stop belong to the owning thread.
class ChildProcess {
 public:
  // Starts `program` with `arguments` (argv[1..]), stdin from /dev/null, the test's environment.
  // Throws std::runtime_error when the spawn fails.
  ChildProcess(const std::string& program, const std::vector<std::string>& arguments);
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Stops the child as stop() does, and joins the reader thread.
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  std::string stdout_text() const;
  std::string stderr_text() const;

  // Waits until stdout contains `needle` followed (somewhere) by a newline, the child closes its
  // output, or `timeout` passes. Returns the text of the first line containing `needle`.
  std::optional<std::string> wait_for_stdout_line(const std::string& needle,
                                                  std::chrono::milliseconds timeout);

  // Waits until stderr contains `needle`, the child closes its output, or `timeout` passes.
  bool wait_for_stderr_text(const std::string& needle, std::chrono::milliseconds timeout);

  // Waits up to `timeout` until the child has closed stdout and stderr (normally: it exited) and
  // everything it wrote has been read. False on timeout.
  bool wait_for_output_closed(std::chrono::milliseconds timeout);

  // Waits up to `timeout` for the child to exit; its exit code (128 + signal when killed by a
  // signal), or nullopt when it is still running.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);

  // SIGTERM, up to `grace` for an exit, then SIGKILL. Returns the exit code (as wait_for_exit).
  // Idempotent: later calls return the same code.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  void read_output();  // the reader thread's body

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  UniqueFd stdout_fd_;
  UniqueFd stderr_fd_;
  mutable std::mutex mutex_;  // guards the buffers and output_closed_
  std::condition_variable output_changed_;
  std::string stdout_;
  std::string stderr_;
  bool output_closed_ = false;
  std::thread reader_;
};

// How the suite runs functions (integration_main.cpp's --invoke-mode=...). In runtime-api mode
// EmulatorProcess adds `--invoke-mode runtime-api` and, for test templates (anything but the
// project's template.yaml), `--base-dir <build>/test-code`, where their CodeUris exist.
enum class InvokeMode { kInProcess, kRuntimeApi };
void set_invoke_mode(InvokeMode mode);
InvokeMode invoke_mode();
inline bool runtime_api_mode() { return invoke_mode() == InvokeMode::kRuntimeApi; }
// The arguments that select the suite's invoke mode for `template_path` (empty in process).
std::vector<std::string> invoke_mode_arguments(const std::string& template_path);

// For a test whose emulator does not depend on the suite's invoke mode (its own --invoke-mode, or
// a template of Python and Node.js functions, which run the same in both): it would run twice
// alike, so it runs in the default pass only.
#define DEFAULT_PASS_ONLY()                                                   \
  if (it::runtime_api_mode()) {                                               \
    MESSAGE("runs in the suite's default pass only (the same in both passes)"); \
    return;                                                                   \
  }

// The emulator serving a template on free ports (--port 0 --aws-port 0), ready to accept requests
// once the constructor returns.
class EmulatorProcess {
 public:
  // `arguments` come after the template path and before "--port 0 --aws-port 0". Throws
  // std::runtime_error (with the emulator's stderr) when it exits or does not print
  // "API Gateway listening on http://HOST:PORT" within `ready_timeout`.
  explicit EmulatorProcess(const std::string& template_path,
                           const std::vector<std::string>& arguments = {},
                           std::chrono::milliseconds ready_timeout = std::chrono::seconds(10));

  // "http://127.0.0.1:PORT", without a trailing slash.
  const std::string& base_url() const { return base_url_; }
  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path) const { return base_url_ + path; }

  std::string stdout_text() const { return child_.stdout_text(); }
  std::string stderr_text() const { return child_.stderr_text(); }
  pid_t pid() const { return child_.pid(); }
  ChildProcess& child() { return child_; }

  // SIGTERM and wait (SIGKILL after 5 s); the exit code. The destructor does this too.
  int stop() { return child_.stop(); }

 private:
  ChildProcess child_;
  std::string base_url_;
  std::uint16_t port_ = 0;
};

struct ExitResult {
  int exit_code = -1;  // 128 + signal if it had to be killed
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;
};

// Runs the emulator with `arguments` until it exits; after `timeout` it is stopped (timed_out).
ExitResult run_to_exit(const std::vector<std::string>& arguments,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Absolute path of a file in the source tree, e.g. source_path("tests/templates/faults.yaml").
std::string source_path(const std::string& relative);

}  // namespace it
