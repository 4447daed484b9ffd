// Random: the source of randomness for weighted choices (alias routing). A seam: `--seed N` makes
// every traffic split reproducible; tests use a fixed seed to check exact sequences.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <random>

namespace emu {

class Random {
 public:
  virtual ~Random() = default;
  // A uniformly distributed number in [0, 1). Thread-safe.
  virtual double uniform() = 0;
};

// mt19937_64 behind a mutex: one sequence for the whole process, so a run with the same seed and
// the same order of requests makes the same choices.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  double uniform() override {
    std::uint64_t bits;
    {
      std::lock_guard lock(mutex_);
      bits = engine_();
    }
    return static_cast<double>(bits >> 11) * 0x1.0p-53;  // 53 random bits: exact in a double
  }

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;
};

// A seed from the clock and the OS, for runs without --seed.
std::uint64_t seed_from_clock();

}  // namespace emu
