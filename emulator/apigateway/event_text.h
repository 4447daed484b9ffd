// Text checks every API Gateway event builder shares: UTF-8 validity and repair, and the domain
// prefix of a Host.
#pragma once

#include <string>
#include <string_view>

namespace emu::apigw {

bool is_valid_utf8(std::string_view text);

// Replaces each byte of `text` that starts no well-formed sequence by U+FFFD, so that an event
// serializes (JSON text is UTF-8) even when a client sends raw bytes in a header or %FF in a query.
void repair_utf8(std::string& text);

// The first DNS label of a host, without a port: "abc123" for "abc123.execute-api.us-east-1...".
std::string_view domain_prefix(std::string_view domain);

}  // namespace emu::apigw
