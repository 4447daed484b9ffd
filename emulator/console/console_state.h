// The console's picture of the emulator, as JSON (the page's only input; docs/console.md):
//   {"runId", "now" (virtual ms), "timeScale", "generation", "stack": {"name", "region"},
//    "functions": [{"logicalId", "name", "runtime", "apiAlias", "invocations", "errors",
//                   "versions": [{"version", "description", "codeSha256", "lastModified"}],
//                   "aliases": [{"name", "weights": {"1": 0.9, "2": 0.1}}]}],
//    "deployments": [as GET /emulator/status shows them], "aliases": [same, with "observed"],
//    "alarms": [{"name", "state", "reason", "metric", "updated" (epoch ms), "evaluated" (bool)}],
//    "invocations": [{"requestId", "functionName", "logicalId", "version", "alias", "outcome",
//                     "durationMs", "at", "method", "path", "status"} (newest first; the last
//                     three when API Gateway's request caused it)],
//    "timeline": [TrafficTimeline samples] (in full snapshots only)}
// Nothing of a function's environment (--env-vars) or credentials is in it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "emulator/cloudwatch/alarms.h"
#include "emulator/codedeploy/deployment_engine.h"
#include "emulator/console/api_request_log.h"
#include "emulator/console/traffic_timeline.h"
#include "emulator/lambda/invocation_journal.h"
#include "emulator/lambda/lambda_service.h"

namespace emu::console {

// Where the console reads from; all outlive it.
struct ConsoleSources {
  codedeploy::DeploymentEngine& engine;
  lambda::LambdaService& lambda;
  const lambda::InvocationJournal& journal;
  const cloudwatch::Alarms& alarms;
  const ApiRequestLog& requests;
  TrafficTimeline& timeline;
  double time_scale = 1;
  std::string run_id;  // tells the page that the emulator restarted
  std::string stack_name;
  std::string region;
};

inline constexpr std::size_t kInvocationsShown = 50;

// The state without the timeline.
nlohmann::json console_state(const ConsoleSources& sources);

// One invocation's entry with its log lines, or null when it is no longer kept.
nlohmann::json invocation_details(const ConsoleSources& sources, const std::string& request_id);

}  // namespace emu::console
