// `emulator deploy` and `emulator watch`: their command lines, what they make of the control
// API's answers, and whole runs against a scripted stand-in for the emulator's --aws-port.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "emulator/cli/control_client.h"
#include "emulator/cli/deploy_command.h"
#include "emulator/cli/watch_command.h"
#include "tests/support/fake_aws_server.h"

using namespace emu::cli;
using nlohmann::json;
using test_support::ClosedPort;
using test_support::FakeAwsServer;
using test_support::ScriptedResponse;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

DeployOptions deploy_options(const std::vector<std::string>& arguments) {
  auto options = parse_deploy_options(arguments);
  REQUIRE_MESSAGE(options.ok(), (options.ok() ? "" : options.error().message));
  return options.value();
}

json event(const char* name, const char* status) {
  return {{"name", name}, {"status", status}, {"hookFunction", ""}, {"diagnostics", ""}};
}

json deployment(const std::string& id, const std::string& status) {
  return {{"deploymentId", id},
          {"functionName", "OleOleOleFunction"},
          {"alias", "live"},
          {"deploymentConfigName", "CodeDeployDefault.LambdaAllAtOnce"},
          {"fromVersion", "1"},
          {"toVersion", "2"},
          {"status", status},
          {"creator", "user"},
          {"events",
           {event("BeforeAllowTraffic", "Succeeded"), event("AllowTraffic", "Succeeded"),
            event("AfterAllowTraffic", status.c_str())}},
          {"newVersionWeight", status == "Failed" ? 0.0 : 1.0},
          {"nextShiftAt", nullptr},
          {"nextWeight", nullptr},
          {"createTime", 0},
          {"completeTime", status == "InProgress" ? json(nullptr) : json(3000)},
          {"errorCode", status == "Failed" ? "HOOK_EXECUTION_FAILURE" : ""},
          {"errorMessage", status == "Failed" ? "the post-traffic hook reported Failed" : ""},
          {"rollbackDeploymentId", ""}};
}

json rollback_of(const json& failed, const std::string& id) {
  json rollback = failed;
  rollback["deploymentId"] = id;
  rollback["creator"] = "codeDeployRollback";
  rollback["fromVersion"] = failed["toVersion"];
  rollback["toVersion"] = failed["fromVersion"];
  rollback["status"] = "Succeeded";
  rollback["events"] = {event("BeforeAllowTraffic", "Skipped"), event("AllowTraffic", "Succeeded"),
                        event("AfterAllowTraffic", "Skipped")};
  rollback["errorCode"] = "";
  rollback["errorMessage"] = "";
  rollback["rollbackDeploymentId"] = "";
  return rollback;
}

json status_with(const std::vector<json>& deployments) {
  return {{"now", 3000},
          {"timeScale", 60},
          {"generation", 1},
          {"deployments", deployments},
          {"aliases", json::array()}};
}

StatusSnapshot snapshot(const json& body) {
  auto status = parse_status(body);
  REQUIRE(status.ok());
  return status.value();
}

ScriptedResponse answer(int status, const json& body) { return {status, body.dump(), {}}; }

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Run deploy(const std::string& url, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"--endpoint", url});
  std::ostringstream out, err;
  int code = run_deploy(deploy_options(arguments), out, err, /*terminal=*/false);
  return {code, out.str(), err.str()};
}

json oleoleole_change() {
  return {{"logicalId", "OleOleOleFunction"},
          {"functionName", "OleOleOleFunction"},
          {"action", "deployment"},
          {"fromVersion", "1"},
          {"toVersion", "2"},
          {"deploymentId", "d-BBBBBBBBB"},
          {"deploymentConfigName", "CodeDeployDefault.LambdaAllAtOnce"}};
}

}  // namespace

// --- command lines ------------------------------------------------------------------------------

TEST_CASE("deploy's defaults: the local emulator, its own template, and wait") {
  auto options = deploy_options({});
  CHECK(options.endpoint.url == "http://127.0.0.1:3001");
  CHECK(options.template_path.empty());
  CHECK(options.parameter_overrides.empty());
  CHECK_FALSE(options.no_wait);
  CHECK_FALSE(options.help);
}

