#include "emulator/cloudwatch/api_gateway_metrics.h"

#include <map>
#include <tuple>

namespace emu::cloudwatch {
namespace {

struct Tally {
  double count = 0;
  double client_errors = 0;
  double server_errors = 0;
  StatisticSet latency;
  StatisticSet integration_latency;
};

}  // namespace

void ApiGatewayMetrics::add(ApiRequest request) {
  if (queue_.push(std::move(request))) flush();
}

void ApiGatewayMetrics::flush() {
  std::lock_guard flushing(flush_mutex_);
  auto batch = queue_.take();
  if (batch.empty()) return;
  std::map<std::tuple<std::string, std::string, std::int64_t>, Tally> tallies;
  for (const auto& r : batch) {
    auto& tally = tallies[{r.api_name, r.stage, minute_start(r.epoch_ms)}];
    tally.count += 1;
    tally.client_errors += r.status >= 400 && r.status < 500;
    tally.server_errors += r.status >= 500;
    tally.latency.add(r.latency_ms);
    if (r.integration_latency_ms) tally.integration_latency.add(*r.integration_latency_ms);
  }
  for (const auto& [key, tally] : tallies) {
    const auto& [api, stage, minute] = key;
    const std::vector<std::vector<Dimension>> sets = {
        {{"ApiName", api}}, {{"ApiName", api}, {"Stage", stage}}};
    for (const auto& dimensions : sets) {
      store_.record_set({"AWS/ApiGateway", "Count", dimensions}, minute, zero_one_set(tally.count, tally.count),
                        "Count");
      store_.record_set({"AWS/ApiGateway", "4XXError", dimensions}, minute,
                        zero_one_set(tally.client_errors, tally.count), "Count");
      store_.record_set({"AWS/ApiGateway", "5XXError", dimensions}, minute,
                        zero_one_set(tally.server_errors, tally.count), "Count");
      store_.record_set({"AWS/ApiGateway", "Latency", dimensions}, minute, tally.latency,
                        "Milliseconds");
      if (!tally.integration_latency.empty())
        store_.record_set({"AWS/ApiGateway", "IntegrationLatency", dimensions}, minute,
                          tally.integration_latency, "Milliseconds");
    }
  }
}

}  // namespace emu::cloudwatch
