// Identifiers shaped like AWS's: request ids (UUID v4 form), API ids and stable name suffixes.
#pragma once

#include <string>
#include <string_view>

namespace emu::ids {

// A fresh random UUID v4 in the lower-case 8-4-4-4-12 form Lambda and API Gateway use for
// request ids. Thread-safe; each thread has its own generator.
std::string new_request_id();

// A fresh random id of `length` characters from [A-Za-z0-9] (API Gateway's extendedRequestId and
// x-amz-apigw-id are of this shape). Thread-safe.
std::string new_short_id(std::size_t length);

// A secret: 32 hex digits (128 bits) straight from the system's random source
// (std::random_device, /dev/urandom on Linux), never from a seeded generator.
std::string random_token();

// A stable id derived from `seed`: the same seed always gives the same id. `alphabet` picks the
// characters (API ids are 10 lower-case alphanumerics; CloudFormation name suffixes are upper-case).
std::string stable_id(std::string_view seed, std::size_t length, std::string_view alphabet);

inline constexpr std::string_view kLowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr std::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

}  // namespace emu::ids
