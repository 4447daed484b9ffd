#include "emulator/cli/deployment_view.h"

#include <doctest/doctest.h>

using namespace emu::cli;
using nlohmann::json;

namespace {

json event(const char* name, const char* status, const char* hook = "",
           const char* diagnostics = "") {
  return {{"name", name}, {"status", status}, {"hookFunction", hook}, {"diagnostics", diagnostics}};
}

// whodis halfway through the 5-minute wait of Canary10Percent5Minutes (virtual time 2m30s).
json canary_status() {
  return json::parse(R"({
    "now": 150000, "timeScale": 60, "generation": 7,
    "deployments": [{
      "deploymentId": "d-AAAAAAAAA", "functionName": "main-WhoDisFunction-1A2B", "alias": "live",
      "deploymentConfigName": "CodeDeployDefault.LambdaCanary10Percent5Minutes",
      "fromVersion": "1", "toVersion": "2", "status": "InProgress", "creator": "user",
      "events": [
        {"name": "BeforeAllowTraffic", "status": "Succeeded", "hookFunction": "", "diagnostics": ""},
        {"name": "AllowTraffic", "status": "InProgress", "hookFunction": "", "diagnostics": ""},
        {"name": "AfterAllowTraffic", "status": "Pending", "hookFunction": "", "diagnostics": ""}],
      "newVersionWeight": 0.1, "nextShiftAt": 300000, "nextWeight": 1.0,
      "createTime": 0, "completeTime": null,
      "errorCode": "", "errorMessage": "", "rollbackDeploymentId": ""}],
    "aliases": [{"functionName": "main-WhoDisFunction-1A2B", "logicalId": "WhoDisFunction",
                 "alias": "live", "weights": {"1": 0.9, "2": 0.1},
                 "observed": {"1": 220, "2": 30}}]
  })");
}

// oleoleole's AllAtOnce deployment while its post-traffic hook runs.
json oleoleole_in_post_traffic() {
  json deployment = {{"deploymentId", "d-BBBBBBBBB"},
                     {"functionName", "OleOleOleFunction"},
                     {"alias", "live"},
                     {"deploymentConfigName", "CodeDeployDefault.LambdaAllAtOnce"},
                     {"fromVersion", "1"},
                     {"toVersion", "2"},
                     {"status", "InProgress"},
                     {"creator", "user"},
                     {"events",
                      {event("BeforeAllowTraffic", "Succeeded", "CodeDeployHook_preTrafficHook"),
                       event("AllowTraffic", "Succeeded"),
                       event("AfterAllowTraffic", "InProgress", "CodeDeployHook_postTrafficHook")}},
                     {"newVersionWeight", 1.0},
                     {"nextShiftAt", nullptr},
                     {"nextWeight", nullptr},
                     {"createTime", 1000},
                     {"completeTime", nullptr},
                     {"errorCode", ""},
                     {"errorMessage", ""},
                     {"rollbackDeploymentId", ""}};
  return {{"now", 4000},
          {"timeScale", 60},
          {"generation", 3},
          {"deployments", {deployment}},
          {"aliases",
           {{{"functionName", "OleOleOleFunction"},
             {"logicalId", "OleOleOleFunction"},
             {"alias", "live"},
             {"weights", {{"2", 1.0}}},
             {"observed", json::object()}}}}};
}