TEST_CASE("deploy's --parameter-overrides takes both SAM forms up to the next flag") {
  auto options = deploy_options({"--parameter-overrides", "AppVersion=v3",
                                 "ParameterKey=PostTrafficHookResult,ParameterValue=Failed",
                                 "--no-wait", "--parameter-overrides", "Environment=qa",
                                 "--endpoint", "http://localhost:4001/", "--template", "t.yaml"});
  CHECK(options.parameter_overrides ==
        std::map<std::string, std::string>{
            {"AppVersion", "v3"}, {"Environment", "qa"}, {"PostTrafficHookResult", "Failed"}});
  CHECK(options.no_wait);
  CHECK(options.endpoint.url == "http://localhost:4001");
  CHECK(options.endpoint.host == "localhost");
  CHECK(options.endpoint.port == "4001");
  CHECK(options.template_path == "t.yaml");
}

TEST_CASE("bad deploy and watch command lines are errors that say what is wrong") {
  struct Case {
    bool deploy;
    std::vector<std::string> arguments;
    const char* message;
  };
  const Case cases[] = {
      {true, {"--bogus"}, "unknown option --bogus"},
      {true,
       {"template.yaml"},
       "unexpected argument template.yaml (a template is given with --template PATH)"},
      {true, {"--template"}, "--template needs a value"},
      {true, {"--endpoint", "--no-wait"}, "--endpoint needs a value"},
      {true,
       {"--parameter-overrides", "--no-wait"},
       "--parameter-overrides needs at least one Key=Value"},
      {true, {"--parameter-overrides", "AppVersion"}, "--parameter-overrides: "},
      {true,
       {"--endpoint", "https://127.0.0.1:3001"},
       "--endpoint https://127.0.0.1:3001: the emulator serves plain http"},
      {true, {"--endpoint", "127.0.0.1:3001"}, "--endpoint 127.0.0.1:3001: not an http:// URL"},
      {false, {"--once", "extra"}, "unexpected argument extra"},
      {false, {"--interval", "1"}, "unknown option --interval"},
      {false, {"--endpoint"}, "--endpoint needs a value"},
      {false,
       {"--endpoint", "http://h:0"},
       "--endpoint http://h:0: the port must be a number from 1 to 65535"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.message);
    auto error_of = [](const auto& result) { return result.ok() ? emu::Error{} : result.error(); };
    auto error = c.deploy ? error_of(parse_deploy_options(c.arguments))
                          : error_of(parse_watch_options(c.arguments));
    CHECK(error.code == "UsageError");
    CHECK(error.message.rfind(c.message, 0) == 0);
  }
}

TEST_CASE("watch's defaults, --once and --help") {
  auto options = parse_watch_options({});
  REQUIRE(options.ok());
  CHECK(options->endpoint.url == "http://127.0.0.1:3001");
  CHECK_FALSE(options->once);
  auto once = parse_watch_options({"--once", "--endpoint", "http://[::1]:3101", "--help"});
  REQUIRE(once.ok());
  CHECK(once->once);
  CHECK(once->help);
  CHECK(once->endpoint.host == "::1");
  CHECK(once->endpoint.url == "http://[::1]:3101");
}

TEST_CASE("endpoints: the port defaults to 80; paths and bad ports are refused") {
  auto plain = parse_endpoint("http://emulator.local");
  REQUIRE(plain.ok());
  CHECK(plain->port == "80");
  CHECK(plain->url == "http://emulator.local:80");
  for (const char* bad : {"http://h:3001/emulator", "http://h:70000", "http://h:x", "http://",
                          "http://::1:3001", "http://[::1"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_endpoint(bad).ok());
  }
}

TEST_CASE("the deploy request names the template by absolute path and carries the overrides") {
  auto options = deploy_options({"--template", "sub/../t.yaml", "--parameter-overrides", "A=1"});
  json body = deploy_request_body(options);
  CHECK(body["templatePath"] == (std::filesystem::current_path() / "t.yaml").string());
  CHECK(body["parameterOverrides"] == json{{"A", "1"}});
  json served = deploy_request_body(deploy_options({}));
  CHECK_FALSE(served.contains("templatePath"));
  CHECK(served["parameterOverrides"] == json::object());
}

// --- what the answers mean ----------------------------------------------------------------------

