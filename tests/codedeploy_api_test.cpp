#include "emulator/codedeploy/codedeploy_api.h"

#include <doctest/doctest.h>

#include <set>

#include "emulator/core/log.h"
#include "emulator/core/sha256.h"
#include "tests/support/function_services.h"

using namespace emu;
using namespace emu::codedeploy;
using Json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::minutes;
namespace http = boost::beast::http;

namespace {

// Answers every invocation at once with success, and keeps each function's events (the hooks'
// {"DeploymentId", "LifecycleEventHookExecutionId"}).
class ScriptedInvoker final : public lambda::Invoker {
 public:
  struct Call {
    std::string function;
    Json event;
  };
  std::vector<Call> calls;

  void invoke(lambda::FunctionVersionPtr version, Json event, std::string,
              lambda::InvokeCallback done) override {
    calls.push_back({version->function_name, event});
    lambda::InvokeResult result;
    result.payload = Json::object();
    result.request_id = "req";
    result.executed_version = version->version;
    done(std::move(result));
  }
};

tmpl::FunctionSpec function_spec(const std::string& logical_id, const std::string& name,
                                 std::optional<tmpl::DeploymentPreference> preference) {
  tmpl::FunctionSpec spec;
  spec.logical_id = logical_id;
  spec.function_name = name;
  spec.code_uri = "echo.zip";
  if (preference) spec.auto_publish_alias = "live";
  spec.deployment_preference = std::move(preference);
  return spec;
}

tmpl::Stack unit_stack() {
  tmpl::Stack stack;
  stack.stack_name = "unit";
  stack.region = "us-east-1";
  stack.partition = "aws";
  tmpl::DeploymentPreference canary;
  canary.type = "Canary10Percent5Minutes";
  canary.pre_traffic_hook = "echo-pre";
  canary.alarms = {"EchoErrors"};
  tmpl::DeploymentPreference all_at_once;
  all_at_once.type = "AllAtOnce";
  stack.functions = {function_spec("EchoFunction", "echo-fn", canary),
                     function_spec("OtherFunction", "other-fn", all_at_once),
                     function_spec("PreTrafficHook", "echo-pre", std::nullopt)};
  tmpl::DeploymentConfigSpec custom;
  custom.logical_id = "Linear20";
  custom.name = "MyLinear20Every3";
  custom.kind = tmpl::DeploymentConfigSpec::Kind::kLinear;
  custom.percentage = 20;
  custom.interval_minutes = 3;
  stack.deployment_configs.push_back(custom);
  return stack;
}

constexpr double kStartEpochSeconds = 1'800'000'000.0;  // ManualClock's default start

struct Fixture : emu::testing::FunctionServices {
  Fixture() {
    log::set_quiet(true);
    build(stack, invoker);
    engine = std::make_unique<DeploymentEngine>(clock, *service);
    application = application_for(stack);
    REQUIRE(application.groups.size() == 2);
    api = std::make_unique<CodeDeployApi>(*engine, application, all_configs(stack), "us-east-1",
                                          "123456789012");
    for (const char* function : {"echo-fn", "other-fn"}) {  // version 2 to deploy
      lambda::ConfigurationChange change;
      change.environment = std::map<std::string, std::string>{{"APP_VERSION", "v2"}};
      REQUIRE(store->update_configuration(function, change, "").ok());
      auto published = store->publish_version(function, "", "", "");
      REQUIRE(published.ok());
      REQUIRE(published.value()->version == "2");
    }
  }
  ~Fixture() { log::set_quiet(false); }

  const DeploymentGroup& echo_group() const { return application.groups[0]; }
  const DeploymentGroup& other_group() const { return application.groups[1]; }

  std::string start(const std::string& sam_type, bool pre_traffic_hook = false,
                    bool auto_rollback = true, const std::string& function = "echo-fn") {
    DeploymentRequest request;
    request.application_name = application.name;
    request.group_name = function == "echo-fn" ? echo_group().name : other_group().name;
    request.config = *find_config(stack, sam_type);
    request.function_name = function;
    request.alias = "live";
    request.from_version = "1";
    request.to_version = "2";
    if (pre_traffic_hook) request.pre_traffic_hook = "echo-pre";
    request.auto_rollback = auto_rollback;
    request.description = "unit deployment";
    auto id = engine->start(request);
    REQUIRE(id.ok());
    return id.value();
  }

  server::HttpResponse send(std::string_view target, std::string body) {
    server::HttpRequest request(http::verb::post, "/", 11);
    request.set("X-Amz-Target", target);
    request.set(http::field::content_type, "application/x-amz-json-1.1");
    request.body() = std::move(body);
    request.prepare_payload();
    REQUIRE(api->accepts(request));
    std::optional<server::HttpResponse> answer;
    api->handle(std::move(request), {}, [&](server::HttpResponse r) { answer = std::move(r); });
    REQUIRE(answer);
    return std::move(*answer);
  }

