#include "emulator/lambda/model/alias.h"

namespace emu::lambda {

const std::string& Alias::choose_version(Random& random) const {
  if (additional_weights.empty()) return function_version;
  double draw = random.uniform();
  for (const auto& [version, weight] : additional_weights) {
    if (draw < weight) return version;
    draw -= weight;
  }
  return function_version;
}

}  // namespace emu::lambda
