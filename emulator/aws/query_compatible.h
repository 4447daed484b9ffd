// The three wire protocols of an AWS service that began as a "query" service and gained JSON and
// CBOR ones while staying compatible with it (the model's `awsQueryCompatible` trait; CloudWatch:
// botocore's `cloudwatch` model lists "smithy-rpc-v2-cbor", "json", "query"). Clients pick one:
//   query               POST / with an application/x-www-form-urlencoded body
//                       (Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=x); XML
//                       answers <ActionResponse><ActionResult>...; errors <ErrorResponse>.
//                       Debian's awscli 2.9 and boto3 1.29 speak it.
//   json (1.0)          POST / with X-Amz-Target: <TargetPrefix>.<Action>, JSON object bodies;
//                       errors {"__type", "message"}.
//   smithy-rpc-v2-cbor  POST /service/<TargetPrefix>/operation/<Action> with a CBOR body
//                       (smithy-protocol: rpc-v2-cbor); newest botocore (1.43) prefers it.
// A service implements each operation once, on a JSON value: the input as the model's shape
// (lists as arrays; query's "X.member.N" become arrays), the output built with ordered_json,
// timestamps written with wire_timestamp() so each protocol renders them its own way (ISO 8601
// in XML, epoch seconds in JSON, CBOR tag 1). Errors carry the query error code
// ("InvalidParameterValue"); json and cbor answers name the model's shape in __type and the
// query code in x-amzn-query-error, as awsQueryCompatible services do.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/core/result.h"
#include "emulator/server/request_handler.h"

namespace emu::aws {

using WireJson = nlohmann::ordered_json;

// A timestamp member of an output; and reading one from an input (ISO 8601 text, or epoch
// seconds as JSON and CBOR send them).
WireJson wire_timestamp(std::int64_t epoch_ms);
// A map member of an output (query XML writes maps as <entry><key/><value/></entry>; the other
// protocols as objects).
WireJson wire_map(WireJson object);
std::optional<std::int64_t> read_wire_timestamp(const WireJson& value);

// Reading input members that query sends as text and the others as numbers or booleans. Each
// returns none when the member is absent and an InvalidParameterValue error naming `name` when it
// is not of the type.
Result<std::optional<double>> read_number(const WireJson& input, const char* name);
Result<std::optional<std::int64_t>> read_integer(const WireJson& input, const char* name);
Result<std::optional<bool>> read_bool(const WireJson& input, const char* name);
Result<std::optional<std::string>> read_text(const WireJson& input, const char* name);

struct QueryCompatibleService {
  std::string_view target_prefix;  // "GraniteServiceVersion20100801"
  std::string_view signing_name;   // "monitoring": the SigV4 credential scope's service
  std::string_view version;        // "2010-08-01"
  std::string_view xml_namespace;  // "http://monitoring.amazonaws.com/doc/2010-08-01/"
  std::string_view service;        // "CloudWatch": named in error messages
  // The model's exception shape for a query error code ("InvalidParameterValue" ->
  // "InvalidParameterValueException"); the code itself when it has none.
  std::string (*shape_for_code)(std::string_view code);
  // HTTP status of a query error code.
  unsigned (*status_for_code)(std::string_view code);
};

enum class WireProtocol { kQuery, kJson, kCbor };

// A request decoded: its protocol, the operation it names and its input.
struct WireRequest {
  WireProtocol protocol = WireProtocol::kQuery;
  std::string action;
  WireJson input = WireJson::object();
};

class QueryCompatibleProtocols {
 public:
  explicit QueryCompatibleProtocols(QueryCompatibleService service) : service_(service) {}

  // The request's protocol when it is for this service: a query form body signed for (or with
  // Version of) the service, the X-Amz-Target prefix, or the RPC v2 path.
  std::optional<WireProtocol> protocol_of(const server::HttpRequest& request) const;
  // Decodes the body. Errors (MalformedQueryString, SerializationException...) in the code the
  // protocol uses for them.
  Result<WireRequest> decode(const server::HttpRequest& request, WireProtocol protocol) const;

  server::HttpResponse ok(const WireRequest& request, const WireJson& output,
                          unsigned http_version) const;
  server::HttpResponse error(WireProtocol protocol, const Error& error,
                             unsigned http_version) const;

 private:
  QueryCompatibleService service_;
};

// The XML of a query-protocol output value: objects as elements in order, arrays as <member>
// elements, timestamps in ISO 8601, text escaped. Exposed for tests.
std::string query_xml(const WireJson& value);

// CBOR (RFC 8949) of an output value, timestamps as tag 1 over epoch seconds.
std::string to_cbor(const WireJson& value);
// A CBOR data item as JSON: tags are read through (tag 1's epoch seconds stay a number), byte
// strings become base64 text, as the JSON protocols carry blobs. Errors (SerializationException)
// for malformed or truncated input, nesting deeper than 64, or bytes after the item.
Result<WireJson> from_cbor(std::string_view bytes);

}  // namespace emu::aws