  // Calls `operation` with `body` and expects 200; answers the body.
  Json call(const std::string& operation, const Json& body = Json::object()) {
    auto response = send("CodeDeploy_20141006." + operation, body.dump());
    INFO(response.body());
    REQUIRE(response.result_int() == 200);
    CHECK(response[http::field::content_type] == "application/x-amz-json-1.1");
    return Json::parse(response.body());
  }

  // Calls `operation` and answers the error's __type (or "200" when it succeeded).
  std::string error_of(const std::string& operation, const std::string& body) {
    auto response = send("CodeDeploy_20141006." + operation, body);
    if (response.result_int() == 200) return "200";
    CHECK(response.result_int() == 400);
    auto json = Json::parse(response.body());
    CHECK(json["message"].is_string());
    CHECK(response["x-amzn-ErrorType"] == json["__type"].get<std::string>());
    return json["__type"];
  }

  Json deployment(const std::string& id) {
    return call("GetDeployment", {{"deploymentId", id}})["deploymentInfo"];
  }

  // The alias's routing: {primary version, {additional version: weight}}.
  std::pair<std::string, std::map<std::string, double>> routing(
      const std::string& function = "echo-fn") {
    auto alias = store->find(function)->alias("live");
    return {alias->function_version, alias->additional_weights};
  }

  tmpl::Stack stack = unit_stack();
  ManualClock clock;
  ScriptedInvoker invoker;
  std::unique_ptr<DeploymentEngine> engine;
  Application application;
  std::unique_ptr<CodeDeployApi> api;
};

// Every member of `object` named in `members` has the JSON type `type`.
void check_types(const Json& object, std::initializer_list<const char*> members,
                 Json::value_t type) {
  for (const char* member : members) {
    CAPTURE(member);
    REQUIRE(object.contains(member));
    CHECK(object[member].type() == type);
  }
}

std::string long_name() { return std::string(101, 'a'); }

}  // namespace

TEST_CASE_FIXTURE(Fixture,
                  "CodeDeploy API accepts only requests whose X-Amz-Target is CodeDeploy's") {
  server::HttpRequest request(http::verb::post, "/", 11);
  CHECK_FALSE(api->accepts(request));
  request.set("X-Amz-Target", "AWSLambda.Invoke");
  CHECK_FALSE(api->accepts(request));
  request.set("x-amz-target", "CodeDeploy_20141006.GetDeployment");
  CHECK(api->accepts(request));
  server::HttpRequest lambda_path(http::verb::get, "/2015-03-31/functions", 11);
  CHECK_FALSE(api->accepts(lambda_path));
}

TEST_CASE_FIXTURE(Fixture,
                  "CodeDeploy GetDeployment answers DeploymentInfo with AWS's members and types") {
  clock.advance(milliseconds(1234));
  auto id = start("Canary10Percent5Minutes", /*pre_traffic_hook=*/true);
  auto info = deployment(id);

  check_types(info,
              {"applicationName", "deploymentGroupName", "deploymentConfigName", "deploymentId",
               "status", "description", "creator", "computePlatform"},
              Json::value_t::string);
  CHECK(info["applicationName"] == application.name);
  CHECK(info["deploymentGroupName"] == echo_group().name);
  CHECK(info["deploymentConfigName"] == "CodeDeployDefault.LambdaCanary10Percent5Minutes");
  CHECK(info["deploymentId"] == id);
  CHECK(info["status"] == "InProgress");
  CHECK(info["description"] == "unit deployment");
  CHECK(info["creator"] == "user");
  CHECK(info["computePlatform"] == "Lambda");

  // Timestamps: epoch seconds with the milliseconds as fraction.
  CHECK(info["createTime"].is_number_float());
  CHECK(info["createTime"].get<double>() == doctest::Approx(kStartEpochSeconds + 1.234));
  CHECK(info["startTime"].is_number_float());
  CHECK_FALSE(info.contains("completeTime"));
  CHECK_FALSE(info.contains("errorInformation"));
  CHECK_FALSE(info.contains("rollbackInfo"));

  CHECK(info["autoRollbackConfiguration"] ==
        Json{{"enabled", true},
             {"events",
              {"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"}}});
  CHECK(info["deploymentStyle"] ==
        Json{{"deploymentType", "BLUE_GREEN"}, {"deploymentOption", "WITH_TRAFFIC_CONTROL"}});
  CHECK(info["deploymentOverview"] == Json{{"Pending", 0},
                                           {"InProgress", 1},
                                           {"Succeeded", 0},
                                           {"Failed", 0},
                                           {"Skipped", 0},
                                           {"Ready", 0}});
  CHECK(info["deploymentOverview"]["InProgress"].is_number_integer());

  const auto& revision = info["revision"];
  CHECK(revision["revisionType"] == "AppSpecContent");
  std::string content = revision["appSpecContent"]["content"];
  CHECK(revision["appSpecContent"]["sha256"] == sha256_hex(content));
  CHECK(content.starts_with(R"({"version":0.0,"Resources":[{"EchoFunction":)"));
  auto appspec = Json::parse(content);
  CHECK(appspec["Resources"][0]["EchoFunction"] == Json{{"Type", "AWS::Lambda::Function"},
                                                        {"Properties",
                                                         {{"Name", "echo-fn"},
                                                          {"Alias", "live"},
                                                          {"CurrentVersion", "1"},
                                                          {"TargetVersion", "2"}}}});
  CHECK(appspec["Hooks"] == Json::array({{{"BeforeAllowTraffic", "echo-pre"}}}));
}

