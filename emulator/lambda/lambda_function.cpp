#include "emulator/lambda/lambda_function.h"

#include <charconv>

namespace emu::lambda {

FunctionVersionPtr LambdaFunction::version(std::string_view name) const {
  if (name == "$LATEST") return latest;
  unsigned number = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
  if (ec != std::errc() || end != name.data() + name.size() || number == 0) return nullptr;
  for (const auto& v : versions)
    if (v->version == name) return v;
  return nullptr;
}

AliasPtr LambdaFunction::alias(std::string_view name) const {
  auto it = aliases.find(std::string(name));
  return it == aliases.end() ? nullptr : it->second;
}

}  // namespace emu::lambda