// The same after the hook reported Failed: the deployment failed and d-RRRRRRRRR rolled it back.
json oleoleole_rolled_back() {
  json status = oleoleole_in_post_traffic();
  status["now"] = 5000;
  json& failed = status["deployments"][0];
  failed["status"] = "Failed";
  failed["events"][2] = event("AfterAllowTraffic", "Failed", "CodeDeployHook_postTrafficHook",
                              "the hook reported Failed");
  failed["newVersionWeight"] = 0;
  failed["completeTime"] = 5000;
  failed["errorCode"] = "HOOK_EXECUTION_FAILURE";
  failed["errorMessage"] = "AfterAllowTraffic hook CodeDeployHook_postTrafficHook reported Failed";
  failed["rollbackDeploymentId"] = "d-RRRRRRRRR";
  json rollback = failed;
  rollback["deploymentId"] = "d-RRRRRRRRR";
  rollback["creator"] = "codeDeployRollback";
  rollback["fromVersion"] = "2";
  rollback["toVersion"] = "1";
  rollback["status"] = "Succeeded";
  rollback["events"] = {event("BeforeAllowTraffic", "Skipped"), event("AllowTraffic", "Succeeded"),
                        event("AfterAllowTraffic", "Skipped")};
  rollback["errorCode"] = "";
  rollback["errorMessage"] = "";
  rollback["rollbackDeploymentId"] = "";
  status["deployments"].push_back(rollback);
  status["aliases"][0]["weights"] = {{"1", 1.0}};
  status["aliases"][0]["observed"] = {{"1", 4}};
  return status;
}

StatusSnapshot snapshot(const json& body) {
  auto status = parse_status(body);
  REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.error().message));
  return status.value();
}

}  // namespace

TEST_CASE("weights read as versions in numeric order with whole percentages") {
  struct Case {
    std::map<std::string, double> weights;
    const char* text;
  };
  const Case cases[] = {
      {{{"1", 0.9}, {"2", 0.1}}, "v1 90% | v2 10%"},
      {{{"2", 1.0}}, "v2 100%"},
      {{{"1", 0.0}, {"2", 1.0}}, "v2 100%"},
      {{{"10", 0.5}, {"9", 0.5}}, "v9 50% | v10 50%"},
      {{{"1", 1 - 0.9}, {"2", 0.9}}, "v1 10% | v2 90%"},
      {{{"$LATEST", 0.2}, {"3", 0.8}}, "v3 80% | v$LATEST 20%"},
      {{}, "none"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(format_weights(c.weights) == c.text);
  }
}

TEST_CASE("a deployment implies the old version keeps what the new one does not have") {
  DeploymentState d;
  d.from_version = "3";
  d.to_version = "4";
  d.new_version_weight = 0.3;
  CHECK(format_weights(deployment_weights(d)) == "v3 70% | v4 30%");
}

TEST_CASE("observed split is shares of the invocations counted, with their number") {
  CHECK(format_observed({{"1", 220}, {"2", 30}}) == "observed (10 s): v1 88% | v2 12% (n=250)");
  CHECK(format_observed({{"2", 17}}) == "observed (10 s): v2 100% (n=17)");
  CHECK(format_observed({}) == "observed (10 s): no invocations");
  CHECK(format_observed({{"1", 0}}) == "observed (10 s): no invocations");
}

TEST_CASE("virtual durations round up to whole seconds") {
  struct Case {
    std::int64_t milliseconds;
    const char* text;
  };
  const Case cases[] = {{0, "0s"},
                        {-20, "0s"},
                        {1, "1s"},
                        {45000, "45s"},
                        {59001, "1m00s"},
                        {150000, "2m30s"},
                        {300000, "5m00s"},
                        {3599000, "59m59s"},
                        {3600000, "1h00m00s"},
                        {3905000, "1h05m05s"}};
  for (const auto& c : cases) {
    CAPTURE(c.milliseconds);
    CHECK(format_duration(c.milliseconds) == c.text);
  }
}

TEST_CASE("progress bar fills whole cells and clamps out-of-range fractions") {
  CHECK(progress_bar(0.5, 10) == "[#####.....]");
  CHECK(progress_bar(0.99, 10) == "[#########.]");
  CHECK(progress_bar(0.0, 4) == "[....]");
  CHECK(progress_bar(-1.0, 4) == "[....]");
  CHECK(progress_bar(7.0, 4) == "[####]");
}

TEST_CASE("status decoding keeps every field the view uses") {
  auto status = snapshot(canary_status());
  CHECK(status.now == 150000);
  CHECK(status.time_scale == 60);
  CHECK(status.generation == 7);
  REQUIRE(status.deployments.size() == 1);
  const auto& d = status.deployments[0];
  CHECK(d.id == "d-AAAAAAAAA");
  CHECK(d.config_name == "CodeDeployDefault.LambdaCanary10Percent5Minutes");
  CHECK(d.events.size() == 3);
  CHECK(d.next_shift_at == 300000);
  CHECK(d.next_weight == 1.0);
  CHECK_FALSE(d.complete_time.has_value());
  CHECK_FALSE(d.finished());
  REQUIRE(status.aliases.size() == 1);
  CHECK(status.aliases[0].observed.at("2") == 30);
  CHECK(status.find_alias("main-WhoDisFunction-1A2B", "live") == &status.aliases[0]);
  CHECK(status.find_deployment("d-nope") == nullptr);
}

TEST_CASE("a status field of the wrong type is an error that names it") {
  json body = canary_status();
  body["deployments"][0]["nextShiftAt"] = "soon";
  auto status = parse_status(body);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == "BadResponse");
  CHECK(status.error().message.find("nextShiftAt should be a number") != std::string::npos);

  CHECK_FALSE(parse_status(json::array()).ok());
  json bad_weights = canary_status();
  bad_weights["aliases"][0]["weights"]["2"] = "ten";
  auto weights = parse_status(bad_weights);
  REQUIRE_FALSE(weights.ok());
  CHECK(weights.error().message.find("weights.2 should be a number") != std::string::npos);
}

