// CodeDeploy deployments on the real binary: `emulator deploy`'s control endpoint
// (POST /emulator/deploy, GET /emulator/status, emulator/control/control_api.h) starts them,
// --time-scale plays a 5-minute canary in seconds, --seed fixes the traffic split, and the real
// AWS CLI (`aws deploy ...`) watches and stops them (docs/codedeploy-api.md).
//
// The seed template deploys two functions on AppVersion: WhoDisFunction by
// Canary10Percent5Minutes, OleOleOleFunction AllAtOnce between a pre- and a post-traffic hook.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "aws_cli.h"
#include "emulator_process.h"
#include "http_client.h"
#include "templates.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kPollInterval{20};
constexpr const char* kWhodis = "WhoDisFunction";
constexpr const char* kOleoleole = "OleOleOleFunction";

std::string emulator_stderr(it::EmulatorProcess& emulator) {
  return "\n--- emulator stderr ---\n" + emulator.stderr_text();
}

// GET /emulator/status.
json status_of(it::EmulatorProcess& emulator) {
  it::HttpResponse response;
  try {
    response = it::get(it::aws_endpoint_of(emulator) + "/emulator/status");
  } catch (const std::exception&) {
    // Seen once in a TSan build under full CI load: the connection failed before an answer
    // ("Failure when receiving data from the peer"). Asked again once; a second failure fails.
    response = it::get(it::aws_endpoint_of(emulator) + "/emulator/status");
  }
  INFO("GET /emulator/status: " << response.status << " " << response.body
                                << emulator_stderr(emulator));
  REQUIRE(response.status == 200);
  return json::parse(response.body);
}

// POST /emulator/deploy {"parameterOverrides": overrides}; the response as it is.
it::HttpResponse deploy(it::EmulatorProcess& emulator, const json& overrides) {
  json body = json::object();
  if (!overrides.empty()) body["parameterOverrides"] = overrides;
  return it::request("POST", it::aws_endpoint_of(emulator) + "/emulator/deploy",
                     {{"Content-Type", "application/json"}}, body.dump(), seconds(15));
}

// A deploy that must succeed; its response body.
json deploy_ok(it::EmulatorProcess& emulator, const json& overrides) {
  auto response = deploy(emulator, overrides);
  INFO("POST /emulator/deploy " << overrides.dump() << ": " << response.status << " "
                                << response.body << emulator_stderr(emulator));
  REQUIRE(response.status == 200);
  return json::parse(response.body);
}

// The id of the deployment a deploy response started for `logical_id`.
std::string deployment_id_for(const json& deployed, const std::string& logical_id) {
  for (const auto& change : deployed.value("changes", json::array()))
    if (change.value("logicalId", "") == logical_id && change.value("action", "") == "deployment")
      return change.value("deploymentId", "");
  FAIL("the deploy started no deployment of " << logical_id << ": " << deployed.dump(2));
  return "";
}

// The deployment `id` in a status body (null when absent).
json deployment_in(const json& status, const std::string& id) {
  for (const auto& deployment : status["deployments"])
    if (deployment.value("deploymentId", "") == id) return deployment;
  return nullptr;
}

// The weights of every alias, by logical id.
std::map<std::string, json> alias_weights(const json& status) {
  std::map<std::string, json> weights;
  for (const auto& alias : status["aliases"]) weights[alias.value("logicalId", "")] = alias["weights"];
  return weights;
}

bool finished(const json& deployment) {
  auto status = deployment.value("status", "");
  return status == "Succeeded" || status == "Failed" || status == "Stopped";
}

// Polls the status until `done(deployment id)` holds, for at most `timeout`; that deployment.
template <class Done>
json wait_for_deployment(it::EmulatorProcess& emulator, const std::string& id, Done done,
                         milliseconds timeout, const std::string& what) {
  auto deadline = Clock::now() + timeout;
  json deployment;
  while (true) {
    deployment = deployment_in(status_of(emulator), id);
    if (!deployment.is_null() && done(deployment)) return deployment;
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(kPollInterval);
  }
  FAIL("deployment " << id << " did not " << what << " within " << timeout.count()
                     << " ms; it is: " << deployment.dump(2) << emulator_stderr(emulator));
  return deployment;
}

json wait_until_finished(it::EmulatorProcess& emulator, const std::string& id,
                         milliseconds timeout) {
  return wait_for_deployment(emulator, id, finished, timeout, "finish");
}

