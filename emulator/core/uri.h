// Percent-decoding and query-string parsing for request targets (RFC 3986 section 2.1; the
// application/x-www-form-urlencoded rules of the WHATWG URL standard for '+' in query strings).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu::uri {

// Appends the decoding of `text` to `out`: each "%XX" (two hex digits, either case) becomes that
// byte; a '%' not followed by two hex digits is kept as it is, as API Gateway passes it on. With
// `plus_is_space`, '+' becomes ' ' (query strings), otherwise it stays '+' (paths).
void percent_decode_append(std::string_view text, bool plus_is_space, std::string& out);

std::string percent_decode(std::string_view text, bool plus_is_space);

// The (name, value) pairs of `query` ("a=1&b=x+y&c"), decoded, in request order. A pair without
// '=' has the value ""; empty pieces ("a=1&&b=2") and pairs with an empty name are skipped.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

}  // namespace emu::uri