TEST_CASE("a canary's frame shows events, weights, the bar to the next shift and the split") {
  auto status = snapshot(canary_status());
  auto lines = render_frame(status, ViewScope{}, {}, {"title"});
  const std::vector<std::string> expected = {
      "title",
      "",
      std::string("WhoDisFunction:live (main-WhoDisFunction-1A2B)  d-AAAAAAAAA  ") +
          "CodeDeployDefault.LambdaCanary10Percent5Minutes",
      "  version 1 → 2 · InProgress",
      "  ✓ BeforeAllowTraffic  Succeeded",
      "  ▸ AllowTraffic        InProgress",
      "  · AfterAllowTraffic   Pending",
      "  weights: v1 90% | v2 10%",
      "  [##########..........] next: v2 100% in 2m30s (virtual)",
      "  observed (10 s): v1 88% | v2 12% (n=250)",
  };
  CHECK(lines == expected);
}

TEST_CASE("the progress bar starts at the last shift seen, not at the deployment's creation") {
  // Linear10PercentEvery1Minute: the shift due at 60 s happened; the next is at 120 s.
  json before = canary_status();
  before["now"] = 50000;
  before["deployments"][0]["nextShiftAt"] = 60000;
  before["deployments"][0]["nextWeight"] = 0.2;
  json after = before;
  after["now"] = 90000;
  after["deployments"][0]["newVersionWeight"] = 0.2;
  after["deployments"][0]["nextShiftAt"] = 120000;
  after["deployments"][0]["nextWeight"] = 0.3;
  auto first = snapshot(before);
  auto second = snapshot(after);

  ShiftMarks marks;
  update_shift_marks(nullptr, first, marks);
  CHECK(marks.empty());
  update_shift_marks(&first, second, marks);
  CHECK(marks == ShiftMarks{{"d-AAAAAAAAA", 60000}});

  auto bar_line = [](const std::vector<std::string>& lines) {
    for (const auto& line : lines)
      if (line.find("next:") != std::string::npos) return line;
    return std::string();
  };
  CHECK(bar_line(render_frame(second, ViewScope{}, marks, {})) ==
        "  [##########..........] next: v2 30% in 30s (virtual)");
  // Without the mark the bar spans from creation (0) to 120 s.
  CHECK(bar_line(render_frame(second, ViewScope{}, {}, {})) ==
        "  [###############.....] next: v2 30% in 30s (virtual)");
}

