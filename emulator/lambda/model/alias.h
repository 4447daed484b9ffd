// Alias: a named pointer to a function version, optionally splitting traffic with one more
// version by weight (AWS Lambda developer guide, "Implement Lambda canary deployments using a
// weighted alias"; API: AliasConfiguration / AliasRoutingConfiguration).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "emulator/core/random.h"

namespace emu::lambda {

struct Alias {
  std::string name;
  std::string function_version;                      // the primary version, e.g. "1"
  std::map<std::string, double> additional_weights;  // version -> share in [0, 1]; at most one
  std::string description;
  std::string revision_id;

  // The version one invocation runs: an additional version with probability equal to its
  // weight, otherwise the primary. Draws from `random` only when there is a weight to apply.
  const std::string& choose_version(Random& random) const;

  // Every version's share of the traffic: the additional weights, and the primary the rest
  // ({"1": 0.9, "2": 0.1}).
  std::map<std::string, double> shares() const;
};

using AliasPtr = std::shared_ptr<const Alias>;

}  // namespace emu::lambda
