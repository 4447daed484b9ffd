// Typed reads of resolved property values, with the template's error shape on a wrong type:
// "<where>: <path>: expected an integer from 1 to 900, got \"abc\"".
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/template/node.h"

namespace emu::tmpl {

// A string; numbers and booleans count as strings, as written ("3", "true").
Result<std::string> read_string(const Node& value, const std::string& path);

// An integer within [min, max] ("3" and 3 alike).
Result<int> read_int(const Node& value, const std::string& path, int min, int max);

// true/false (also "True", "FALSE", ... as YAML 1.1 and CloudFormation accept).
Result<bool> read_bool(const Node& value, const std::string& path);

// A list of strings; a single string is not accepted.
Result<std::vector<std::string>> read_string_list(const Node& value, const std::string& path);

// A map of strings to strings (values as read_string).
Result<std::map<std::string, std::string>> read_string_map(const Node& value,
                                                            const std::string& path);

// A map (any values); its entries' values are checked by the caller.
std::optional<Error> expect_map(const Node& value, const std::string& path);

// Adds a warning to `warnings` for each key of `properties` that is not in `known`.
// `owner` names what the properties belong to ("AWS::Serverless::Function").
template <std::size_t N>
void warn_unknown_keys(const Node& properties, const std::array<std::string_view, N>& known,
                       const std::string& path, const std::string& owner,
                       std::vector<std::string>& warnings);

void warn_unknown_key(const MapEntry& entry, const std::string& path, const std::string& owner,
                      std::vector<std::string>& warnings);

// How every unknown-key warning ends: a key indented at the wrong level is one of these, and an
// error further down may follow from it (the loader says so).
inline constexpr std::string_view kIgnoredKeyNote = "that the emulator knows; it is ignored.";

template <std::size_t N>
void warn_unknown_keys(const Node& properties, const std::array<std::string_view, N>& known,
                       const std::string& path, const std::string& owner,
                       std::vector<std::string>& warnings) {
  for (const auto& entry : properties.entries) {
    bool found = false;
    for (std::string_view name : known) found = found || name == entry.key;
    if (!found) warn_unknown_key(entry, path, owner, warnings);
  }
}

}  // namespace emu::tmpl