TEST_CASE_FIXTURE(Fixture, "CodeDeploy AppSpec content has no Hooks when the deployment has none") {
  auto id = start("AllAtOnce");
  auto appspec =
      Json::parse(deployment(id)["revision"]["appSpecContent"]["content"].get<std::string>());
  CHECK_FALSE(appspec.contains("Hooks"));
}

TEST_CASE_FIXTURE(Fixture,
                  "CodeDeploy PutLifecycleEventHookExecutionStatus drives a PreTraffic hook "
                  "deployment to completion") {
  auto id = start("Canary10Percent5Minutes", /*pre_traffic_hook=*/true);
  REQUIRE(invoker.calls.size() == 1);
  CHECK(invoker.calls[0].function == "echo-pre");
  const Json& event = invoker.calls[0].event;
  CHECK(event["DeploymentId"] == id);
  std::string execution = event["LifecycleEventHookExecutionId"];
  CHECK(routing() == std::pair<std::string, std::map<std::string, double>>{"1", {}});

  auto answer =
      call("PutLifecycleEventHookExecutionStatus", {{"deploymentId", id},
                                                    {"lifecycleEventHookExecutionId", execution},
                                                    {"status", "Succeeded"}});
  CHECK(answer == Json{{"lifecycleEventHookExecutionId", execution}});
  CHECK(routing().second.at("2") == doctest::Approx(0.1));
  CHECK(deployment(id)["status"] == "InProgress");

  clock.advance(minutes(5));
  auto info = deployment(id);
  CHECK(info["status"] == "Succeeded");
  CHECK(info["completeTime"].get<double>() == doctest::Approx(kStartEpochSeconds + 300));
  CHECK(info["deploymentOverview"]["Succeeded"] == 1);
  CHECK(info["deploymentOverview"]["InProgress"] == 0);
  CHECK(routing() == std::pair<std::string, std::map<std::string, double>>{"2", {}});

  CHECK(error_of("PutLifecycleEventHookExecutionStatus",
                 Json{{"deploymentId", id},
                      {"lifecycleEventHookExecutionId", execution},
                      {"status", "Succeeded"}}
                     .dump()) == "LifecycleEventAlreadyCompletedException");
}

TEST_CASE_FIXTURE(
    Fixture, "CodeDeploy a hook reporting Failed fails the deployment and shows its rollback") {
  auto id = start("Canary10Percent5Minutes", /*pre_traffic_hook=*/true);
  std::string execution = invoker.calls.at(0).event["LifecycleEventHookExecutionId"];
  call("PutLifecycleEventHookExecutionStatus",
       {{"deploymentId", id}, {"lifecycleEventHookExecutionId", execution}, {"status", "Failed"}});

  auto info = deployment(id);
  CHECK(info["status"] == "Failed");
  CHECK(info["errorInformation"]["code"] == "HOOK_EXECUTION_FAILURE");
  CHECK(info["errorInformation"]["message"].is_string());
  CHECK(info["deploymentOverview"]["Failed"] == 1);
  REQUIRE(info["rollbackInfo"]["rollbackDeploymentId"].is_string());
  CHECK(info["rollbackInfo"]["rollbackMessage"].is_string());
  CHECK_FALSE(info["rollbackInfo"].contains("rollbackTriggeringDeploymentId"));

  auto rollback = deployment(info["rollbackInfo"]["rollbackDeploymentId"]);
  CHECK(rollback["creator"] == "codeDeployRollback");
  CHECK(rollback["rollbackInfo"]["rollbackTriggeringDeploymentId"] == id);
  CHECK(routing() == std::pair<std::string, std::map<std::string, double>>{"1", {}});
}

