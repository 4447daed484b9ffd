// ProcessSpawner: starts a function's `bootstrap` as a child process, the one place the emulator
// creates processes for Runtime API mode. ChildProcess is its RAII handle: destroying it kills the
// child's whole process group and reaps it, so no bootstrap outlives the emulator's handle on it.
//
// The child gets exactly the environment it is given (Lambda's execution environment is not the
// caller's shell), stdin from /dev/null, its own process group, and its stdout and stderr on two
// pipes whose read ends the handle owns. exit_fd() becomes readable when the child exits (a Linux
// pidfd), so an event loop can wait for the exit without a SIGCHLD handler.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "emulator/core/result.h"

namespace emu::lambda {

struct SpawnSpec {
  std::string program;                          // absolute path, e.g. <task root>/bootstrap
  std::vector<std::string> arguments;           // argv[1..]
  std::string working_directory;                // "" = the emulator's
  std::map<std::string, std::string> environment;  // the child's whole environment
};

class ChildProcess {
 public:
  virtual ~ChildProcess() = default;
  virtual pid_t pid() const = 0;
  // Read ends of the child's stdout and stderr (non-blocking); -1 when not captured.
  virtual int stdout_fd() const = 0;
  virtual int stderr_fd() const = 0;
  // Readable once the child has exited; -1 when the system offers no such descriptor.
  virtual int exit_fd() const = 0;
  // SIGKILL to the child's process group (idempotent; a no-op after the child was reaped).
  virtual void kill() = 0;
  // Reaps the child if it has exited: its status ("exit status 1", "signal: killed"), or nullopt
  // while it runs.
  virtual std::optional<std::string> try_reap() = 0;
};

class ProcessSpawner {
 public:
  virtual ~ProcessSpawner() = default;
  // An Error names the program and the system's reason.
  virtual Result<std::unique_ptr<ChildProcess>> spawn(const SpawnSpec& spec) = 0;
};

// The real spawner: posix_spawn, a new process group, pipes for stdout and stderr.
class PosixSpawner final : public ProcessSpawner {
 public:
  Result<std::unique_ptr<ChildProcess>> spawn(const SpawnSpec& spec) override;
};

// "exit status 3", "signal: segmentation fault" (as Lambda words a runtime's exit) for a status
// from waitpid.
std::string describe_wait_status(int status);

// Runs `program` with `arguments` (searched on PATH) to completion, output discarded; its exit
// code, or an Error when it cannot be started or is killed by a signal. For short helper tools.
Result<int> run_tool(const std::string& program, const std::vector<std::string>& arguments);

}  // namespace emu::lambda
