// Node.js functions with no Docker (issue 14; docs/runtimes.md): the emulator runs unchanged
// handlers with the machine's node and its own loop (runtimes/nodejs), over the same Runtime API,
// warm environments, timeouts and logs as a provided bootstrap. Template:
// tests/templates/node-functions.yaml. Every case passes --invoke-mode auto (the default) and runs in
// the suite's default pass only.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "aws_cli.h"
#include "emulator_process.h"
#include "http_client.h"
#include "lambda_invoke.h"
#include "templates.h"

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using it::count;
using it::decoded_tail;
using it::invoke;
using it::invoke_json;

it::EmulatorProcess node_functions() {
  return it::EmulatorProcess(it::test_template("node-functions.yaml"), {"--invoke-mode", "auto"});
}


}  // namespace

TEST_CASE("node: the handler gets AWS's context, console lines are its log in AWS's format") {
  DEFAULT_PASS_ONLY();
  auto emulator = node_functions();
  it::HttpResponse response;
  auto payload = invoke_json(emulator, "ContextFunction", &response, R"({"k":"v"})");
  INFO(payload.dump(2));
  CHECK_FALSE(response.has_header("X-Amz-Function-Error"));
  CHECK(payload["functionName"].get<std::string>().find("ContextFunction") != std::string::npos);
  CHECK(payload["functionVersion"] == "$LATEST");
  CHECK(payload["memoryLimitInMB"] == "128");
  const std::string id = payload["awsRequestId"];
  CHECK(id.size() == 36);
  CHECK(payload["remaining"].get<int>() > 0);
  CHECK(payload["callbackWaitsForEmptyEventLoop"] == true);
  CHECK(payload["env"]["AWS_EXECUTION_ENV"] == "AWS_Lambda_nodejs20.x");
  CHECK(payload["env"]["APP_SETTING"] == "from-the-template");
  CHECK(payload["env"]["LAMBDA_TASK_ROOT"] == it::source_path("tests/templates/nodejs"));
  CHECK(payload["cwd"] == payload["env"]["LAMBDA_TASK_ROOT"]);
  CHECK(payload["event"] == json{{"k", "v"}});
  auto tail = decoded_tail(response);
  INFO(tail);
  // <timestamp>\t<request id>\tINFO\t<message>, as AWS's Node.js runtime writes it.
  CHECK(tail.find("\t" + id + "\tINFO\ta line from console.log") != std::string::npos);
  CHECK(tail.find("\t" + id + "\tERROR\ta line from console.error") != std::string::npos);
  invoke_json(emulator, "ContextFunction");
  CHECK(count(emulator.stdout_text(), "[ContextFunction] started nodejs20.x runtime (pid") == 1);
}

TEST_CASE("node: API routes, ES modules, callbacks and handlers in subfolders") {
  DEFAULT_PASS_ONLY();
  auto emulator = node_functions();
  auto response = it::get(emulator.url("/node/thing?x=1"));
  REQUIRE(response.status == 200);
  CHECK(response.header("X-Runtime") == "nodejs");
  auto body = json::parse(response.body);
  CHECK(body["path"] == "/node/thing");
  CHECK(body["query"] == json{{"x", "1"}});
  CHECK(invoke_json(emulator, "EsmFunction", nullptr, "[1]") == json{{"esm", true}, {"got", {1}}});
  CHECK(invoke_json(emulator, "NestedFunction") == json{{"nested", true}});
  it::HttpResponse raw;
  CHECK(invoke_json(emulator, "CallbackFunction", &raw) == json{{"answered", true}});
  // callbackWaitsForEmptyEventLoop: the answer waited for the pending timer.
  CHECK(decoded_tail(raw).find("the timer ran before the answer") != std::string::npos);
}

TEST_CASE("node: errors and INIT failures carry the shapes of AWS's Node.js runtime") {
  DEFAULT_PASS_ONLY();
  auto emulator = node_functions();
  CHECK(it::get(emulator.url("/boom")).status == 502);
  it::HttpResponse raw;
  auto error = invoke_json(emulator, "BoomFunction", &raw);
  CHECK(raw.header("X-Amz-Function-Error") == "Unhandled");
  CHECK(error["errorType"] == "TypeError");
  CHECK(error["errorMessage"] == "boom from node");
  REQUIRE(error["trace"].is_array());
  CHECK(error["trace"][0] == "TypeError: boom from node");
  CHECK(decoded_tail(raw).find("\tERROR\tInvoke Error \t") != std::string::npos);

  auto missing = invoke_json(emulator, "MissingModuleFunction");
  CHECK(missing["errorType"] == "Runtime.ImportModuleError");
  CHECK(missing["errorMessage"].get<std::string>().rfind("Error: Cannot find module 'missing'", 0) == 0);
  auto not_found = invoke_json(emulator, "HandlerNotFoundFunction");
  CHECK(not_found["errorType"] == "Runtime.HandlerNotFound");
  CHECK(not_found["errorMessage"] == "index.nothere is undefined or not exported");
}

TEST_CASE("node: past its Timeout the process is killed, a crash is ExitError, old runtimes named") {
  DEFAULT_PASS_ONLY();
  auto emulator = node_functions();
  auto timed_out = invoke_json(emulator, "SleepyFunction");
  CHECK(timed_out["errorType"] == "Sandbox.Timedout");
  auto crashed = invoke_json(emulator, "CrashFunction");
  CHECK(crashed["errorType"] == "Runtime.ExitError");
  CHECK(crashed["errorMessage"].get<std::string>().find("exit status 3") != std::string::npos);
  CHECK(emulator.stderr_text().find("Resources.OldNodeFunction.Properties.Runtime: Runtime "
                                    "nodejs16.x cannot run in this emulator") != std::string::npos);
  CHECK(invoke_json(emulator, "OldNodeFunction")["errorType"] == "Runtime.InvalidRuntime");
}

TEST_CASE("node: a layer's nodejs/node_modules is found by require, as /opt/nodejs is on AWS") {
  DEFAULT_PASS_ONLY();
  auto emulator = node_functions();
  CHECK(invoke_json(emulator, "LayerFunction") == "hello from the node layer");
}

TEST_CASE("node: the example's pre-traffic hook fails a version that answers 500 and it is rolled back") {
  DEFAULT_PASS_ONLY();
  it::EmulatorProcess emulator(it::source_path("examples/sam-node/template.yaml"),
                               {"--time-scale", "600"});
  const std::string endpoint = it::aws_endpoint_of(emulator);
  auto deployed = it::run_to_exit({"deploy", "--endpoint", endpoint, "--parameter-overrides",
                                   "AppVersion=v2", "HelloStatus=500"},
                                  std::chrono::seconds(30));
  INFO("emulator deploy: exit " << deployed.exit_code << "\n" << deployed.stdout_text
                                << deployed.stderr_text << emulator.stdout_text());
  CHECK_FALSE(deployed.timed_out);
  CHECK(deployed.exit_code == 1);
  CHECK((deployed.stdout_text + deployed.stderr_text).find("HOOK_EXECUTION_FAILURE") !=
        std::string::npos);
  // The hook's own reason, logged by the CommonJS callback hook.
  CHECK(emulator.child().wait_for_stdout_line("answered 500 with version v2",
                                              std::chrono::seconds(5)));
  for (int i = 0; i < 10; ++i) {
    auto response = it::request("GET", emulator.url("/hello"));
    CHECK(response.status == 200);
    CHECK(json::parse(response.body)["version"] == "v1");
  }
}
