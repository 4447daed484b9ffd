// The REST API (payload format 1.0) Lambda proxy integration event, built fresh for each request.
// Reference: API Gateway developer guide, "Input format of a Lambda function for proxy
// integration". Pure function: no I/O, no clock or randomness of its own (they come in
// RequestFacts), so tests can check every field exactly.
#pragma once

#include <boost/beast/http.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "emulator/apigateway/route_table.h"

namespace emu::apigw {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

// What the gateway knows about a request besides the HTTP message itself.
struct RequestFacts {
  std::string request_id;            // requestContext.requestId (UUID)
  std::string extended_request_id;   // requestContext.extendedRequestId
  std::int64_t epoch_ms = 0;         // requestContext.requestTimeEpoch
  std::string source_ip;             // requestContext.identity.sourceIp (the peer's address)
  std::string domain_name;           // requestContext.domainName: the Host header, or
                                     // "localhost" when there is none
  std::string trace_id;              // X-Amzn-Trace-Id when the client sent none ("" = none)
};

// An X-Ray trace header as API Gateway adds one: "Root=1-<epoch seconds, 8 hex>-<24 random hex>".
std::string new_trace_id(std::int64_t epoch_ms);

// Builds the event. Precondition: match.status is kMatched (match.route is set).
// Empty header / query / path-parameter / stage-variable maps are null, as AWS sends them. The
// body is base64 (isBase64Encoded true) by binary_media.h's rules, else text (bytes that are not
// UTF-8 replaced by U+FFFD).
nlohmann::json build_proxy_event(const HttpRequest& request, const RouteMatch& match,
                                 const RequestFacts& facts);

// The same event written over `event`, whatever it holds: the result equals build_proxy_event's,
// but the storage of a spent event (strings, map nodes, arrays) is reused wherever the shape
// matches, so overwriting the previous event of the same route allocates next to nothing.
void fill_proxy_event(nlohmann::json& event, const HttpRequest& request, const RouteMatch& match,
                      const RequestFacts& facts);

// "29/Nov/2026:23:26:43 +0000": the requestContext.requestTime format, from epoch milliseconds.
std::string format_request_time(std::int64_t epoch_ms);

}  // namespace emu::apigw
