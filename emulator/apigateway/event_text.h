// What every API Gateway event builder shares: UTF-8 validity and repair, the domain prefix of a
// Host, the headers API Gateway drops and the X-Forwarded-Port it adds.
#pragma once

#include <boost/beast/http/field.hpp>
#include <string>
#include <string_view>

namespace emu::apigw {

bool is_valid_utf8(std::string_view text);

// Replaces each byte of `text` that starts no well-formed sequence by U+FFFD, so that an event
// serializes (JSON text is UTF-8) even when a client sends raw bytes in a header or %FF in a query.
void repair_utf8(std::string& text);

// The first DNS label of a host, without a port: "abc123" for "abc123.execute-api.us-east-1...".
std::string_view domain_prefix(std::string_view domain);

// Headers API Gateway does not pass to the integration (LocalStack's AWS-validated snapshot of
// test_apigateway_header_remapping: exactly these 12 arrive empty; recorded events never carry
// Content-Length or Connection; an HTTP API sets content-length itself).
bool dropped_by_api_gateway(boost::beast::http::field name);

// X-Forwarded-Port: the port of the Host header (http://localhost:3000 -> 3000), else "80" (here
// http, not AWS's https/443: a handler that builds URLs from it gets working local ones).
std::string_view forwarded_port(std::string_view host);

}  // namespace emu::apigw
