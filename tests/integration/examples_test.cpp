// The demos in examples/ (documented in the README) run as the suite's tests: each starts its
// own emulator (EMULATOR_BINARY) on free ports, drives it with `emulator deploy`, and checks what
// real traffic saw; the script's exit code is its verdict.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "emulator_process.h"

namespace {

// Each demo bounds its own waits (the deploy under `timeout 40`); this is the last resort.
constexpr std::chrono::seconds kDemoTimeout{90};

struct DemoRun {
  int exit_code = -1;
  std::string output;  // stdout then stderr
};

// `settings`: more VAR=value for the script (TEMPLATE=..., CANARY_ROUTE=...).
DemoRun run_demo(const std::string& script, std::vector<std::string> settings = {}) {
  std::vector<std::string> arguments{"EMULATOR=" EMULATOR_BINARY};
  arguments.insert(arguments.end(), settings.begin(), settings.end());
  arguments.insert(arguments.end(), {"bash", it::source_path("examples/" + script)});
  it::ChildProcess child("/usr/bin/env", arguments);
  auto code = child.wait_for_exit(kDemoTimeout);
  int exit_code = code ? *code : child.stop();
  child.wait_for_output_closed(std::chrono::seconds(5));
  return {exit_code, child.stdout_text() + child.stderr_text()};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// canary-demo.sh passed: it saw about 90/10, and `emulator deploy` said `succeeded`.
void check_canary(const DemoRun& run, const std::string& succeeded) {
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(contains(run.output, "weights: v1 90% | v2 10%"));
  CHECK(contains(run.output, succeeded));
  CHECK(contains(run.output, "PASS: canary 100/0 -> "));
}

// rollback-demo.sh passed: the failed post-traffic hook rolled oleoleole back.
void check_rollback(const DemoRun& run) {
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(contains(run.output, "emulator deploy exited with 1"));
  CHECK(contains(run.output, "Failed: HOOK_EXECUTION_FAILURE"));
  CHECK(contains(run.output, "live is back on version 1"));
  CHECK(contains(run.output, "PASS: the failed post-traffic hook rolled oleoleole back"));
}

std::string template_setting(const std::string& example) {
  return "TEMPLATE=" + it::source_path("examples/" + example + "/template.yaml");
}

}  // namespace

TEST_CASE("canary demo: the observed split of /whodis goes 100/0, about 90/10, then 0/100") {
  check_canary(run_demo("canary-demo.sh"), "All 2 deployments succeeded.");
}

TEST_CASE("rollback demo: a failed post-traffic hook rolls oleoleole back and deploy exits 1") {
  check_rollback(run_demo("rollback-demo.sh"));
}

// The seed's application as it was written: Python handlers, hooks with boto3 (issue 14).
TEST_CASE("canary demo on the original Python app: /whodis goes 100/0, about 90/10, then 0/100") {
  DEFAULT_PASS_ONLY();
  check_canary(run_demo("canary-demo.sh", {template_setting("sam-python")}),
               "All 2 deployments succeeded.");
}

TEST_CASE("rollback demo on the original Python app: its boto3 post-traffic hook rolls back") {
  DEFAULT_PASS_ONLY();
  check_rollback(run_demo("rollback-demo.sh", {template_setting("sam-python")}));
}

TEST_CASE("canary demo on the Node.js example: a pre-traffic hook, then 10 % of /hello") {
  DEFAULT_PASS_ONLY();
  check_canary(run_demo("canary-demo.sh", {template_setting("sam-node"), "CANARY_ROUTE=hello"}),
               "The deployment succeeded.");
}

// Issue 15's "done when": a canary whose new version fails requests is rolled back by its
// CloudWatch alarm, with no hook, while traffic flows; the real AWS CLI shows the alarm's history.
TEST_CASE("alarm rollback demo: 30 % failures during whodis's canary fire its alarm and roll back") {
  auto run = run_demo("alarm-rollback-demo.sh");
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(contains(run.output, "Stopped: ALARM_ACTIVE"));
  CHECK(contains(run.output, "is in ALARM: Threshold Crossed: 1 datapoint ["));
  CHECK(contains(run.output, "Alarm updated from OK to ALARM"));
  CHECK(contains(run.output, "PASS: the alarm stopped whodis's canary"));
}
