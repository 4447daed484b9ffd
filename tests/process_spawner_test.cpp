// PosixSpawner: exact environment, captured output, exit statuses, kill of the whole group.
#include "emulator/lambda/runtime_api/process_spawner.h"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace emu;
using namespace emu::lambda;
using namespace std::chrono_literals;

namespace {

// Everything the child writes to `fd` until it closes it (bounded by 5 s).
std::string read_all(int fd) {
  std::string text;
  char buffer[4096];
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

std::string wait_reaped(ChildProcess& child) {
  for (int i = 0; i < 250; ++i) {
    if (auto status = child.try_reap()) return *status;
    std::this_thread::sleep_for(20ms);
  }
  return "still running";
}

}  // namespace

TEST_CASE("spawner: the child gets exactly the given environment, cwd and output pipes") {
  PosixSpawner spawner;
  SpawnSpec spec;
  spec.program = "/bin/sh";
  spec.arguments = {"-c", "env | sort; pwd; echo to-stderr >&2; exit 3"};
  spec.working_directory = "/tmp";
  spec.environment = {{"ONLY", "this"}, {"AND", "that"}};
  auto child = spawner.spawn(spec);
  REQUIRE(child.ok());
  auto out = read_all(child.value()->stdout_fd());
  // sh adds PWD (and may add SHLVL/_); nothing of the test's own environment leaks in.
  CHECK(out.find("AND=that\n") != std::string::npos);
  CHECK(out.find("ONLY=this\n") != std::string::npos);
  CHECK(out.find("HOME=") == std::string::npos);
  CHECK(out.find("PATH=/usr") == std::string::npos);
  CHECK(out.find("\n/tmp\n") != std::string::npos);
  CHECK(read_all(child.value()->stderr_fd()) == "to-stderr\n");
  CHECK(wait_reaped(*child.value()) == "exit status 3");
}

TEST_CASE("spawner: the child holds no descriptor of the emulator's beyond 0, 1 and 2") {
  // Opened without O_CLOEXEC, as Asio's sockets and pidfds may be, at a number no program
  // opens by itself (ls opens one descriptor of its own, to read the folder).
  int original = ::open("/dev/null", O_RDONLY);
  int leaked = ::fcntl(original, F_DUPFD, 200);
  ::close(original);
  REQUIRE(leaked >= 200);
  PosixSpawner spawner;
  SpawnSpec spec;
  spec.program = "/bin/ls";
  spec.arguments = {"/proc/self/fd"};
  auto child = spawner.spawn(spec);
  REQUIRE(child.ok());
  auto fds = "\n" + read_all(child.value()->stdout_fd());
  ::close(leaked);
  INFO("descriptors of the child: " << fds);
  CHECK(fds.find("\n" + std::to_string(leaked) + "\n") == std::string::npos);
  CHECK(fds.rfind("\n0\n1\n2\n", 0) == 0);
  wait_reaped(*child.value());
}

TEST_CASE("spawner: kill ends the whole process group; the status names the signal") {
  PosixSpawner spawner;
  SpawnSpec spec;
  spec.program = "/bin/sh";
  // A grandchild in the same group: it must die with its parent.
  spec.arguments = {"-c", "sleep 60 & echo $!; wait"};
  auto child = spawner.spawn(spec);
  REQUIRE(child.ok());
  std::string first_line;
  char c;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{child.value()->stdout_fd(), POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    if (::read(child.value()->stdout_fd(), &c, 1) != 1 || c == '\n') break;
    first_line.push_back(c);
  }
  pid_t grandchild = static_cast<pid_t>(std::stol(first_line));
  CHECK(::kill(grandchild, 0) == 0);
  CHECK(child.value()->exit_fd() >= 0);  // pidfd on this kernel
  child.value()->kill();
  CHECK(wait_reaped(*child.value()) == "signal: killed");
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = ::kill(grandchild, 0) != 0;
    if (!gone) std::this_thread::sleep_for(20ms);
  }
  CHECK(gone);
}

TEST_CASE("spawner: a program that cannot be started is an error naming it") {
  PosixSpawner spawner;
  SpawnSpec spec;
  spec.program = "/nonexistent/bootstrap";
  auto child = spawner.spawn(spec);
  REQUIRE_FALSE(child.ok());
  CHECK(child.error().message.find("/nonexistent/bootstrap") != std::string::npos);
}

TEST_CASE("spawner: wait statuses are worded as Lambda words a runtime's exit") {
  CHECK(describe_wait_status(0) == "exit status 0");
  CHECK(describe_wait_status(2 << 8) == "exit status 2");
  CHECK(describe_wait_status(SIGABRT) == "signal: aborted");
  CHECK(describe_wait_status(SIGSEGV) == "signal: segmentation fault");
  CHECK(run_tool("true", {}).value() == 0);
  CHECK(run_tool("false", {}).value() == 1);
  CHECK_FALSE(run_tool("no-such-tool-anywhere", {}).ok());
}