// Waits until a canary has shifted its first share onto the new version.
json wait_until_canary_open(it::EmulatorProcess& emulator, const std::string& id) {
  auto deployment = wait_for_deployment(
      emulator, id,
      [](const json& d) { return d.value("newVersionWeight", 0.0) > 0 || finished(d); },
      seconds(5), "start shifting traffic");
  REQUIRE(deployment["status"] == "InProgress");
  REQUIRE(deployment["newVersionWeight"].get<double>() == doctest::Approx(0.1));
  return deployment;
}

// The "version" of each of `count` sequential GETs of `path`; each must answer 200.
std::vector<std::string> versions_of(it::EmulatorProcess& emulator, const std::string& path,
                                     int count) {
  std::vector<std::string> versions;
  versions.reserve(count);
  const std::string url = emulator.url(path);
  for (int i = 0; i < count; ++i) {
    auto response = it::get(url);
    if (response.status != 200)
      FAIL("GET " << path << " #" << i << " answered " << response.status << " " << response.body
                  << emulator_stderr(emulator));
    versions.push_back(json::parse(response.body).value("version", ""));
  }
  return versions;
}

int count_of(const std::vector<std::string>& versions, const std::string& version) {
  return static_cast<int>(std::count(versions.begin(), versions.end(), version));
}

// {name, status} of each lifecycle event.
std::vector<std::pair<std::string, std::string>> events_of(const json& deployment) {
  std::vector<std::pair<std::string, std::string>> events;
  for (const auto& event : deployment["events"])
    events.emplace_back(event.value("name", ""), event.value("status", ""));
  return events;
}

// Requires that a CLI command exited 0; its stdout as JSON.
json require_ok(const it::AwsCliResult& result, it::EmulatorProcess& emulator,
                const std::vector<std::string>& arguments) {
  INFO("aws " << arguments.at(0) << " " << arguments.at(1) << ": " << result.describe()
              << emulator_stderr(emulator));
  REQUIRE(result.exit_code == 0);
  return result.json();
}

json aws_ok(const std::string& endpoint, it::EmulatorProcess& emulator,
            const std::vector<std::string>& arguments) {
  return require_ok(it::run_aws(endpoint, arguments), emulator, arguments);
}

}  // namespace

TEST_CASE("a Canary10Percent5Minutes deployment sends a tenth of /whodis to v2, then all of it") {
  // 30 virtual seconds per real second: the 5-minute canary lasts 10 s, room for 1,000 requests
  // in the runtime-api pass beside sanitizer runs on 2 cores (at 60, 5 s once was not enough).
  it::EmulatorProcess emulator(it::seed_template(), {"--time-scale", "30", "--seed", "11"});
  auto deployed = deploy_ok(emulator, {{"AppVersion", "v2"}});
  auto id = deployment_id_for(deployed, kWhodis);
  auto opened = wait_until_canary_open(emulator, id);
  CHECK(opened["deploymentConfigName"] == "CodeDeployDefault.LambdaCanary10Percent5Minutes");
  CHECK(opened["nextWeight"].get<double>() == doctest::Approx(1.0));

  auto versions = versions_of(emulator, "/whodis", 1000);
  auto during = deployment_in(status_of(emulator), id);
  // Every request fell inside the canary window only if the shift has not happened yet.
  REQUIRE_MESSAGE(during["newVersionWeight"].get<double>() == doctest::Approx(0.1),
                  "1,000 requests outlasted the 5 s canary window: " << during.dump(2));
  int v2 = count_of(versions, "v2");
  CHECK(v2 + count_of(versions, "v1") == 1000);
  // Binomial(1000, 0.1): mean 100, standard deviation 9.5; 60..140 is over four of them.
  CHECK(v2 >= 60);
  CHECK(v2 <= 140);

  auto done = wait_until_finished(emulator, id, seconds(25));
  CHECK(done["status"] == "Succeeded");
  CHECK(done["newVersionWeight"].get<double>() == doctest::Approx(1.0));
  CHECK(events_of(done) == std::vector<std::pair<std::string, std::string>>{
                               {"BeforeAllowTraffic", "Succeeded"},
                               {"AllowTraffic", "Succeeded"},
                               {"AfterAllowTraffic", "Succeeded"}});
  CHECK(count_of(versions_of(emulator, "/whodis", 100), "v2") == 100);
}

