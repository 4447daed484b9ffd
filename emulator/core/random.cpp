#include "emulator/core/random.h"

#include <chrono>

namespace emu {

std::uint64_t seed_from_clock() {
  auto now = static_cast<std::uint64_t>(
      std::chrono::high_resolution_clock::now().time_since_epoch().count());
  return now ^ (static_cast<std::uint64_t>(std::random_device{}()) << 32);
}

}  // namespace emu
