// ApiGatewayMetrics: the AWS/ApiGateway metrics CloudWatch has for each request to a REST API
// (API Gateway developer guide, "Amazon API Gateway dimensions and metrics"): Count, 4XXError,
// 5XXError (Count: 1 or 0 per request, so Sum counts them and Average is the rate), Latency and
// IntegrationLatency (Milliseconds), each with the dimension sets {ApiName} and
// {ApiName, Stage}. The per-method set {ApiName, Method, Resource, Stage} needs detailed metrics
// on AWS and is not kept.
//
// Off the request path, as LambdaMetrics: add() queues, flush() aggregates per API, stage and
// minute into the MetricStore.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "emulator/cloudwatch/batch_queue.h"
#include "emulator/cloudwatch/metric_store.h"

namespace emu::cloudwatch {

struct ApiRequest {
  std::string api_name;  // the API's Name (ApiName)
  std::string stage;
  unsigned status = 200;
  double latency_ms = 0;
  std::optional<double> integration_latency_ms;  // none when no integration ran
  std::int64_t epoch_ms = 0;                     // when it was answered, on the (virtual) clock
};

class ApiGatewayMetrics {
 public:
  explicit ApiGatewayMetrics(MetricStore& store) : store_(store) {}

  void add(ApiRequest request);
  void flush();

 private:
  MetricStore& store_;
  BatchQueue<ApiRequest> queue_;
  std::mutex flush_mutex_;
};

}  // namespace emu::cloudwatch