TEST_CASE("an AllAtOnce deployment runs its pre- and post-traffic hooks in order and succeeds") {
  it::EmulatorProcess emulator(it::seed_template(), {"--time-scale", "60", "--seed", "11"});
  auto deployed = deploy_ok(emulator, {{"AppVersion", "v2"}});
  auto id = deployment_id_for(deployed, kOleoleole);
  auto done = wait_until_finished(emulator, id, seconds(15));
  INFO("deployment: " << done.dump(2) << emulator_stderr(emulator));
  CHECK(done["deploymentConfigName"] == "CodeDeployDefault.LambdaAllAtOnce");
  CHECK(done["status"] == "Succeeded");
  CHECK(done["errorCode"] == "");
  CHECK(events_of(done) == std::vector<std::pair<std::string, std::string>>{
                               {"BeforeAllowTraffic", "Succeeded"},
                               {"AllowTraffic", "Succeeded"},
                               {"AfterAllowTraffic", "Succeeded"}});
  REQUIRE(done["events"].size() == 3);
  CHECK(done["events"][0]["hookFunction"] == "CodeDeployHook_preTrafficHook");
  CHECK(done["events"][2]["hookFunction"] == "CodeDeployHook_postTrafficHook");

  // The pre-traffic hook checked version 2 through the Lambda API before traffic moved.
  const std::string out = emulator.stdout_text();
  CAPTURE(out.substr(out.size() > 6000 ? out.size() - 6000 : 0));
  CHECK(out.find("(executed version 2)") != std::string::npos);
  CHECK(count_of(versions_of(emulator, "/oleoleole", 50), "v2") == 50);
  CHECK(count_of(versions_of(emulator, "/dev/oleoleole", 10), "v2") == 10);
}

TEST_CASE("a failing post-traffic hook rolls the AllAtOnce deployment back to v1") {
  it::EmulatorProcess emulator(it::seed_template(), {"--time-scale", "60", "--seed", "11"});
  auto deployed = deploy_ok(emulator, {{"AppVersion", "v3"}, {"PostTrafficHookResult", "Failed"}});
  auto id = deployment_id_for(deployed, kOleoleole);
  auto done = wait_until_finished(emulator, id, seconds(15));
  INFO("deployment: " << done.dump(2) << emulator_stderr(emulator));
  CHECK(done["status"] == "Failed");
  CHECK(done["errorCode"] == "HOOK_EXECUTION_FAILURE");
  // It is the post-traffic hook that failed: the new version had all the traffic by then.
  CHECK(events_of(done) == std::vector<std::pair<std::string, std::string>>{
                               {"BeforeAllowTraffic", "Succeeded"},
                               {"AllowTraffic", "Succeeded"},
                               {"AfterAllowTraffic", "Failed"}});
  std::string rollback_id = done.value("rollbackDeploymentId", "");
  REQUIRE_FALSE(rollback_id.empty());

  auto status = status_of(emulator);
  auto rollback = deployment_in(status, rollback_id);
  CAPTURE(rollback.dump(2));
  REQUIRE_FALSE(rollback.is_null());
  CHECK(rollback["creator"] == "codeDeployRollback");
  CHECK(alias_weights(status)[kOleoleole] == json{{"1", 1.0}});
  CHECK(count_of(versions_of(emulator, "/oleoleole", 50), "v1") == 50);
}

TEST_CASE("emulator deploy exits 0 when its deployments succeed and 1 when one rolls back") {
  // 600 virtual seconds per real second: the whodis canary takes half a second.
  it::EmulatorProcess emulator(it::seed_template(), {"--time-scale", "600"});
  const std::string endpoint = it::aws_endpoint_of(emulator);

  auto succeeded = it::run_to_exit(
      {"deploy", "--endpoint", endpoint, "--parameter-overrides", "AppVersion=v2"}, seconds(15));
  INFO("emulator deploy AppVersion=v2: exit " << succeeded.exit_code << "\n--- stdout ---\n"
                                              << succeeded.stdout_text << "\n--- stderr ---\n"
                                              << succeeded.stderr_text
                                              << emulator_stderr(emulator));
  CHECK_FALSE(succeeded.timed_out);
  CHECK(succeeded.exit_code == 0);

  auto rolled_back = it::run_to_exit({"deploy", "--endpoint", endpoint, "--parameter-overrides",
                                      "AppVersion=v3", "PostTrafficHookResult=Failed"},
                                     seconds(15));
  INFO("emulator deploy AppVersion=v3 PostTrafficHookResult=Failed: exit "
       << rolled_back.exit_code << "\n--- stdout ---\n"
       << rolled_back.stdout_text << "\n--- stderr ---\n"
       << rolled_back.stderr_text);
  CHECK_FALSE(rolled_back.timed_out);
  CHECK(rolled_back.exit_code == 1);
  // whodis's canary succeeded (v3); oleoleole's deployment failed and is back on v2.
  CHECK(count_of(versions_of(emulator, "/whodis", 20), "v3") == 20);
  CHECK(count_of(versions_of(emulator, "/oleoleole", 20), "v2") == 20);
}

