#include "emulator/control/status_report.h"

namespace emu::control {
namespace {

using Json = nlohmann::json;

constexpr std::chrono::seconds kObservedWindow{10};

Json optional_ms(const std::optional<std::chrono::milliseconds>& value) {
  return value ? Json(value->count()) : Json();
}

}  // namespace

Json deployment_status(const codedeploy::Deployment& d) {
  Json events = Json::array();
  for (const auto& event : d.events)
    events.push_back({{"name", event.name},
                      {"status", event.status},
                      {"hookFunction", event.hook_function},
                      {"diagnostics", event.diagnostics}});
  return {{"deploymentId", d.id},
          {"functionName", d.function_name},
          {"alias", d.alias},
          {"deploymentConfigName", d.config.name},
          {"fromVersion", d.from_version},
          {"toVersion", d.to_version},
          {"status", codedeploy::to_string(d.status)},
          {"creator", d.creator},
          {"events", events},
          {"newVersionWeight", d.new_version_weight},
          {"nextShiftAt", optional_ms(d.next_shift_at)},
          {"nextWeight", d.next_weight ? Json(*d.next_weight) : Json()},
          {"createTime", d.create_time.count()},
          {"completeTime", optional_ms(d.complete_time)},
          {"errorCode", d.error_code},
          {"errorMessage", d.error_message},
          {"rollbackDeploymentId", d.rollback_deployment_id},
          {"alarms", d.alarms}};
}

Json status_report(codedeploy::DeploymentEngine& engine, lambda::LambdaService& lambda,
                   double time_scale) {
  Json deployments = Json::array();
  for (const auto& d : engine.list()) deployments.push_back(deployment_status(d));
  Json aliases = Json::array();
  // Hold the snapshot: a range-for over a temporary's member would free it mid-loop when a
  // deployment publishes a new one (ASan: heap-use-after-free).
  const auto snapshot = lambda.store().snapshot();
  for (const auto& function : snapshot->functions) {
    for (const auto& [name, alias] : function->aliases) {
      const Json weights = alias->shares();
      Json observed = Json::object();
      for (const auto& [version, count] :
           lambda.metrics().recent_split(function->name, kObservedWindow))
        observed[version] = count;
      aliases.push_back({{"functionName", function->name},
                         {"logicalId", function->logical_id},
                         {"alias", name},
                         {"weights", weights},
                         {"observed", observed}});
    }
  }
  Json body = {{"now", engine.clock().now().count()},
               {"timeScale", time_scale},
               {"generation", engine.generation()},
               {"deployments", deployments},
               {"aliases", aliases}};
  return body;
}

}  // namespace emu::control
