#include "emulator/lambda/model/alias.h"

#include <doctest/doctest.h>

#include "emulator/core/random.h"

using namespace emu;
using namespace emu::lambda;

namespace {

// Returns the scripted draws in order.
class ScriptedRandom final : public Random {
 public:
  explicit ScriptedRandom(std::vector<double> draws) : draws_(std::move(draws)) {}
  double uniform() override { return draws_.at(next_++); }
  std::size_t used() const { return next_; }

 private:
  std::vector<double> draws_;
  std::size_t next_ = 0;
};

Alias weighted(double weight) {
  Alias alias;
  alias.name = "live";
  alias.function_version = "1";
  alias.additional_weights = {{"2", weight}};
  return alias;
}

}  // namespace

TEST_CASE("an alias without weights never draws and always runs its version") {
  Alias alias;
  alias.function_version = "4";
  ScriptedRandom random({});
  CHECK(alias.choose_version(random) == "4");
  CHECK(random.used() == 0);
}

TEST_CASE("a draw below the additional weight runs the additional version") {
  ScriptedRandom random({0.0, 0.0999, 0.1, 0.5, 0.9999});
  auto alias = weighted(0.1);
  std::vector<std::string> chosen;
  for (int i = 0; i < 5; ++i) chosen.push_back(alias.choose_version(random));
  CHECK(chosen == std::vector<std::string>{"2", "2", "1", "1", "1"});
}

TEST_CASE("a fixed seed reproduces the exact sequence of versions") {
  auto alias = weighted(0.5);
  auto run = [&alias](std::uint64_t seed) {
    SeededRandom random(seed);
    std::string sequence;
    for (int i = 0; i < 32; ++i) sequence += alias.choose_version(random);
    return sequence;
  };
  CHECK(run(42) == run(42));
  CHECK(run(42) != run(43));
  // mt19937_64 is fully specified by the standard, so this sequence holds on every platform.
  CHECK(run(42) == "11121212222111111222122222121212");
}

TEST_CASE("weighted routing splits within binomial tolerance") {
  auto alias = weighted(0.1);
  SeededRandom random(7);
  int additional = 0;
  const int n = 10000;
  for (int i = 0; i < n; ++i) additional += alias.choose_version(random) == "2";
  // mean 1000, standard deviation sqrt(10000 * 0.1 * 0.9) = 30: allow 4 sigma
  CHECK(additional > 880);
  CHECK(additional < 1120);
}