TEST_CASE("aws deploy stop-deployment with rollback stops a canary and returns /whodis to v1") {
  // Real time: the canary stays in its 5-minute window for the whole test.
  it::EmulatorProcess emulator(it::seed_template(), {"--time-scale", "1", "--seed", "11"});
  const std::string endpoint = it::aws_endpoint_of(emulator);
  auto deployed = deploy_ok(emulator, {{"AppVersion", "v2"}});
  auto id = deployment_id_for(deployed, kWhodis);
  wait_until_canary_open(emulator, id);

  auto stopped = aws_ok(endpoint, emulator,
                        {"deploy", "stop-deployment", "--deployment-id", id,
                         "--auto-rollback-enabled"});
  CAPTURE(stopped.dump(2));
  CHECK(stopped.contains("status"));
  auto done = wait_until_finished(emulator, id, seconds(5));
  CHECK(done["status"] == "Stopped");
  CHECK(count_of(versions_of(emulator, "/whodis", 100), "v1") == 100);

  // The CLI calls are independent; run them side by side (each CLI start costs most of a second).
  const std::vector<std::vector<std::string>> commands{
      {"deploy", "get-deployment", "--deployment-id", id}, {"deploy", "list-applications"}};
  auto results = it::run_aws_concurrently(endpoint, commands);
  auto info = require_ok(results[0], emulator, commands[0])["deploymentInfo"];
  CAPTURE(info.dump(2));
  CHECK(info["deploymentId"] == id);
  CHECK(info["status"] == "Stopped");
  CHECK(info["errorInformation"]["code"] == "MANUAL_STOP");
  CHECK_FALSE(info["rollbackInfo"].value("rollbackDeploymentId", "").empty());

  auto applications = require_ok(results[1], emulator, commands[1]);
  CAPTURE(applications.dump(2));
  REQUIRE(applications["applications"].size() == 1);
  const auto application = applications["applications"][0].get<std::string>();
  CHECK(info["applicationName"] == application);
  // ListDeployments takes the application only together with a deployment group, as on AWS.
  const auto group = info.value("deploymentGroupName", "");
  CHECK(group.find(kWhodis) != std::string::npos);
  auto listed = aws_ok(endpoint, emulator,
                       {"deploy", "list-deployments", "--application-name", application,
                        "--deployment-group-name", group});
  CAPTURE(listed.dump(2));
  const auto& ids = listed["deployments"];
  CHECK(std::find(ids.begin(), ids.end(), json(id)) != ids.end());
}

