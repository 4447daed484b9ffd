// CloudWatchApi: the CloudWatch API (version 2010-08-01) on --aws-port, as `aws cloudwatch ...`,
// the SDKs and functions' own PutMetricData calls reach it, over the emulator's Alarms and
// MetricStore. It speaks the three protocols of botocore's `cloudwatch` model — query (XML), JSON
// 1.0 and smithy-rpc-v2-cbor — through aws::QueryCompatibleProtocols, with each operation
// written once.
//
// Operations (docs/alarms.md, "CloudWatch API"): DescribeAlarms, DescribeAlarmHistory,
// SetAlarmState, PutMetricAlarm, DeleteAlarms, PutMetricData, GetMetricStatistics,
// GetMetricData, ListMetrics. Anything else is InvalidAction, as CloudWatch answers it.
//
// Time: alarms, datapoints and history carry the emulator's virtual time (the Clock's epoch
// time, as CodeDeploy's deployments do), and StartTime/EndTime are read on it. Timestamps that
// producers send (PutMetricData's Timestamp) come from real clocks: each is recorded at the same
// distance from the virtual "now" as it was from the real one, so under --time-scale a datapoint
// "now" lands now.
//
// Thread-safe; answers synchronously.
#pragma once

#include <functional>

#include "emulator/aws/aws_endpoint.h"
#include "emulator/aws/query_compatible.h"
#include "emulator/cloudwatch/alarms.h"
#include "emulator/cloudwatch/metric_store.h"
#include "emulator/core/clock.h"

namespace emu::cloudwatch {

// The query error code's exception shape in botocore's cloudwatch model, and its HTTP status.
std::string cloudwatch_error_shape(std::string_view code);
unsigned cloudwatch_error_status(std::string_view code);

class CloudWatchApi final : public aws::AwsService {
 public:
  // All must outlive the API. `flush` runs before every read of metrics (queued invocations
  // reach the store first).
  CloudWatchApi(Alarms& alarms, MetricStore& store, Clock& clock, std::function<void()> flush);

  bool accepts(const server::HttpRequest& request) const override;
  void handle(server::HttpRequest request, const server::ClientInfo& client,
              server::Respond respond) override;

  // One operation on a decoded input: the output (null for none) or an Error. Exposed so that
  // tests can drive operations without a wire format.
  Result<aws::WireJson> call(const std::string& action, const aws::WireJson& input);

 private:
  Result<aws::WireJson> describe_alarms(const aws::WireJson& input);
  Result<aws::WireJson> describe_alarm_history(const aws::WireJson& input);
  Result<aws::WireJson> set_alarm_state(const aws::WireJson& input);
  Result<aws::WireJson> put_metric_alarm(const aws::WireJson& input);
  Result<aws::WireJson> delete_alarms(const aws::WireJson& input);
  Result<aws::WireJson> put_metric_data(const aws::WireJson& input);
  Result<aws::WireJson> get_metric_statistics(const aws::WireJson& input);
  Result<aws::WireJson> get_metric_data(const aws::WireJson& input);
  Result<aws::WireJson> list_metrics(const aws::WireJson& input);

  Alarms& alarms_;
  MetricStore& store_;
  Clock& clock_;
  std::function<void()> flush_;
  aws::QueryCompatibleProtocols protocols_;
};

}  // namespace emu::cloudwatch
