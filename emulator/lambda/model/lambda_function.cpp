#include "emulator/lambda/model/lambda_function.h"

#include <charconv>

namespace emu::lambda {

FunctionVersionPtr LambdaFunction::version(std::string_view number_text) const {
  if (number_text == "$LATEST") return latest;
  unsigned number = 0;
  auto [end, ec] =
      std::from_chars(number_text.data(), number_text.data() + number_text.size(), number);
  if (ec != std::errc() || end != number_text.data() + number_text.size() || number == 0)
    return nullptr;
  for (const auto& v : versions)
    if (v->version == number_text) return v;
  return nullptr;
}

AliasPtr LambdaFunction::alias(std::string_view alias_name) const {
  auto it = aliases.find(std::string(alias_name));
  return it == aliases.end() ? nullptr : it->second;
}

}  // namespace emu::lambda