TEST_CASE("concurrent traffic gets only 200s with v1 or v2 throughout a canary and an AllAtOnce") {
  constexpr int kThreads = 8;
  it::EmulatorProcess emulator(it::seed_template(), {"--time-scale", "60", "--seed", "11"});
  const std::string urls[] = {emulator.url("/whodis"), emulator.url("/oleoleole")};

  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<std::string> failures;
  std::map<std::string, int> seen;  // "<path> <version>" -> responses
  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&, t] {
      for (int i = t; !stop.load(); ++i) {
        const std::string& url = urls[i % 2];
        std::string failure;
        std::string key;
        try {
          auto response = it::request("GET", url, {}, {}, seconds(10));
          auto body = json::parse(response.body, nullptr, false);
          std::string version = body.is_object() ? body.value("version", "") : "";
          if (response.status != 200 || (version != "v1" && version != "v2"))
            failure = url + " answered " + std::to_string(response.status) + " " + response.body;
          key = url.substr(url.rfind('/')) + " " + version;
        } catch (const std::exception& error) {
          failure = error.what();
        }
        std::lock_guard lock(mutex);
        if (failure.empty()) ++seen[key];
        else failures.push_back(failure);
      }
    });
  }
  struct JoinOnExit {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~JoinOnExit() {
      stop = true;
      for (auto& thread : threads) thread.join();
    }
  } join_on_exit{stop, clients};

  std::this_thread::sleep_for(milliseconds(200));  // traffic before the deploy, too
  auto deployed = deploy_ok(emulator, {{"AppVersion", "v2"}});
  auto whodis = wait_until_finished(emulator, deployment_id_for(deployed, kWhodis), seconds(15));
  auto oleoleole = deployment_in(status_of(emulator), deployment_id_for(deployed, kOleoleole));
  std::this_thread::sleep_for(milliseconds(200));  // and after it
  stop = true;
  for (auto& thread : clients) thread.join();
  clients.clear();

  INFO("responses: " << json(seen).dump() << emulator_stderr(emulator));
  CHECK_MESSAGE(failures.empty(), failures.size() << " failed, the first: "
                                                  << (failures.empty() ? "" : failures.front()));
  CHECK(whodis["status"] == "Succeeded");
  CHECK(finished(oleoleole));
  // The traffic spanned the shift: both versions answered /whodis.
  CHECK(seen["/whodis v1"] > 0);
  CHECK(seen["/whodis v2"] > 0);
  CHECK(seen["/oleoleole v1"] > 0);
}

TEST_CASE("an unchanged redeploy changes nothing and says so") {
  it::EmulatorProcess emulator(it::seed_template(), {"--seed", "11"});
  auto before = status_of(emulator);
  auto unchanged = deploy_ok(emulator, json::object());
  CAPTURE(unchanged.dump(2));
  CHECK(unchanged["changes"] == json::array());
  CHECK(unchanged["deployments"] == json::array());
  std::string message = unchanged.value("message", "");
  std::transform(message.begin(), message.end(), message.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  CHECK((message.find("no change") != std::string::npos ||
         message.find("nothing") != std::string::npos ||
         message.find("unchanged") != std::string::npos));
  auto after = status_of(emulator);
  CHECK(after["deployments"] == json::array());
  CHECK(alias_weights(after) == alias_weights(before));
}

TEST_CASE("a deploy during a canary is refused with 409 DeploymentInProgressException") {
  it::EmulatorProcess emulator(it::seed_template(), {"--time-scale", "1", "--seed", "11"});
  auto deployed = deploy_ok(emulator, {{"AppVersion", "v2"}});
  auto id = deployment_id_for(deployed, kWhodis);
  wait_until_canary_open(emulator, id);
  // oleoleole's AllAtOnce deployment ends on its own; wait for it so the state stands still.
  wait_until_finished(emulator, deployment_id_for(deployed, kOleoleole), seconds(10));
  auto before = status_of(emulator);

  auto refused = deploy(emulator, {{"AppVersion", "v3"}});
  INFO("response: " << refused.status << " " << refused.body << emulator_stderr(emulator));
  CHECK(refused.status == 409);
  CHECK(refused.header("x-amzn-ErrorType") == "DeploymentInProgressException");
  auto body = json::parse(refused.body, nullptr, false);
  // The message names what blocks the deploy (control_api.h: "... deployment d-X of F is in
  // progress ..."), so that a user knows what to wait for or stop.
  CHECK(body.value("Message", "").find(deployment_in(before, id)["functionName"].get<std::string>()) !=
        std::string::npos);
  CHECK(body.value("Message", "").find(id) != std::string::npos);

  auto after = status_of(emulator);
  CHECK(alias_weights(after) == alias_weights(before));
  CHECK(after["deployments"].size() == before["deployments"].size());
  CHECK(deployment_in(after, id)["status"] == "InProgress");
  auto versions = versions_of(emulator, "/whodis", 50);
  CHECK(count_of(versions, "v1") + count_of(versions, "v2") == 50);
  // Refused whole: not even the hooks, which a deploy updates first, took the new AppVersion.
  auto hook = aws_ok(it::aws_endpoint_of(emulator), emulator,
                     {"lambda", "get-function-configuration", "--function-name",
                      "CodeDeployHook_preTrafficHook"});
  CHECK(hook["Environment"]["Variables"]["APP_VERSION"] == "v2");
}
