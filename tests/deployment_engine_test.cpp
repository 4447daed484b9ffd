#include "emulator/codedeploy/deployment_engine.h"

#include <doctest/doctest.h>

#include <set>

#include "emulator/core/log.h"
#include "tests/support/function_services.h"

using namespace emu;
using namespace emu::codedeploy;
using std::chrono::milliseconds;
using std::chrono::minutes;

namespace {

// Hooks: records each hook invocation; a hook named in `failing` answers a function error.
// Other functions answer success at once.
class HookInvoker final : public lambda::Invoker {
 public:
  struct Call {
    std::string function;
    nlohmann::json event;
  };
  std::vector<Call> calls;
  std::set<std::string> failing;

  void invoke(lambda::FunctionVersionPtr version, nlohmann::json event, std::string,
              lambda::InvokeCallback done) override {
    calls.push_back({version->function_name, event});
    lambda::InvokeResult result;
    result.executed_version = version->version;
    if (failing.count(version->function_name)) {
      result.outcome = lambda::InvokeResult::Outcome::kFunctionError;
      result.payload = {{"errorType", "HookBroken"}, {"errorMessage", "cannot check"}};
    }
    done(std::move(result));
  }
};

tmpl::FunctionSpec function_spec(const std::string& name, bool alias) {
  tmpl::FunctionSpec spec;
  spec.logical_id = name;
  spec.function_name = name;
  spec.code_uri = "echo.zip";
  spec.environment = {{"APP_VERSION", "v1"}};
  if (alias) spec.auto_publish_alias = "live";
  return spec;
}

struct Fixture : emu::testing::FunctionServices {
  Fixture() {
    log::set_quiet(true);
    stack.stack_name = "unit";
    stack.region = "us-east-1";
    stack.partition = "aws";
    stack.functions = {function_spec("fn", true), function_spec("pre", false),
                       function_spec("post", false)};
    build(stack, invoker);
    engine = std::make_unique<DeploymentEngine>(clock, *service);
    lambda::ConfigurationChange change;
    change.environment = std::map<std::string, std::string>{{"APP_VERSION", "v2"}};
    REQUIRE(store->update_configuration("fn", change, "").ok());
    REQUIRE(store->publish_version("fn", "", "", "").ok());
  }
  ~Fixture() { log::set_quiet(false); }

  DeploymentRequest request(const std::string& sam_type, bool hooks = false) {
    DeploymentRequest r;
    r.application_name = "app";
    r.group_name = "group";
    r.config = *find_config(stack, sam_type);
    r.function_name = "fn";
    r.alias = "live";
    r.from_version = "1";
    r.to_version = "2";
    if (hooks) {
      r.pre_traffic_hook = "pre";
      r.post_traffic_hook = "post";
    }
    return r;
  }

  std::string start(const DeploymentRequest& r) {
    auto id = engine->start(r);
    REQUIRE(id.ok());
    return id.value();
  }

  // The alias's share for version 2 now (0 when the alias is all on 1, 1 when all on 2).
  double share_of_v2() const {
    auto alias = store->find("fn")->alias("live");
    if (alias->function_version == "2") return 1.0;
    auto it = alias->additional_weights.find("2");
    return it == alias->additional_weights.end() ? 0.0 : it->second;
  }

  Deployment deployment(const std::string& id) const { return engine->get(id).value(); }

  std::string execution_id_of(const std::string& id, std::size_t event) const {
    return deployment(id).events[event].hook_execution_id;
  }