TEST_CASE("a first announced shift marks the time traffic started moving") {
  json before = canary_status();
  before["now"] = 1000;
  before["deployments"][0]["nextShiftAt"] = nullptr;
  json after = canary_status();
  after["now"] = 2000;
  auto first = snapshot(before);
  auto second = snapshot(after);
  ShiftMarks marks;
  update_shift_marks(&first, second, marks);
  CHECK(marks == ShiftMarks{{"d-AAAAAAAAA", 2000}});
}

TEST_CASE("a rolled-back deployment's frame says why and where the alias is now") {
  auto status = snapshot(oleoleole_rolled_back());
  auto lines = render_frame(status, ViewScope{{"d-BBBBBBBBB", "d-RRRRRRRRR"}}, {}, {"title"});
  // The failed deployment is no longer the newest of its alias: the weights and the traffic
  // are shown under the rollback deployment.
  const std::vector<std::string> expected = {
      "title",
      "",
      "OleOleOleFunction:live  d-BBBBBBBBB  CodeDeployDefault.LambdaAllAtOnce",
      std::string("  version 1 → 2 · Failed: HOOK_EXECUTION_FAILURE: AfterAllowTraffic hook ") +
          "CodeDeployHook_postTrafficHook reported Failed",
      "  ✓ BeforeAllowTraffic  Succeeded   hook CodeDeployHook_preTrafficHook",
      "  ✓ AllowTraffic        Succeeded",
      std::string(
          "  ✗ AfterAllowTraffic   Failed      hook CodeDeployHook_postTrafficHook — the hook ") +
          "reported Failed",
      "  rolled back by d-RRRRRRRRR: live is back on version 1",
      "",
      "OleOleOleFunction:live  d-RRRRRRRRR  CodeDeployDefault.LambdaAllAtOnce",
      "  rollback: version 2 → 1 · Succeeded",
      "  – BeforeAllowTraffic  Skipped",
      "  ✓ AllowTraffic        Succeeded",
      "  – AfterAllowTraffic   Skipped",
      "  weights: v1 100%",
      "  observed (10 s): v1 100% (n=4)",
  };
  CHECK(lines == expected);
}

TEST_CASE("watch's frame lists every alias, and says when there is no deployment") {
  json body = canary_status();
  body["deployments"] = json::array();
  body["aliases"].push_back({{"functionName", "OleOleOleFunction"},
                             {"logicalId", "OleOleOleFunction"},
                             {"alias", "live"},
                             {"weights", {{"1", 1.0}}},
                             {"observed", json::object()}});
  ViewScope scope;
  scope.all_aliases = true;
  auto lines = render_frame(snapshot(body), scope, {}, {"title"});
  const std::vector<std::string> expected = {
      "title",
      "",
      "No deployments yet.",
      "",
      "Aliases",
      std::string("  WhoDisFunction:live (main-WhoDisFunction-1A2B)  v1 90% | v2 10%  ") +
          "observed (10 s): v1 88% | v2 12% (n=250)",
      std::string("  OleOleOleFunction:live                          v1 100%  ") +
          "observed (10 s): no invocations",
  };
  CHECK(lines == expected);
}

TEST_CASE("without ids the scope is the newest deployments, oldest first") {
  StatusSnapshot status;
  for (const char* id : {"d-1", "d-2", "d-3", "d-4"}) {
    DeploymentState d;
    d.id = id;
    status.deployments.push_back(d);
  }
  ViewScope newest;
  newest.newest = 2;
  CHECK(scoped_deployment_ids(status, newest) == std::vector<std::string>{"d-3", "d-4"});
  ViewScope chosen;
  chosen.deployment_ids = {"d-2", "d-gone", "d-1"};
  CHECK(scoped_deployment_ids(status, chosen) == std::vector<std::string>{"d-2", "d-1"});
}

TEST_CASE("the screen form redraws in place") {
  CHECK(to_screen({"a", "", "b"}) == "\x1b[Ha\x1b[K\n\x1b[K\nb\x1b[K\n\x1b[J");
}

