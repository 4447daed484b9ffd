// The demos in examples/ (documented in the README) run as the suite's tests: each starts its
// own emulator (EMULATOR_BINARY) on free ports, drives it with `emulator deploy`, and checks what
// real traffic saw; the script's exit code is its verdict.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "emulator_process.h"

namespace {

// Each demo bounds its own waits (the deploy under `timeout 40`); this is the last resort.
constexpr std::chrono::seconds kDemoTimeout{90};

struct DemoRun {
  int exit_code = -1;
  std::string output;  // stdout then stderr
};

DemoRun run_demo(const std::string& script) {
  it::ChildProcess child(
      "/usr/bin/env", {"EMULATOR=" EMULATOR_BINARY, "bash", it::source_path("examples/" + script)});
  auto code = child.wait_for_exit(kDemoTimeout);
  int exit_code = code ? *code : child.stop();
  child.wait_for_output_closed(std::chrono::seconds(5));
  return {exit_code, child.stdout_text() + child.stderr_text()};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("canary demo: the observed split of /whodis goes 100/0, about 90/10, then 0/100") {
  auto run = run_demo("canary-demo.sh");
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(contains(run.output, "weights: v1 90% | v2 10%"));
  CHECK(contains(run.output, "All 2 deployments succeeded."));
  CHECK(contains(run.output, "PASS: canary 100/0 -> "));
}

TEST_CASE("rollback demo: a failed post-traffic hook rolls oleoleole back and deploy exits 1") {
  auto run = run_demo("rollback-demo.sh");
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(contains(run.output, "emulator deploy exited with 1"));
  CHECK(contains(run.output, "Failed: HOOK_EXECUTION_FAILURE"));
  CHECK(contains(run.output, "live is back on version 1"));
  CHECK(contains(run.output, "PASS: the failed post-traffic hook rolled oleoleole back"));
}