  tmpl::Stack stack;
  ManualClock clock;
  HookInvoker invoker;
  std::unique_ptr<DeploymentEngine> engine;
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "a canary shifts 10 % at once and the rest after its interval") {
  auto id = start(request("Canary10Percent5Minutes"));
  CHECK(deployment(id).status == DeploymentStatus::kInProgress);
  CHECK(share_of_v2() == doctest::Approx(0.1));
  CHECK(deployment(id).next_shift_at == milliseconds(300000));
  clock.advance(milliseconds(299999));
  CHECK(share_of_v2() == doctest::Approx(0.1));
  clock.advance(milliseconds(1));
  CHECK(share_of_v2() == 1.0);
  auto done = deployment(id);
  CHECK(done.status == DeploymentStatus::kSucceeded);
  CHECK(done.complete_time == milliseconds(300000));
  for (const auto& event : done.events) CHECK(event.status == "Succeeded");
  CHECK(store->find("fn")->alias("live")->additional_weights.empty());
}

TEST_CASE_FIXTURE(Fixture, "a linear deployment adds 10 % at every interval, in virtual time") {
  auto id = start(request("Linear10PercentEvery1Minute"));
  for (int minute = 0; minute < 9; ++minute) {
    CAPTURE(minute);
    CHECK(share_of_v2() == doctest::Approx((minute + 1) / 10.0));
    clock.advance(minutes(1));
  }
  CHECK(share_of_v2() == 1.0);
  CHECK(deployment(id).status == DeploymentStatus::kSucceeded);
  CHECK(deployment(id).complete_time == minutes(9));
}

TEST_CASE_FIXTURE(Fixture, "hooks run in order: PreTraffic before any traffic, PostTraffic after all") {
  auto id = start(request("AllAtOnce", true));
  REQUIRE(invoker.calls.size() == 1);
  CHECK(invoker.calls[0].function == "pre");
  CHECK(invoker.calls[0].event["DeploymentId"] == id);
  CHECK(invoker.calls[0].event["LifecycleEventHookExecutionId"] == execution_id_of(id, 0));
  CHECK(share_of_v2() == 0.0);  // nothing reaches v2 before the pre-traffic hook succeeds
  CHECK(deployment(id).events[0].status == "InProgress");

  REQUIRE(engine->put_hook_status(id, execution_id_of(id, 0), "Succeeded").ok());
  CHECK(share_of_v2() == 1.0);
  REQUIRE(invoker.calls.size() == 2);
  CHECK(invoker.calls[1].function == "post");
  CHECK(deployment(id).events[1].status == "Succeeded");
  CHECK(deployment(id).events[2].status == "InProgress");
  CHECK(deployment(id).status == DeploymentStatus::kInProgress);

  REQUIRE(engine->put_hook_status(id, execution_id_of(id, 2), "Succeeded").ok());
  CHECK(deployment(id).status == DeploymentStatus::kSucceeded);
}

TEST_CASE_FIXTURE(Fixture, "every failure path ends with the old version at 100 %") {
  enum class How { kPreFailed, kPostFailed, kHookTimeout, kHookError, kManualStop };
  struct Case {
    const char* name;
    How how;
    DeploymentStatus status;
    const char* code;
  };
  const Case cases[] = {
      {"pre-traffic hook reports Failed", How::kPreFailed, DeploymentStatus::kFailed,
       "HOOK_EXECUTION_FAILURE"},
      {"post-traffic hook reports Failed", How::kPostFailed, DeploymentStatus::kFailed,
       "HOOK_EXECUTION_FAILURE"},
      {"hook never reports", How::kHookTimeout, DeploymentStatus::kFailed, "TIMEOUT"},
      {"hook invocation errors", How::kHookError, DeploymentStatus::kFailed,
       "HOOK_EXECUTION_FAILURE"},
      {"manual stop with rollback", How::kManualStop, DeploymentStatus::kStopped, "MANUAL_STOP"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    invoker.failing.clear();
    if (c.how == How::kHookError) invoker.failing.insert("pre");
    auto id = start(request(c.how == How::kManualStop ? "Canary10Percent5Minutes" : "AllAtOnce",
                            c.how != How::kManualStop));
    bool v2_saw_traffic = false;
    switch (c.how) {
      case How::kPreFailed:
        REQUIRE(engine->put_hook_status(id, execution_id_of(id, 0), "Failed").ok());
        break;
      case How::kPostFailed:
        REQUIRE(engine->put_hook_status(id, execution_id_of(id, 0), "Succeeded").ok());
        v2_saw_traffic = share_of_v2() == 1.0;
        REQUIRE(engine->put_hook_status(id, execution_id_of(id, 2), "Failed").ok());
        break;
      case How::kHookTimeout:
        clock.advance(kHookTimeout - milliseconds(1));
        CHECK(deployment(id).status == DeploymentStatus::kInProgress);
        clock.advance(milliseconds(1));
        break;
      case How::kHookError:
        break;  // the pre-traffic hook's invocation failed synchronously
      case How::kManualStop:
        v2_saw_traffic = share_of_v2() > 0;
        REQUIRE(engine->stop(id, true).ok());
        break;
    }
    auto d = deployment(id);
    CHECK(d.status == c.status);
    CHECK(d.error_code == c.code);
    CHECK_FALSE(d.error_message.empty());
    CHECK(share_of_v2() == 0.0);
    CHECK(store->find("fn")->alias("live")->function_version == "1");
    CHECK(v2_saw_traffic == (c.how == How::kPostFailed || c.how == How::kManualStop));
    REQUIRE_FALSE(d.rollback_deployment_id.empty());
    auto rollback = deployment(d.rollback_deployment_id);
    CHECK(rollback.creator == "codeDeployRollback");
    CHECK(rollback.rollback_triggering_deployment_id == id);
    CHECK(rollback.status == DeploymentStatus::kSucceeded);
    CHECK(clock.pending() == 0);  // no timer of the ended deployment is left behind
  }
}

TEST_CASE_FIXTURE(Fixture, "a stop without rollback leaves the traffic where it was") {
  auto id = start(request("Canary10Percent5Minutes"));
  REQUIRE(engine->stop(id, false).ok());
  CHECK(deployment(id).status == DeploymentStatus::kStopped);
  CHECK(deployment(id).rollback_deployment_id.empty());
  CHECK(share_of_v2() == doctest::Approx(0.1));
}

TEST_CASE_FIXTURE(Fixture, "engine errors are CodeDeploy's") {
  auto id = start(request("Canary10Percent5Minutes", true));
  struct Case {
    const char* name;
    Error error;
    const char* code;
  };
  const Case cases[] = {
      {"second deployment of the same function", engine->start(request("AllAtOnce")).error(),
       "DeploymentLimitExceededException"},
      {"unknown deployment", engine->get("d-ABCDEFGHI").error(), "DeploymentDoesNotExistException"},
      {"malformed id", engine->get("deployment-1").error(), "InvalidDeploymentIdException"},
      {"unknown execution id", engine->put_hook_status(id, "nope", "Succeeded").error(),
       "InvalidLifecycleEventHookExecutionIdException"},
      {"bad status", engine->put_hook_status(id, execution_id_of(id, 0), "Maybe").error(),
       "InvalidLifecycleEventHookExecutionStatusException"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(c.error.code == c.code);
    CHECK_FALSE(c.error.message.empty());
  }
  REQUIRE(engine->put_hook_status(id, execution_id_of(id, 0), "Succeeded").ok());
  CHECK(engine->put_hook_status(id, execution_id_of(id, 0), "Succeeded").error().code ==
        "LifecycleEventAlreadyCompletedException");
  REQUIRE(engine->stop(id, true).ok());
  CHECK(engine->stop(id, true).error().code == "DeploymentAlreadyCompletedException");
}

TEST_CASE_FIXTURE(Fixture, "an alarm in ALARM stops a canary with ALARM_ACTIVE and rolls it back") {
  auto r = request("Canary10Percent5Minutes");
  r.alarms = {"errors-alarm", "latency-alarm"};
  r.auto_rollback = false;  // DEPLOYMENT_STOP_ON_ALARM rolls back whatever this says
  auto id = start(r);
  CHECK(share_of_v2() == doctest::Approx(0.1));
  CHECK(engine->alarm_fired("some-other-alarm", "x") == 0);
  CHECK(deployment(id).status == DeploymentStatus::kInProgress);

  CHECK(engine->alarm_fired("latency-alarm", "Threshold Crossed: 1 datapoint [3.0 (07/12/26 "
                                             "10:01:00)] was greater than the threshold (1.0).") == 1);
  auto d = deployment(id);
  CHECK(d.status == DeploymentStatus::kStopped);
  CHECK(d.error_code == "ALARM_ACTIVE");
  // CodeDeploy's words, as recorded from real deployments.
  CHECK(d.error_message ==
        "One or more alarms have been activated according to the Amazon CloudWatch metrics you "
        "selected, and the affected deployments have been stopped. Activated alarms: "
        "<latency-alarm>");
  CHECK(d.events[0].status == "Succeeded");
  CHECK(d.events[1].status == "Failed");
  CHECK(d.events[1].diagnostics.find("latency-alarm is in ALARM: Threshold Crossed") !=
        std::string::npos);
  CHECK(d.events[2].status == "Skipped");
  CHECK(share_of_v2() == 0.0);
  REQUIRE_FALSE(d.rollback_deployment_id.empty());
  CHECK(d.rollback_message == "Deployment " + id +
                                  " terminated. Automatic rollback is triggered with a "
                                  "DeploymentId " + d.rollback_deployment_id + ".");
  auto rollback = deployment(d.rollback_deployment_id);
  CHECK(rollback.rollback_message == "Deployment " + rollback.id +
                                         " is triggered to roll back deployment " + id + ".");
  CHECK(clock.pending() == 0);
  // It has ended: the alarm firing again changes nothing.
  CHECK(engine->alarm_fired("latency-alarm", "") == 0);
}

TEST_CASE_FIXTURE(Fixture, "a deployment whose alarm is already in ALARM stops before any traffic moves") {
  std::vector<std::string> asked;
  engine->set_alarm_check([&](const std::vector<std::string>& names)
                              -> std::optional<std::pair<std::string, std::string>> {
    asked = names;
    return std::pair(std::string("errors-alarm"), std::string("forced"));
  });
  auto r = request("Canary10Percent5Minutes", /*hooks=*/true);
  r.alarms = {"errors-alarm"};
  auto id = start(r);
  CHECK(asked == std::vector<std::string>{"errors-alarm"});
  auto d = deployment(id);
  CHECK(d.status == DeploymentStatus::kStopped);
  CHECK(d.error_code == "ALARM_ACTIVE");
  CHECK(invoker.calls.empty());  // not even the PreTraffic hook ran
  for (const auto& event : d.events) CHECK(event.status == "Skipped");
  CHECK(share_of_v2() == 0.0);

  // Without alarms the check is not consulted.
  asked.clear();
  auto plain = start(request("AllAtOnce"));
  CHECK(asked.empty());
  CHECK(deployment(plain).status == DeploymentStatus::kSucceeded);
}