TEST_CASE("each kind of change is one line naming the function and the versions") {
  DeployChange change;
  change.logical_id = "WhoDisFunction";
  change.function_name = "main-WhoDisFunction-1A2B";
  change.from_version = "1";
  change.to_version = "2";
  change.deployment_id = "d-AAAAAAAAA";
  change.deployment_config_name = "CodeDeployDefault.LambdaCanary10Percent5Minutes";
  struct Case {
    const char* action;
    const char* line;
  };
  const Case cases[] = {
      {"deployment",
       "WhoDisFunction: version 1 → 2 by deployment d-AAAAAAAAA "
       "(CodeDeployDefault.LambdaCanary10Percent5Minutes)"},
      {"alias-moved",
       "WhoDisFunction: version 1 → 2, alias moved at once (no DeploymentPreference)"},
      {"latest-replaced",
       "WhoDisFunction: $LATEST replaced (no AutoPublishAlias, so no new version)"},
      {"added", "WhoDisFunction: added as version 2"},
  };
  for (const auto& c : cases) {
    change.action = c.action;
    CHECK(describe_change(change) == c.line);
  }
}

TEST_CASE("changes decode from the deploy response; a wrong type is an error") {
  auto changes = parse_changes({{"changes", {oleoleole_change()}}});
  REQUIRE(changes.ok());
  REQUIRE(changes->size() == 1);
  CHECK(changes->at(0).deployment_id == "d-BBBBBBBBB");
  CHECK(parse_changes({{"changes", json::array()}})->empty());
  auto bad = parse_changes({{"changes", {{{"logicalId", 7}}}}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "deploy response: logicalId should be a string");
}

TEST_CASE("a deploy is followed until its deployments and their rollbacks have finished") {
  auto waiting = assess(snapshot(status_with({deployment("d-B", "InProgress")})), {"d-B"});
  CHECK(waiting.state == FollowOutcome::State::kWaiting);
  CHECK(waiting.shown_ids == std::vector<std::string>{"d-B"});
  CHECK(waiting.report.empty());

  auto succeeded = assess(snapshot(status_with({deployment("d-B", "Succeeded")})), {"d-B"});
  CHECK(succeeded.state == FollowOutcome::State::kSucceeded);
  CHECK(
      succeeded.report ==
      std::vector<std::string>{"d-B OleOleOleFunction:live succeeded: version 2 serves all traffic",
                               "The deployment succeeded."});

  json failed = deployment("d-B", "Failed");
  failed["rollbackDeploymentId"] = "d-R";
  json rollback = rollback_of(failed, "d-R");
  rollback["status"] = "InProgress";
  auto rolling_back = assess(snapshot(status_with({failed, rollback})), {"d-B"});
  CHECK(rolling_back.state == FollowOutcome::State::kWaiting);
  CHECK(rolling_back.shown_ids == std::vector<std::string>{"d-B", "d-R"});

  auto rolled_back = assess(
      snapshot(status_with({failed, rollback_of(failed, "d-R"), deployment("d-W", "Succeeded")})),
      {"d-W", "d-B"});
  CHECK(rolled_back.state == FollowOutcome::State::kFailed);
  CHECK(rolled_back.shown_ids == std::vector<std::string>{"d-W", "d-B", "d-R"});
  CHECK(rolled_back.report ==
        std::vector<std::string>{
            "d-W OleOleOleFunction:live succeeded: version 2 serves all traffic",
            "d-B OleOleOleFunction:live Failed: HOOK_EXECUTION_FAILURE: the post-traffic hook "
            "reported Failed",
            "  rolled back by d-R: live is back on version 1", "1 of 2 deployments failed."});

  auto lost = assess(snapshot(status_with({})), {"d-B"});
  CHECK(lost.state == FollowOutcome::State::kLost);
}

// --- whole runs against a scripted emulator -----------------------------------------------------

TEST_CASE("deploy follows a failing deployment to its rollback and exits 1 with the reason") {
  json failed = deployment("d-BBBBBBBBB", "Failed");
  failed["rollbackDeploymentId"] = "d-RRRRRRRRR";
  FakeAwsServer emulator({
      answer(200, {{"message", "1 function changed"},
                   {"changes", {oleoleole_change()}},
                   {"deployments", {"d-BBBBBBBBB"}}}),
      answer(200, status_with({deployment("d-BBBBBBBBB", "InProgress")})),
      answer(200, status_with({failed, rollback_of(failed, "d-RRRRRRRRR")})),
  });
  auto run = deploy(emulator.url(),
                    {"--parameter-overrides", "AppVersion=v3", "PostTrafficHookResult=Failed"});
  CHECK(run.exit_code == 1);
  CHECK(run.err.empty());
  CHECK(run.out ==
        "OleOleOleFunction: version 1 → 2 by deployment d-BBBBBBBBB "
        "(CodeDeployDefault.LambdaAllAtOnce)\n"
        "Following 1 deployment at " +
            emulator.url() +
            "\n"
            "d-BBBBBBBBB OleOleOleFunction:live: deployment version 1 → 2 with "
            "CodeDeployDefault.LambdaAllAtOnce\n"
            "d-BBBBBBBBB BeforeAllowTraffic: Succeeded\n"
            "d-BBBBBBBBB AllowTraffic: Succeeded\n"
            "d-BBBBBBBBB AfterAllowTraffic: InProgress\n"
            "d-BBBBBBBBB weights: v2 100%\n"
            "d-BBBBBBBBB status: InProgress\n"
            "d-BBBBBBBBB AfterAllowTraffic: Failed\n"
            "d-BBBBBBBBB status: Failed: HOOK_EXECUTION_FAILURE: the post-traffic hook reported "
            "Failed\n"
            "d-BBBBBBBBB rolled back by d-RRRRRRRRR: live is back on version 1\n"
            "d-RRRRRRRRR OleOleOleFunction:live: rollback version 2 → 1 with "
            "CodeDeployDefault.LambdaAllAtOnce\n"
            "d-RRRRRRRRR BeforeAllowTraffic: Skipped\n"
            "d-RRRRRRRRR AllowTraffic: Succeeded\n"
            "d-RRRRRRRRR AfterAllowTraffic: Skipped\n"
            "d-RRRRRRRRR status: Succeeded\n"
            "d-BBBBBBBBB OleOleOleFunction:live Failed: HOOK_EXECUTION_FAILURE: the post-traffic "
            "hook reported Failed\n"
            "  rolled back by d-RRRRRRRRR: live is back on version 1\n"
            "1 of 1 deployment failed.\n");

  auto requests = emulator.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].target == "/emulator/deploy");
  CHECK(requests[0].header("content-type") == "application/json");
  CHECK(json::parse(requests[0].body) ==
        json{{"parameterOverrides", {{"AppVersion", "v3"}, {"PostTrafficHookResult", "Failed"}}}});
  CHECK(requests[1].method == "GET");
  CHECK(requests[1].target == "/emulator/status");
}

