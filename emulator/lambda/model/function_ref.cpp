#include "emulator/lambda/model/function_ref.h"

#include <cctype>
#include <vector>

#include "emulator/lambda/model/lambda_errors.h"

namespace emu::lambda {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 140) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

bool valid_qualifier(std::string_view qualifier) {
  if (qualifier == "$LATEST") return true;
  if (qualifier.empty() || qualifier.size() > 128) return false;
  for (char c : qualifier)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

Error bad_name(std::string_view text) {
  return errors::validation(
      "1 validation error detected: Value '" + std::string(text) +
      "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression "
      "pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
      "(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
}

}  // namespace

Result<FunctionRef> parse_function_ref(std::string_view text, std::string_view query_qualifier) {
  auto parts = split(text, ':');
  FunctionRef ref;
  std::string_view qualifier;
  if (parts.size() >= 7 && parts[0] == "arn") {  // arn:partition:lambda:region:account:function:name[:q]
    if (parts[2] != "lambda" || parts[5] != "function" || parts.size() > 8) return bad_name(text);
    ref.name = std::string(parts[6]);
    if (parts.size() == 8) qualifier = parts[7];
  } else if (parts.size() >= 3 && parts[1] == "function") {  // account:function:name[:q]
    if (parts.size() > 4) return bad_name(text);
    ref.name = std::string(parts[2]);
    if (parts.size() == 4) qualifier = parts[3];
  } else if (parts.size() <= 2) {
    ref.name = std::string(parts[0]);
    if (parts.size() == 2) qualifier = parts[1];
  } else {
    return bad_name(text);
  }
  if (!valid_name(ref.name) || (parts.size() > 1 && qualifier.empty() && text.back() == ':'))
    return bad_name(text);
  if (!qualifier.empty() && !valid_qualifier(qualifier)) return bad_name(text);
  if (!qualifier.empty() && !query_qualifier.empty() && qualifier != query_qualifier) {
    return errors::invalid_parameter(
        "The derived qualifier from the function name does not match the specified qualifier.");
  }
  if (!query_qualifier.empty() && !valid_qualifier(query_qualifier))
    return errors::validation("1 validation error detected: Value '" +
                              std::string(query_qualifier) +
                              "' at 'qualifier' failed to satisfy constraint: Member must "
                              "satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)");
  ref.qualifier = std::string(qualifier.empty() ? query_qualifier : qualifier);
  return ref;
}

}  // namespace emu::lambda