TEST_CASE("plain lines: a deployment seen first is described with its current state") {
  auto status = snapshot(canary_status());
  auto lines = render_changes(nullptr, status, ViewScope{});
  const std::vector<std::string> expected = {
      std::string(
          "d-AAAAAAAAA WhoDisFunction:live (main-WhoDisFunction-1A2B): deployment version 1 → 2 ") +
          "with CodeDeployDefault.LambdaCanary10Percent5Minutes",
      "d-AAAAAAAAA BeforeAllowTraffic: Succeeded",
      "d-AAAAAAAAA AllowTraffic: InProgress",
      "d-AAAAAAAAA weights: v1 90% | v2 10%; next: v2 100% in 2m30s (virtual)",
      "d-AAAAAAAAA status: InProgress",
  };
  CHECK(lines == expected);
}

TEST_CASE("plain lines: one line per event, weight and status change, none when unchanged") {
  json before_body = canary_status();
  before_body["now"] = 100;
  auto& d = before_body["deployments"][0];
  d["events"][0]["status"] = "InProgress";
  d["events"][1]["status"] = "Pending";
  d["newVersionWeight"] = 0;
  d["nextShiftAt"] = nullptr;
  d["nextWeight"] = nullptr;
  auto before = snapshot(before_body);
  auto after = snapshot(canary_status());

  const std::vector<std::string> expected = {
      "d-AAAAAAAAA BeforeAllowTraffic: Succeeded",
      "d-AAAAAAAAA AllowTraffic: InProgress",
      "d-AAAAAAAAA weights: v1 90% | v2 10%; next: v2 100% in 2m30s (virtual)",
  };
  CHECK(render_changes(&before, after, ViewScope{}) == expected);
  CHECK(render_changes(&after, after, ViewScope{}).empty());
}

TEST_CASE("plain lines: a failure gives the hook's reason, the status and the rollback") {
  auto before = snapshot(oleoleole_in_post_traffic());
  auto after = snapshot(oleoleole_rolled_back());
  ViewScope scope;
  scope.deployment_ids = {"d-BBBBBBBBB", "d-RRRRRRRRR"};
  const std::vector<std::string> expected = {
      "d-BBBBBBBBB AfterAllowTraffic: Failed — the hook reported Failed",
      std::string("d-BBBBBBBBB status: Failed: HOOK_EXECUTION_FAILURE: AfterAllowTraffic hook ") +
          "CodeDeployHook_postTrafficHook reported Failed",
      "d-BBBBBBBBB rolled back by d-RRRRRRRRR: live is back on version 1",
      std::string("d-RRRRRRRRR OleOleOleFunction:live: rollback version 2 → 1 with ") +
          "CodeDeployDefault.LambdaAllAtOnce",
      "d-RRRRRRRRR BeforeAllowTraffic: Skipped",
      "d-RRRRRRRRR AllowTraffic: Succeeded",
      "d-RRRRRRRRR AfterAllowTraffic: Skipped",
      "d-RRRRRRRRR status: Succeeded",
  };
  CHECK(render_changes(&before, after, scope) == expected);
}

TEST_CASE("a failed event's diagnostics are not repeated when they are the deployment's error") {
  json body = oleoleole_rolled_back();
  body["deployments"][0]["events"][2]["diagnostics"] =
      body["deployments"][0]["errorMessage"].get<std::string>();
  auto lines = render_frame(snapshot(body), ViewScope{{"d-BBBBBBBBB"}}, {}, {});
  REQUIRE(lines.size() > 6);
  CHECK(lines[5] == "  ✗ AfterAllowTraffic   Failed      hook CodeDeployHook_postTrafficHook");
}

