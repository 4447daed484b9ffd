// The real AWS CLI v2 (Debian's awscli, /usr/bin/aws) run against a running emulator's AWS
// endpoints, for tests that check the emulator the way its users drive it.
//
// Always /usr/bin/aws, never `aws` from PATH: a pip-installed AWS CLI v1 may come first there, and
// v1 and v2 differ in output and defaults. The CLI runs with fixed dummy credentials, region
// us-east-1, no pager, no config or credentials files, no proxy and one attempt per request (so an
// error answer is reported as it is, not retried), with `--endpoint-url` and `--output json`.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emulator_process.h"

namespace it {

inline constexpr const char* kAwsCliPath = "/usr/bin/aws";

struct AwsCliResult {
  int exit_code = -1;  // 128 + signal when it had to be killed
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;

  // stdout parsed as JSON (null when stdout is empty). Throws std::runtime_error, quoting the
  // output, when it is not JSON.
  nlohmann::json json() const;
  // "exit N, stdout: ..., stderr: ..." for failure messages.
  std::string describe() const;
};

// The port of the emulator's AWS endpoints, read from its start-up line
// "AWS endpoints (...) listening on http://HOST:PORT". Throws std::runtime_error (with the
// emulator's stdout) when the line is missing.
std::uint16_t aws_port_of(EmulatorProcess& emulator);

// "http://127.0.0.1:PORT" of the emulator's AWS endpoints.
std::string aws_endpoint_of(EmulatorProcess& emulator);

// Runs `/usr/bin/aws --endpoint-url <endpoint> --output json <arguments...>` and waits for it; after
// `timeout` it is killed (timed_out). Throws std::runtime_error when /usr/bin/aws is missing (the
// message says the README's set-up, setup.sh, installs the awscli package) or cannot be spawned.
AwsCliResult run_aws(const std::string& endpoint, const std::vector<std::string>& arguments,
                     std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Runs each command as run_aws does, all at the same time (each CLI start costs most of a second
// of CPU, and the commands wait on the emulator, not on each other); the results in the order of
// `commands`. Throws as run_aws does.
std::vector<AwsCliResult> run_aws_concurrently(
    const std::string& endpoint, const std::vector<std::vector<std::string>>& commands,
    std::chrono::milliseconds timeout = std::chrono::seconds(60));

// run_aws against `emulator`'s AWS endpoints.
inline AwsCliResult run_aws(EmulatorProcess& emulator, const std::vector<std::string>& arguments,
                            std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  return run_aws(aws_endpoint_of(emulator), arguments, timeout);
}

}  // namespace it
