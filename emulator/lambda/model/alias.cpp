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

std::map<std::string, double> Alias::shares() const {
  std::map<std::string, double> all = additional_weights;
  double additional = 0;
  for (const auto& [version, weight] : additional_weights) additional += weight;
  all[function_version] = 1.0 - additional;
  return all;
}

}  // namespace emu::lambda