TEST_CASE("deploy exits 0 once every deployment it started has succeeded") {
  FakeAwsServer emulator({
      answer(200, {{"changes", {oleoleole_change()}}, {"deployments", {"d-BBBBBBBBB"}}}),
      answer(200, status_with({deployment("d-BBBBBBBBB", "Succeeded")})),
  });
  auto run = deploy(emulator.url(), {"--parameter-overrides", "AppVersion=v2"});
  CHECK(run.exit_code == 0);
  CHECK(contains(run.out, "d-BBBBBBBBB status: Succeeded\n"));
  CHECK(contains(run.out, "The deployment succeeded.\n"));
}

TEST_CASE("deploy's answers without a deployment to follow") {
  SUBCASE("nothing changed") {
    FakeAwsServer emulator({answer(
        200,
        {{"message", "No changes"}, {"changes", json::array()}, {"deployments", json::array()}})});
    auto run = deploy(emulator.url(), {});
    CHECK(run.exit_code == 0);
    CHECK(run.out == "No changes: nothing to deploy.\n");
  }
  SUBCASE("--no-wait prints the deployment ids and returns") {
    FakeAwsServer emulator({answer(200, {{"changes", {oleoleole_change()}},
                                         {"deployments", {"d-BBBBBBBBB", "d-CCCCCCCCC"}}})});
    auto run = deploy(emulator.url(), {"--no-wait", "--parameter-overrides", "AppVersion=v2"});
    CHECK(run.exit_code == 0);
    CHECK(contains(run.out, "Deployments started: d-BBBBBBBBB d-CCCCCCCCC\n"));
    CHECK(emulator.requests().size() == 1);
  }
  SUBCASE("a template error exits 2 with the emulator's message") {
    FakeAwsServer emulator({{400,
                             R"({"Type":"User","Message":"t.yaml:3:5: Parameters.X: bad"})",
                             {{"x-amzn-ErrorType", "TemplateError"}}}});
    auto run = deploy(emulator.url(), {"--template", "t.yaml"});
    CHECK(run.exit_code == 2);
    CHECK(run.err == "emulator deploy: t.yaml:3:5: Parameters.X: bad\n");
  }
  SUBCASE("a deployment in progress exits 1") {
    FakeAwsServer emulator({answer(
        409, {{"Type", "User"}, {"Message", "deployment d-X of WhoDisFunction is in progress"}})});
    auto run = deploy(emulator.url(), {"--parameter-overrides", "AppVersion=v9"});
    CHECK(run.exit_code == 1);
    CHECK(contains(run.err, "emulator deploy: deployment d-X of WhoDisFunction is in progress\n"));
  }
  SUBCASE("the API Gateway port instead of --aws-port") {
    FakeAwsServer emulator({answer(403, {{"message", "Missing Authentication Token"}})});
    auto run = deploy(emulator.url(), {});
    CHECK(run.exit_code == 1);
    CHECK(contains(run.err,
                   "answered 403: Missing Authentication Token (is --endpoint the "
                   "emulator's --aws-port?)"));
  }
}

