// Base64 as RFC 4648 section 4 defines it (standard alphabet, '=' padding): the encoding API
// Gateway uses for binary bodies (isBase64Encoded) and Lambda for payloads such as ClientContext.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace emu::base64 {

// Padded encoding of `bytes`.
std::string encode(std::string_view bytes);

// The bytes `text` encodes, or nullopt when it is not base64: a character outside the standard
// alphabet, padding anywhere but at the end, or a length that no encoding has. Padding may be
// left out (as some encoders do); whitespace is not accepted.
std::optional<std::string> decode(std::string_view text);

}  // namespace emu::base64