TEST_CASE_FIXTURE(Fixture,
                  "CodeDeploy PutLifecycleEventHookExecutionStatus answers CodeDeploy's errors") {
  auto id = start("Canary10Percent5Minutes", /*pre_traffic_hook=*/true);
  std::string execution = invoker.calls.at(0).event["LifecycleEventHookExecutionId"];
  struct Case {
    const char* name;
    Json body;
    const char* type;
  };
  const Case cases[] = {
      {"no deployment id",
       {{"lifecycleEventHookExecutionId", execution}, {"status", "Succeeded"}},
       "DeploymentIdRequiredException"},
      {"malformed deployment id",
       {{"deploymentId", "d-lower"},
        {"lifecycleEventHookExecutionId", execution},
        {"status", "Succeeded"}},
       "InvalidDeploymentIdException"},
      {"unknown deployment",
       {{"deploymentId", "d-ABCDEFGHI"},
        {"lifecycleEventHookExecutionId", execution},
        {"status", "Succeeded"}},
       "DeploymentDoesNotExistException"},
      {"no execution id",
       {{"deploymentId", id}, {"status", "Succeeded"}},
       "InvalidLifecycleEventHookExecutionIdException"},
      {"wrong execution id",
       {{"deploymentId", id}, {"lifecycleEventHookExecutionId", "nope"}, {"status", "Succeeded"}},
       "InvalidLifecycleEventHookExecutionIdException"},
      {"no status",
       {{"deploymentId", id}, {"lifecycleEventHookExecutionId", execution}},
       "InvalidLifecycleEventHookExecutionStatusException"},
      {"status other than Succeeded or Failed",
       {{"deploymentId", id}, {"lifecycleEventHookExecutionId", execution}, {"status", "Pending"}},
       "InvalidLifecycleEventHookExecutionStatusException"},
      {"status not a string",
       {{"deploymentId", id}, {"lifecycleEventHookExecutionId", execution}, {"status", 1}},
       "ValidationException"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(error_of("PutLifecycleEventHookExecutionStatus", c.body.dump()) == c.type);
  }
  CHECK(deployment(id)["status"] == "InProgress");  // none of them moved it
}

TEST_CASE_FIXTURE(Fixture, "CodeDeploy GetDeployment answers CodeDeploy's errors") {
  struct Case {
    const char* name;
    std::string body;
    const char* type;
  };
  const Case cases[] = {
      {"no body members", "{}", "DeploymentIdRequiredException"},
      {"empty id", R"({"deploymentId":""})", "DeploymentIdRequiredException"},
      {"id of the wrong shape", R"({"deploymentId":"d-123"})", "InvalidDeploymentIdException"},
      {"lower-case id", R"({"deploymentId":"d-abcdefghi"})", "InvalidDeploymentIdException"},
      {"unknown id", R"({"deploymentId":"d-ABCDEFGHI"})", "DeploymentDoesNotExistException"},
      {"id not a string", R"({"deploymentId":7})", "ValidationException"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(error_of("GetDeployment", c.body) == c.type);
  }
}

TEST_CASE_FIXTURE(Fixture,
                  "CodeDeploy BatchGetDeployments answers known ids in request order and leaves "
                  "out unknown ones") {
  auto first = start("AllAtOnce");
  auto second = start("AllAtOnce");
  auto answer = call("BatchGetDeployments", {{"deploymentIds", {second, "d-ABCDEFGHI", first}}});
  REQUIRE(answer["deploymentsInfo"].size() == 2);
  CHECK(answer["deploymentsInfo"][0]["deploymentId"] == second);
  CHECK(answer["deploymentsInfo"][1]["deploymentId"] == first);
  CHECK(answer["deploymentsInfo"][1]["status"] == "Succeeded");
}

TEST_CASE_FIXTURE(Fixture, "CodeDeploy BatchGetDeployments answers CodeDeploy's errors") {
  Json too_many = Json::array();
  for (int i = 0; i < 26; ++i) too_many.push_back("d-ABCDEFGHI");
  struct Case {
    const char* name;
    Json body;
    const char* type;
  };
  const Case cases[] = {
      {"no ids", Json::object(), "DeploymentIdRequiredException"},
      {"empty list", {{"deploymentIds", Json::array()}}, "DeploymentIdRequiredException"},
      {"26 ids", {{"deploymentIds", too_many}}, "BatchLimitExceededException"},
      {"malformed id", {{"deploymentIds", {"d-ABCDEFGHI", "bad"}}}, "InvalidDeploymentIdException"},
      {"a string, not a list", {{"deploymentIds", "d-ABCDEFGHI"}}, "ValidationException"},
      {"a number in the list", {{"deploymentIds", {1}}}, "ValidationException"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(error_of("BatchGetDeployments", c.body.dump()) == c.type);
  }
}

TEST_CASE_FIXTURE(
    Fixture,
    "CodeDeploy ListDeployments lists newest first and filters by group, status and create time") {
  auto succeeded = start("AllAtOnce");  // t = 0
  clock.advance(minutes(1));
  auto stopped = start("Canary10Percent5Minutes");  // t = 1 min
  call("StopDeployment", {{"deploymentId", stopped}});
  std::string rollback = deployment(stopped)["rollbackInfo"]["rollbackDeploymentId"];
  clock.advance(minutes(1));
  auto other = start("AllAtOnce", false, true, "other-fn");  // t = 2 min, other group
  auto running = start("Canary10Percent5Minutes");           // t = 2 min

  auto ids = [&](const Json& body) { return call("ListDeployments", body)["deployments"]; };
  double minute1 = kStartEpochSeconds + 60, minute2 = kStartEpochSeconds + 120;
  struct Case {
    const char* name;
    Json body;
    Json expected;
  };
  const Case cases[] = {
      {"everything", Json::object(), {running, other, rollback, stopped, succeeded}},
      {"one group",
       {{"applicationName", application.name}, {"deploymentGroupName", echo_group().name}},
       {running, rollback, stopped, succeeded}},
      {"the other group",
       {{"applicationName", application.name}, {"deploymentGroupName", other_group().name}},
       {other}},
      {"Stopped only", {{"includeOnlyStatuses", {"Stopped"}}}, {stopped}},
      {"InProgress or Succeeded",
       {{"includeOnlyStatuses", {"InProgress", "Succeeded"}}},
       {running, other, rollback, succeeded}},
      {"a status the engine never reaches", {{"includeOnlyStatuses", {"Queued"}}}, Json::array()},
      {"an empty status list",
       {{"includeOnlyStatuses", Json::array()}},
       {running, other, rollback, stopped, succeeded}},
      {"created in minute 1 (inclusive ends)",
       {{"createTimeRange", {{"start", minute1}, {"end", minute1}}}},
       {rollback, stopped}},
      {"created from minute 2", {{"createTimeRange", {{"start", minute2}}}}, {running, other}},
      {"created up to minute 0", {{"createTimeRange", {{"end", kStartEpochSeconds}}}}, {succeeded}},
      {"group, status and time together",
       {{"applicationName", application.name},
        {"deploymentGroupName", echo_group().name},
        {"includeOnlyStatuses", {"Succeeded"}},
        {"createTimeRange", {{"start", minute1}}}},
       {rollback}},
      {"an external id no deployment has", {{"externalId", "x"}}, Json::array()},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(ids(c.body) == c.expected);
  }
  CHECK_FALSE(call("ListDeployments").contains("nextToken"));
}

TEST_CASE_FIXTURE(Fixture, "CodeDeploy ListDeployments validates its filters") {
  struct Case {
    const char* name;
    Json body;
    const char* type;
  };
  const Case cases[] = {
      {"application without group",
       {{"applicationName", application.name}},
       "DeploymentGroupNameRequiredException"},
      {"group without application",
       {{"deploymentGroupName", echo_group().name}},
       "ApplicationNameRequiredException"},
      {"unknown application",
       {{"applicationName", "nope"}, {"deploymentGroupName", "g"}},
       "ApplicationDoesNotExistException"},
      {"unknown group",
       {{"applicationName", application.name}, {"deploymentGroupName", "nope"}},
       "DeploymentGroupDoesNotExistException"},
      {"empty application name",
       {{"applicationName", ""}, {"deploymentGroupName", "g"}},
       "InvalidApplicationNameException"},
      {"group name over 100 characters",
       {{"applicationName", application.name}, {"deploymentGroupName", long_name()}},
       "InvalidDeploymentGroupNameException"},
      {"unknown status", {{"includeOnlyStatuses", {"Done"}}}, "InvalidDeploymentStatusException"},
      {"statuses not a list", {{"includeOnlyStatuses", "Failed"}}, "InvalidInputException"},
      {"application name not a string",
       {{"applicationName", 1}, {"deploymentGroupName", "g"}},
       "InvalidInputException"},
      {"start after end",
       {{"createTimeRange", {{"start", kStartEpochSeconds + 10}, {"end", kStartEpochSeconds}}}},
       "InvalidTimeRangeException"},
      {"start not a timestamp",
       {{"createTimeRange", {{"start", "yesterday"}}}},
       "InvalidTimeRangeException"},
      {"range not an object", {{"createTimeRange", 5}}, "InvalidTimeRangeException"},
      {"a next token never given", {{"nextToken", "nope"}}, "InvalidNextTokenException"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(error_of("ListDeployments", c.body.dump()) == c.type);
  }
}

TEST_CASE_FIXTURE(Fixture, "CodeDeploy ListDeployments pages by 100 with nextToken") {
  std::vector<std::string> started;
  for (std::size_t i = 0; i < kListPageSize + 1; ++i) started.push_back(start("AllAtOnce"));
  auto first = call("ListDeployments");
  REQUIRE(first["deployments"].size() == kListPageSize);
  CHECK(first["deployments"][0] == started.back());
  REQUIRE(first["nextToken"].is_string());
  auto second = call("ListDeployments", {{"nextToken", first["nextToken"]}});
  CHECK(second["deployments"] == Json::array({started.front()}));
  CHECK_FALSE(second.contains("nextToken"));
}

TEST_CASE(
    "CodeDeploy StopDeployment rolls back as autoRollbackEnabled or else the deployment says") {
  struct Case {
    const char* name;
    std::optional<bool> flag;       // StopDeployment's autoRollbackEnabled
    bool deployment_auto_rollback;  // the deployment's own configuration
    bool rolled_back;
  };
  const Case cases[] = {
      {"omitted, deployment rolls back", std::nullopt, true, true},
      {"omitted, deployment does not roll back", std::nullopt, false, false},
      {"false overrides the deployment", false, true, false},
      {"true with a deployment that rolls back", true, true, true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    Fixture f;
    auto id = f.start("Canary10Percent5Minutes", false, c.deployment_auto_rollback);
    REQUIRE(f.routing().second.count("2") == 1);  // 10 % on version 2
    Json body = {{"deploymentId", id}};
    if (c.flag) body["autoRollbackEnabled"] = *c.flag;
    auto answer = f.call("StopDeployment", body);
    CHECK(answer["status"] == "Succeeded");
    CHECK(answer["statusMessage"].is_string());

    auto info = f.deployment(id);
    CHECK(info["status"] == "Stopped");
    CHECK(info["errorInformation"]["code"] == "MANUAL_STOP");
    CHECK(info["deploymentOverview"]["Failed"] == 1);
    CHECK(info.contains("completeTime"));
    CHECK(info.contains("rollbackInfo") == c.rolled_back);
    if (c.rolled_back) {
      CHECK(f.routing() == std::pair<std::string, std::map<std::string, double>>{"1", {}});
    } else {
      CHECK(f.routing().second.at("2") == doctest::Approx(0.1));  // left as it was
    }
  }
}

TEST_CASE_FIXTURE(Fixture, "CodeDeploy StopDeployment answers CodeDeploy's errors") {
  auto done = start("AllAtOnce");
  auto running = start("Canary10Percent5Minutes", false, true, "echo-fn");
  struct Case {
    const char* name;
    Json body;
    const char* type;
  };
  const Case cases[] = {
      {"no id", Json::object(), "DeploymentIdRequiredException"},
      {"malformed id", {{"deploymentId", "x"}}, "InvalidDeploymentIdException"},
      {"unknown id", {{"deploymentId", "d-ABCDEFGHI"}}, "DeploymentDoesNotExistException"},
      {"already completed", {{"deploymentId", done}}, "DeploymentAlreadyCompletedException"},
      {"autoRollbackEnabled not a boolean",
       {{"deploymentId", running}, {"autoRollbackEnabled", "yes"}},
       "ValidationException"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(error_of("StopDeployment", c.body.dump()) == c.type);
  }
  CHECK(deployment(running)["status"] == "InProgress");
}

TEST_CASE_FIXTURE(Fixture,
                  "CodeDeploy ListApplications and GetApplication describe SAM's application") {
  CHECK(call("ListApplications") == Json{{"applications", {application.name}}});
  auto info = call("GetApplication", {{"applicationName", application.name}})["application"];
  CHECK(info == Json{{"applicationId", application.id},
                     {"applicationName", application.name},
                     {"createTime", kStartEpochSeconds},
                     {"linkedToGitHub", false},
                     {"computePlatform", "Lambda"}});
  CHECK(info["createTime"].is_number_float());

  struct Case {
    const char* operation;
    Json body;
    const char* type;
  };
  const Case cases[] = {
      {"GetApplication", Json::object(), "ApplicationNameRequiredException"},
      {"GetApplication", {{"applicationName", "nope"}}, "ApplicationDoesNotExistException"},
      {"GetApplication", {{"applicationName", long_name()}}, "InvalidApplicationNameException"},
      {"GetApplication", {{"applicationName", true}}, "ValidationException"},
      {"ListApplications", {{"nextToken", "nope"}}, "InvalidNextTokenException"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.operation);
    CAPTURE(c.body.dump());
    CHECK(error_of(c.operation, c.body.dump()) == c.type);
  }
}

TEST_CASE_FIXTURE(Fixture,
                  "CodeDeploy has no application when no function has a DeploymentPreference") {
  Application none = application;
  none.groups.clear();
  api = std::make_unique<CodeDeployApi>(*engine, none, all_configs(stack), "us-east-1",
                                        "123456789012");
  CHECK(call("ListApplications") == Json{{"applications", Json::array()}});
  CHECK(error_of("GetApplication", Json{{"applicationName", application.name}}.dump()) ==
        "ApplicationDoesNotExistException");
}

TEST_CASE_FIXTURE(Fixture,
                  "CodeDeploy ListDeploymentGroups and GetDeploymentGroup describe SAM's groups") {
  CHECK(call("ListDeploymentGroups", {{"applicationName", application.name}}) ==
        Json{{"applicationName", application.name},
             {"deploymentGroups", {echo_group().name, other_group().name}}});

  Json request = {{"applicationName", application.name},
                  {"deploymentGroupName", echo_group().name}};
  auto info = call("GetDeploymentGroup", request)["deploymentGroupInfo"];
  CHECK(info["applicationName"] == application.name);
  CHECK(info["deploymentGroupId"] == echo_group().id);
  CHECK(info["deploymentGroupName"] == echo_group().name);
  CHECK(info["deploymentConfigName"] == "CodeDeployDefault.LambdaCanary10Percent5Minutes");
  CHECK(info["serviceRoleArn"] == echo_group().service_role_arn);
  CHECK(info["alarmConfiguration"] == Json{{"enabled", true},
                                           {"ignorePollAlarmFailure", false},
                                           {"alarms", {{{"name", "EchoErrors"}}}}});
  CHECK(info["autoRollbackConfiguration"]["enabled"] == true);
  CHECK(info["autoRollbackConfiguration"]["events"].size() == 3);
  CHECK(info["deploymentStyle"]["deploymentType"] == "BLUE_GREEN");
  CHECK(info["computePlatform"] == "Lambda");
  CHECK_FALSE(info.contains("lastAttemptedDeployment"));
  CHECK_FALSE(info.contains("lastSuccessfulDeployment"));

  auto other = call("GetDeploymentGroup", {{"applicationName", application.name},
                                           {"deploymentGroupName", other_group().name}});
  CHECK(other["deploymentGroupInfo"]["alarmConfiguration"]["enabled"] == false);
  CHECK(other["deploymentGroupInfo"]["alarmConfiguration"]["alarms"] == Json::array());

  auto succeeded = start("AllAtOnce");
  clock.advance(minutes(1));
  auto running = start("Canary10Percent5Minutes");
  start("AllAtOnce", false, true, "other-fn");  // another group's: not counted here
  info = call("GetDeploymentGroup", request)["deploymentGroupInfo"];
  CHECK(info["lastAttemptedDeployment"] == Json{{"deploymentId", running},
                                                {"status", "InProgress"},
                                                {"createTime", kStartEpochSeconds + 60}});
  CHECK(info["lastSuccessfulDeployment"] == Json{{"deploymentId", succeeded},
                                                 {"status", "Succeeded"},
                                                 {"createTime", kStartEpochSeconds},
                                                 {"endTime", kStartEpochSeconds}});
}

TEST_CASE_FIXTURE(Fixture, "CodeDeploy deployment group operations answer CodeDeploy's errors") {
  struct Case {
    const char* operation;
    Json body;
    const char* type;
  };
  const Case cases[] = {
      {"ListDeploymentGroups", Json::object(), "ApplicationNameRequiredException"},
      {"ListDeploymentGroups", {{"applicationName", "nope"}}, "ApplicationDoesNotExistException"},
      {"ListDeploymentGroups",
       {{"applicationName", application.name}, {"nextToken", "x"}},
       "InvalidNextTokenException"},
      {"GetDeploymentGroup",
       {{"deploymentGroupName", echo_group().name}},
       "ApplicationNameRequiredException"},
      {"GetDeploymentGroup",
       {{"applicationName", application.name}},
       "DeploymentGroupNameRequiredException"},
      {"GetDeploymentGroup",
       {{"applicationName", "nope"}, {"deploymentGroupName", "g"}},
       "ApplicationDoesNotExistException"},
      {"GetDeploymentGroup",
       {{"applicationName", application.name}, {"deploymentGroupName", "g"}},
       "DeploymentGroupDoesNotExistException"},
      {"GetDeploymentGroup",
       {{"applicationName", application.name}, {"deploymentGroupName", long_name()}},
       "InvalidDeploymentGroupNameException"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.operation);
    CAPTURE(c.body.dump());
    CHECK(error_of(c.operation, c.body.dump()) == c.type);
  }
}

TEST_CASE_FIXTURE(
    Fixture,
    "CodeDeploy ListDeploymentConfigs and GetDeploymentConfig describe the Lambda configurations") {
  auto names = call("ListDeploymentConfigs")["deploymentConfigsList"];
  REQUIRE(names.size() == 10);
  CHECK(names[0] == "CodeDeployDefault.LambdaAllAtOnce");
  CHECK(names[9] == "MyLinear20Every3");

  struct Case {
    const char* name;
    Json routing;
  };
  const Case cases[] = {
      {"CodeDeployDefault.LambdaAllAtOnce", {{"type", "AllAtOnce"}}},
      {"CodeDeployDefault.LambdaCanary10Percent5Minutes",
       {{"type", "TimeBasedCanary"},
        {"timeBasedCanary", {{"canaryPercentage", 10}, {"canaryInterval", 5}}}}},
      {"CodeDeployDefault.LambdaLinear10PercentEvery10Minutes",
       {{"type", "TimeBasedLinear"},
        {"timeBasedLinear", {{"linearPercentage", 10}, {"linearInterval", 10}}}}},
      {"MyLinear20Every3",
       {{"type", "TimeBasedLinear"},
        {"timeBasedLinear", {{"linearPercentage", 20}, {"linearInterval", 3}}}}},
  };
  std::set<std::string> config_ids;
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto info =
        call("GetDeploymentConfig", {{"deploymentConfigName", c.name}})["deploymentConfigInfo"];
    CHECK(info["deploymentConfigName"] == c.name);
    CHECK(info["trafficRoutingConfig"] == c.routing);
    CHECK(info["computePlatform"] == "Lambda");
    CHECK(info["createTime"] == kStartEpochSeconds);
    CHECK(info["deploymentConfigId"].get<std::string>().size() == 36);
    config_ids.insert(info["deploymentConfigId"].get<std::string>());
  }
  CHECK(config_ids.size() == 4);

  CHECK(error_of("GetDeploymentConfig", "{}") == "DeploymentConfigNameRequiredException");
  CHECK(error_of("GetDeploymentConfig",
                 R"({"deploymentConfigName":"CodeDeployDefault.OneAtATime"})") ==
        "DeploymentConfigDoesNotExistException");
  CHECK(error_of("GetDeploymentConfig", Json{{"deploymentConfigName", long_name()}}.dump()) ==
        "InvalidDeploymentConfigNameException");
  CHECK(error_of("ListDeploymentConfigs", R"({"nextToken":"x"})") == "InvalidNextTokenException");
}

TEST_CASE_FIXTURE(Fixture,
                  "CodeDeploy malformed requests answer SerializationException, unknown operations "
                  "UnknownOperationException") {
  struct Case {
    const char* name;
    std::string body;
    const char* where;  // text the message must contain
  };
  const Case cases[] = {
      {"not JSON", "{x", "line 1, column 2"},
      {"broken on line 2", "{\n  \"deploymentId\": }", "line 2, column 19"},
      {"an array", "[1]", "JSON object"},
      // Found by fuzzing: past double's range is out_of_range, which once escaped as a crash.
      {"a number too large", "{\"deploymentId\": 1e071000000}", "not valid JSON"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto response = send("CodeDeploy_20141006.GetDeployment", c.body);
    CHECK(response.result_int() == 400);
    CHECK(response[http::field::content_type] == "application/x-amz-json-1.1");
    auto json = Json::parse(response.body());
    CHECK(json["__type"] == "SerializationException");
    CHECK(json["message"].get<std::string>().find(c.where) != std::string::npos);
  }

  auto wrong_type =
      Json::parse(send("CodeDeploy_20141006.GetDeployment", R"({"deploymentId":[]})").body());
  CHECK(wrong_type["__type"] == "ValidationException");
  CHECK(wrong_type["message"].get<std::string>().find("'deploymentId'") != std::string::npos);

  auto empty_body = send("CodeDeploy_20141006.ListApplications", "");  // reads as {}
  CHECK(empty_body.result_int() == 200);

  auto unknown = send("CodeDeploy_20141006.CreateDeployment", "{}");
  CHECK(unknown.result_int() == 400);
  auto json = Json::parse(unknown.body());
  CHECK(json["__type"] == "UnknownOperationException");
  std::string message = json["message"];
  CHECK(message.find("CodeDeploy_20141006.CreateDeployment") != std::string::npos);
  CHECK(message.find("PutLifecycleEventHookExecutionStatus") != std::string::npos);
  CHECK(message.find("GetDeploymentConfig") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "an operation name that is not UTF-8 is answered, its bytes replaced") {
  // Found by fuzzing (tests/fuzz/aws_api_fuzz.cpp): the message quoting X-Amz-Target made the
  // error body throw when serialised.
  auto response = send("CodeDeploy_20141006.\x83\x83" "Create", "{}");
  CHECK(response.result_int() == 400);
  auto json = Json::parse(response.body());
  CHECK(json["__type"] == "UnknownOperationException");
  CHECK(json["message"].get<std::string>().find("\xEF\xBF\xBD\xEF\xBF\xBD" "Create") !=
        std::string::npos);
}
