#include "emulator/console/console_state.h"

#include "emulator/control/status_report.h"

namespace emu::console {
namespace {

using Json = nlohmann::json;

Json functions_json(lambda::LambdaService& lambda) {
  Json functions = Json::array();
  const auto snapshot = lambda.store().snapshot();  // held while its functions are read
  for (const auto& function : snapshot->functions) {
    Json versions = Json::array();
    for (const auto& version : function->versions) {
      if (!version) continue;  // deleted
      versions.push_back({{"version", version->version},
                          {"description", version->description},
                          {"codeSha256", version->code_sha256},
                          {"lastModified", version->last_modified}});
    }
    Json aliases = Json::array();
    for (const auto& [name, alias] : function->aliases) {
      aliases.push_back({{"name", name}, {"weights", alias->shares()}});
    }
    const auto counts = lambda.metrics().function_counts(function->name);
    functions.push_back({{"logicalId", function->logical_id},
                         {"name", function->name},
                         {"runtime", function->latest ? function->latest->runtime : ""},
                         {"apiAlias", function->api_alias},
                         {"invocations", counts.invocations},
                         {"errors", counts.errors},
                         {"versions", versions},
                         {"aliases", aliases}});
  }
  return functions;
}

std::string metric_text(const cloudwatch::MetricId& metric) {
  std::string text = metric.namespace_name + " " + metric.metric_name;
  for (std::size_t i = 0; i < metric.dimensions.size(); ++i)
    text += (i == 0 ? " (" : ", ") + metric.dimensions[i].name + "=" + metric.dimensions[i].value;
  if (!metric.dimensions.empty()) text += ")";
  return text;
}

Json alarms_json(const cloudwatch::Alarms& alarms) {
  Json out = Json::array();
  for (const auto& alarm : alarms.list())
    out.push_back({{"name", alarm.definition.name},
                   {"state", cloudwatch::state_name(alarm.state)},
                   {"reason", alarm.reason},
                   {"metric", metric_text(alarm.definition.metric)},
                   {"updated", alarm.state_updated_ms},
                   {"evaluated", alarm.definition.not_evaluated.empty()}});
  return out;
}

Json entry_json(const lambda::JournalEntry& entry) {
  return {{"requestId", entry.request_id}, {"functionName", entry.function_name},
          {"logicalId", entry.logical_id}, {"version", entry.version},
          {"alias", entry.alias},          {"outcome", entry.outcome},
          {"durationMs", entry.duration_ms}, {"at", entry.at_ms}};
}

void add_request(Json& entry, const ApiRequest& request) {
  entry["method"] = request.method;
  entry["path"] = request.target;
  entry["status"] = request.status;
}

}  // namespace

Json console_state(const ConsoleSources& sources) {
  Json status = control::status_report(sources.engine, sources.lambda, sources.time_scale);
  Json invocations = Json::array();
  const auto requests = sources.requests.by_invocation();
  for (const auto& entry : sources.journal.recent(kInvocationsShown)) {
    Json item = entry_json(entry);
    if (auto found = requests.find(entry.request_id); found != requests.end())
      add_request(item, found->second);
    invocations.push_back(std::move(item));
  }
  return {{"runId", sources.run_id},
          {"now", status["now"]},
          {"timeScale", sources.time_scale},
          {"generation", status["generation"]},
          {"stack", {{"name", sources.stack_name}, {"region", sources.region}}},
          {"functions", functions_json(sources.lambda)},
          {"deployments", std::move(status["deployments"])},
          {"aliases", std::move(status["aliases"])},
          {"alarms", alarms_json(sources.alarms)},
          {"invocations", std::move(invocations)}};
}

Json invocation_details(const ConsoleSources& sources, const std::string& request_id) {
  auto entry = sources.journal.find(request_id);
  if (!entry) return nullptr;
  Json item = entry_json(*entry);
  const auto requests = sources.requests.by_invocation();
  if (auto found = requests.find(request_id); found != requests.end())
    add_request(item, found->second);
  item["log"] = entry->log;
  return item;
}

}  // namespace emu::console
