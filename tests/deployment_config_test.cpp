#include "emulator/codedeploy/deployment_config.h"

#include <doctest/doctest.h>

using namespace emu::codedeploy;
using std::chrono::minutes;
using std::chrono::milliseconds;

namespace {

// "0:10 300000:100" — each step as at_ms:percent.
std::string describe(const std::vector<TrafficStep>& steps) {
  std::string text;
  for (const auto& step : steps) {
    if (!text.empty()) text += " ";
    text += std::to_string(step.at.count()) + ":" +
            std::to_string(static_cast<int>(step.weight * 100 + 0.5));
  }
  return text;
}

}  // namespace

TEST_CASE("the nine predefined Lambda configurations have CodeDeploy's exact timelines") {
  struct Case {
    const char* sam_type;
    const char* timeline;
  };
  const Case cases[] = {
      {"AllAtOnce", "0:100"},
      {"Canary10Percent5Minutes", "0:10 300000:100"},
      {"Canary10Percent10Minutes", "0:10 600000:100"},
      {"Canary10Percent15Minutes", "0:10 900000:100"},
      {"Canary10Percent30Minutes", "0:10 1800000:100"},
      {"Linear10PercentEvery1Minute",
       "0:10 60000:20 120000:30 180000:40 240000:50 300000:60 360000:70 420000:80 480000:90 "
       "540000:100"},
      {"Linear10PercentEvery2Minutes",
       "0:10 120000:20 240000:30 360000:40 480000:50 600000:60 720000:70 840000:80 960000:90 "
       "1080000:100"},
      {"Linear10PercentEvery3Minutes",
       "0:10 180000:20 360000:30 540000:40 720000:50 900000:60 1080000:70 1260000:80 1440000:90 "
       "1620000:100"},
      {"Linear10PercentEvery10Minutes",
       "0:10 600000:20 1200000:30 1800000:40 2400000:50 3000000:60 3600000:70 4200000:80 "
       "4800000:90 5400000:100"},
  };
  emu::tmpl::Stack stack;
  CHECK(predefined_configs().size() == 9);
  for (const auto& c : cases) {
    CAPTURE(c.sam_type);
    auto config = find_config(stack, c.sam_type);
    REQUIRE(config);
    CHECK(config->name == std::string("CodeDeployDefault.Lambda") + c.sam_type);
    CHECK(describe(config->timeline()) == c.timeline);
    CHECK(find_config(stack, config->name)->name == config->name);  // by CodeDeploy name too
  }
}

TEST_CASE("custom deployment configurations from the template give their own timelines") {
  emu::tmpl::Stack stack;
  using Kind = emu::tmpl::DeploymentConfigSpec::Kind;
  stack.deployment_configs.push_back({"Canary25", "my-canary", Kind::kCanary, 25, 2, {}});
  stack.deployment_configs.push_back({"Linear30", "my-linear", Kind::kLinear, 30, 1, {}});
  stack.deployment_configs.push_back({"Instant", "my-instant", Kind::kAllAtOnce, 0, 0, {}});

  CHECK(describe(find_config(stack, "my-canary")->timeline()) == "0:25 120000:100");
  CHECK(describe(find_config(stack, "Canary25")->timeline()) == "0:25 120000:100");
  // 30% steps: 30, 60, 90, then the rest.
  CHECK(describe(find_config(stack, "my-linear")->timeline()) ==
        "0:30 60000:60 120000:90 180000:100");
  CHECK(describe(find_config(stack, "my-instant")->timeline()) == "0:100");
  CHECK(find_config(stack, "my-linear")->type_name() == "TimeBasedLinear");
  CHECK_FALSE(find_config(stack, "NoSuchConfig"));
  CHECK(all_configs(stack).size() == 12);
}
