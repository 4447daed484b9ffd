// JSON text <-> nlohmann::json, faster than nlohmann's own parser and serializer on the shapes an
// invocation carries (API Gateway's proxy event, a proxy response: objects of strings), with the
// same results: parse_json(text) equals nlohmann::json::parse(text, nullptr, false) and
// dump_json(value) equals value.dump(), for every input.
//
// Why: in Runtime API mode each invocation's event is written as text by the emulator, parsed by
// the bootstrap, and the handler's result is written by the bootstrap and parsed by the emulator.
// nlohmann's lexer and serializer work a character at a time through several layers (about
// 80 instructions per byte to parse); these copy runs of plain characters at once.
//
// They only take the fast path where the outcome is plainly the same: JSON without floating-point
// numbers and nested at most kMaxDepth deep. Anything else (a number with a fraction or exponent,
// an integer out of range, text that is not JSON, a string that is not UTF-8, binary values) is
// handed to nlohmann, so its behaviour (a discarded value, a type_error from dump) is kept exactly.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace lambda_runtime {

// As nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false): a discarded value when
// `text` is not JSON.
nlohmann::json parse_json(std::string_view text);

// As value.dump() (compact, UTF-8 as is); throws as it does (type_error 316 for a string that is
// not UTF-8).
std::string dump_json(const nlohmann::json& value);
// The same, appended to `out`.
void dump_json(const nlohmann::json& value, std::string& out);
// As value.dump() for an ordered_json (keys in insertion order).
std::string dump_json(const nlohmann::ordered_json& value);

}  // namespace lambda_runtime