TEST_CASE("no emulator listening: deploy and watch say so and exit 1") {
  ClosedPort closed;
  auto run = deploy(closed.url(), {});
  CHECK(run.exit_code == 1);
  CHECK(run.err == "emulator deploy: cannot reach the emulator at " + closed.url() +
                       ": Connection refused — is it running? (start it with ./run.sh or "
                       "emulator template.yaml; --endpoint names its --aws-port)\n");

  auto options = parse_watch_options({"--endpoint", closed.url()});
  REQUIRE(options.ok());
  std::ostringstream out, err;
  CHECK(run_watch(options.value(), out, err, false) == 1);
  CHECK(contains(err.str(), "cannot reach the emulator at " + closed.url()));
}

TEST_CASE("watch --once prints the view once, as plain text") {
  json body = status_with({deployment("d-BBBBBBBBB", "Succeeded")});
  body["now"] = 150000;
  FakeAwsServer emulator({answer(200, body)});
  auto options = parse_watch_options({"--once", "--endpoint", emulator.url()});
  REQUIRE(options.ok());
  std::ostringstream out, err;
  CHECK(run_watch(options.value(), out, err, /*terminal=*/true) == 0);
  CHECK(err.str().empty());
  CHECK(out.str() == "emulator watch · " + emulator.url() +
                         " · virtual time 2m30s (time scale 60)\n"
                         "\n"
                         "OleOleOleFunction:live  d-BBBBBBBBB  CodeDeployDefault.LambdaAllAtOnce\n"
                         "  version 1 → 2 · Succeeded\n"
                         "  ✓ BeforeAllowTraffic  Succeeded\n"
                         "  ✓ AllowTraffic        Succeeded\n"
                         "  ✓ AfterAllowTraffic   Succeeded\n"
                         "  weights: v2 100%\n"
                         "\n"
                         "No aliases.\n");
}

TEST_CASE("a control request that gets no answer in time is a Timeout error") {
  FakeAwsServer emulator({ScriptedResponse::hanging()});
  auto endpoint = parse_endpoint(emulator.url());
  REQUIRE(endpoint.ok());
  ControlClient client(endpoint.value());
  auto response = client.get_json("/emulator/status", std::chrono::milliseconds(300));
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == "Timeout");
  CHECK(response.error().message ==
        "the emulator at " + emulator.url() + " did not answer GET /emulator/status within 0.3 s");
}

TEST_CASE("a control response that is not JSON is an error quoting it") {
  FakeAwsServer emulator({{200, "<html>hello</html>", {{"Content-Type", "text/html"}}}});
  ControlClient client(parse_endpoint(emulator.url()).value());
  auto response = client.get_json("/emulator/status", std::chrono::seconds(5));
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == "BadResponse");
  CHECK(contains(response.error().message, "<html>hello</html>"));
}