TEST_CASE("plain lines: a succeeded deployment reports its final weights") {
  json before_body = canary_status();
  json after_body = canary_status();
  auto& d = after_body["deployments"][0];
  d["status"] = "Succeeded";
  d["events"][1]["status"] = "Succeeded";
  d["events"][2]["status"] = "Succeeded";
  d["newVersionWeight"] = 1.0;
  d["nextShiftAt"] = nullptr;
  d["nextWeight"] = nullptr;
  auto before = snapshot(before_body);
  auto after = snapshot(after_body);
  const std::vector<std::string> expected = {
      "d-AAAAAAAAA AllowTraffic: Succeeded",
      "d-AAAAAAAAA AfterAllowTraffic: Succeeded",
      "d-AAAAAAAAA weights: v2 100%",
      "d-AAAAAAAAA status: Succeeded",
  };
  CHECK(render_changes(&before, after, ViewScope{}) == expected);
}

TEST_CASE("a frame fitted to a terminal's height shows the deployment in progress first, collapses "
          "older ones and says what it left out") {
  json body = canary_status();
  json in_progress = body["deployments"][0];
  body["deployments"] = json::array();
  for (int i = 1; i <= 6; ++i) {  // six finished deployments before the one in progress
    json done = in_progress;
    done["deploymentId"] = "d-F" + std::to_string(i) + "FFFFFFF";
    done["status"] = "Succeeded";
    done["fromVersion"] = std::to_string(i);
    done["toVersion"] = std::to_string(i + 1);
    done["nextShiftAt"] = nullptr;
    done["completeTime"] = 1000 * i;
    for (auto& e : done["events"]) e["status"] = "Succeeded";
    body["deployments"].push_back(done);
  }
  in_progress["fromVersion"] = "7";
  in_progress["toVersion"] = "8";
  body["deployments"].push_back(in_progress);
  ViewScope scope;
  scope.newest = 7;
  scope.all_aliases = true;
  scope.max_lines = 16;
  auto lines = render_frame(snapshot(body), scope, {}, {"title"});
  const std::vector<std::string> expected = {
      "title",
      "",
      "WhoDisFunction:live (main-WhoDisFunction-1A2B)  d-AAAAAAAAA  "
      "CodeDeployDefault.LambdaCanary10Percent5Minutes",
      "  version 7 → 8 · InProgress",
      "  ✓ BeforeAllowTraffic  Succeeded",
      "  ▸ AllowTraffic        InProgress",
      "  · AfterAllowTraffic   Pending",
      "  weights: v1 90% | v2 10%",
      "  [##########..........] next: v8 100% in 2m30s (virtual)",
      "  observed (10 s): v1 88% | v2 12% (n=250)",
      "",
      "d-F6FFFFFFF  WhoDisFunction:live (main-WhoDisFunction-1A2B)  version 6 → 7 · Succeeded",
      "… 5 older deployments not shown (the terminal has 16 lines)",
      "",
      "Aliases",
      "  WhoDisFunction:live (main-WhoDisFunction-1A2B)  v1 90% | v2 10%  observed (10 s): v1 88% "
      "| v2 12% (n=250)",
  };
  CHECK(lines == expected);

  // Taller, every finished deployment gets its line, newest first.
  scope.max_lines = 20;
  auto taller = render_frame(snapshot(body), scope, {}, {"title"});
  CHECK(taller.size() == 20);
  CHECK(taller[16] ==
        "d-F1FFFFFFF  WhoDisFunction:live (main-WhoDisFunction-1A2B)  version 1 → 2 · Succeeded");

  // Too short for even the deployment in progress: cut, with the count of what is hidden.
  scope.max_lines = 6;
  auto cut = render_frame(snapshot(body), scope, {}, {"title"});
  REQUIRE(cut.size() == 6);
  CHECK(cut[5] == "… 7 more lines (make the terminal taller)");  // of 12: 5 shown, then this

  // Unlimited, the same status is every deployment in full, oldest first.
  scope.max_lines = 0;
  auto full = render_frame(snapshot(body), scope, {}, {"title"});
  CHECK(full.size() > 20);
  CHECK(full[2].find("d-F1FFFFFFF") != std::string::npos);
}
