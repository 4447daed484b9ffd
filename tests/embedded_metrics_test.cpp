#include "emulator/cloudwatch/embedded_metrics.h"

#include <doctest/doctest.h>

#include "emulator/cloudwatch/api_gateway_metrics.h"

using namespace emu::cloudwatch;

TEST_CASE("a Powertools EMF line becomes one datum per metric and dimension set") {
  // Powertools' own example output (examples/metrics/src/add_dimensions_output.json).
  const char* line =
      R"({"_aws":{"Timestamp":1656620400000,"CloudWatchMetrics":[{"Namespace":"ServerlessAirline",)"
      R"("Dimensions":[["service"],["environment","region"],["environment"]],"Metrics":[{"Name":)"
      R"("SuccessfulBooking","Unit":"Count"}]}]},"service":"booking","environment":"prod",)"
      R"("region":"us-east-1","SuccessfulBooking":[1.0]})";
  REQUIRE(looks_like_emf(line));
  auto record = parse_emf(line);
  REQUIRE(record.ok());
  CHECK(record->timestamp_ms == 1656620400000);
  REQUIRE(record->data.size() == 3);
  CHECK(record->data[0].metric.namespace_name == "ServerlessAirline");
  CHECK(record->data[0].metric.metric_name == "SuccessfulBooking");
  CHECK(record->data[0].metric.dimensions == std::vector<Dimension>{{"service", "booking"}});
  CHECK(record->data[1].metric.dimensions ==
        std::vector<Dimension>{{"environment", "prod"}, {"region", "us-east-1"}});
  CHECK(record->data[0].values == std::vector<double>{1.0});
  CHECK(record->data[0].unit == "Count");
}

TEST_CASE("a Lambda runtime's prefix is skipped and a single number is a value") {
  auto record = parse_emf(
      "2026-12-07T10:00:00.000Z\tabc-123\tINFO\t"
      R"({"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"App","Dimensions":[[]],)"
      R"("Metrics":[{"Name":"Latency"}]}]},"Latency":12.5})");
  REQUIRE(record.ok());
  REQUIRE(record->data.size() == 1);
  CHECK(record->data[0].metric.dimensions.empty());
  CHECK(record->data[0].values == std::vector<double>{12.5});
}

TEST_CASE("EMF lines that break the specification give no metric and say why") {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"_aws":{"CloudWatchMetrics":[]}})", "_aws.Timestamp"},
      {R"({"_aws":{"Timestamp":1}})", "CloudWatchMetrics"},
      {R"({"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Dimensions":[],"Metrics":[]}]}})",
       "Namespace"},
      {R"({"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[["svc"]],)"
       R"("Metrics":[{"Name":"M"}]}]},"M":1})",
       "names \"svc\""},
      {R"({"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],)"
       R"("Metrics":[{"Name":"M"}]}]},"M":"fast"})",
       "must be a number"},
      {R"({"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],)"
       R"("Metrics":[{"Name":"Missing"}]}]}})",
       "does not have"},
      {R"({"_aws": {} } trailing)", "not one JSON object"},
      // Microseconds, not milliseconds: refused rather than stored in the year 55,000.
      {R"({"_aws":{"Timestamp":1700000000000000,"CloudWatchMetrics":[]}})", "epoch milliseconds"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.first);
    auto record = parse_emf(c.first);
    REQUIRE_FALSE(record.ok());
    CHECK(record.error().message.find(c.second) != std::string::npos);
  }
}

TEST_CASE("API Gateway requests become Count, 4XXError, 5XXError and latencies per API and stage") {
  MetricStore store;
  ApiGatewayMetrics metrics(store);
  const std::int64_t minute = 1'800'000'000'000;
  metrics.add({"sam-app", "Prod", 200, 12, 10.0, minute + 1});
  metrics.add({"sam-app", "Prod", 404, 2, std::nullopt, minute + 2});
  metrics.add({"sam-app", "Prod", 502, 30, 29.0, minute + 3});
  metrics.add({"sam-app", "Prod", 200, 8, 6.0, minute + 4});
  metrics.flush();
  auto one = [&](const char* name, std::vector<Dimension> dimensions) {
    auto points = store.query({"AWS/ApiGateway", name, std::move(dimensions)}, minute,
                              minute + 60'000, 60);
    REQUIRE(points.size() == 1);
    return points[0].values;
  };
  const std::vector<Dimension> api{{"ApiName", "sam-app"}};
  const std::vector<Dimension> stage{{"ApiName", "sam-app"}, {"Stage", "Prod"}};
  CHECK(one("Count", api).sample_count() == 4);
  CHECK(one("Count", stage).sum() == 4);
  CHECK(one("4XXError", stage).sum() == 1);
  CHECK(one("4XXError", stage).sample_count() == 4);  // Average is the rate
  CHECK(one("5XXError", api).sum() == 1);
  CHECK(one("Latency", stage).maximum() == 30);
  CHECK(one("IntegrationLatency", stage).sample_count() == 3);  // the 404 ran no integration
}
