// The CloudWatch embedded metric format (EMF): a log line that is a JSON object with an "_aws"
// member becomes metrics, as CloudWatch Logs extracts them from a Lambda function's log
// (CloudWatch user guide, "Specification: Embedded metric format"). Powertools' Metrics utilities
// and aws-embedded-metrics write such lines:
//   {"_aws":{"Timestamp":1656620400000,"CloudWatchMetrics":[{"Namespace":"ServerlessAirline",
//     "Dimensions":[["service"]],"Metrics":[{"Name":"SuccessfulBooking","Unit":"Count"}]}]},
//    "service":"booking","SuccessfulBooking":[1.0]}
// Rules kept: _aws.Timestamp (epoch ms) and _aws.CloudWatchMetrics are required; each directive
// has a Namespace (1-255 characters), Dimensions (a list of dimension sets, each up to 30 names of
// root members holding strings) and Metrics (up to 100, each a Name of a root member holding a
// number or up to 100 numbers, with an optional Unit). A line that breaks them yields no metric
// at all (CloudWatch Logs keeps the line and extracts nothing) and an error saying why.
// Anything before the first '{' (a Lambda runtime's "timestamp\trequest id\tINFO\t" prefix) is
// skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/cloudwatch/metric_store.h"
#include "emulator/core/result.h"

namespace emu::cloudwatch {

struct EmfDatum {
  MetricId metric;
  std::vector<double> values;
  std::string unit;
};

struct EmfRecord {
  std::int64_t timestamp_ms = 0;  // _aws.Timestamp
  std::vector<EmfDatum> data;     // one per metric and dimension set
};

// True when `line` may be EMF (cheap: it mentions "_aws"); only such lines are parsed.
bool looks_like_emf(std::string_view line);

// The metrics of an EMF line. Errors (code "InvalidEMF") say what is wrong and where.
Result<EmfRecord> parse_emf(std::string_view line);

}  // namespace emu::cloudwatch
