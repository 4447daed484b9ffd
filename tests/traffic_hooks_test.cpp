#include "hooks/traffic_hooks.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/fake_aws_server.h"
#include "tests/support/fake_context.h"

using lambda_runtime::FunctionError;
using test_support::FakeAwsServer;
using test_support::FakeContext;
using test_support::RecordedRequest;
using test_support::ScriptedResponse;

namespace {

using Env = std::map<std::string, std::string, std::less<>>;

constexpr const char* kCurrentVersion =
    "arn:aws:lambda:us-east-1:123456789012:function:sam-app-OleOleOleFunction-ABC:2";
constexpr const char* kInvokeTarget =
    "/2015-03-31/functions/sam-app-OleOleOleFunction-ABC/invocations?Qualifier=2";
constexpr const char* kPutTarget = "CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus";

// What CodeDeploy invokes a hook with.
nlohmann::json hook_event() {
  return {{"DeploymentId", "d-TESTDEPLOY"}, {"LifecycleEventHookExecutionId", "hook-exec-1"}};
}

// The environment template.yaml gives a hook, pointed at `server`, with `changes` applied (an
// empty value removes the variable).
Env hook_env(const FakeAwsServer& server, const Env& changes = {}) {
  Env env = {{"AWS_REGION", "us-east-1"},
             {"AWS_ACCESS_KEY_ID", "AKIDHOOK"},
             {"AWS_SECRET_ACCESS_KEY", "hook-secret"},
             {"AWS_SESSION_TOKEN", "hook-token"},
             {"AWS_ENDPOINT_URL", server.url()},
             {"CurrentFunctionVersion", kCurrentVersion},
             {"APP_VERSION", "v2"}};
  for (const auto& [name, value] : changes) {
    if (value.empty())
      env.erase(name);
    else
      env[name] = value;
  }
  return env;
}

ScriptedResponse invoke_answer(const nlohmann::json& payload,
                               std::vector<std::pair<std::string, std::string>> headers = {}) {
  headers.emplace_back("X-Amz-Executed-Version", "2");
  return {200, payload.dump(), std::move(headers)};
}

// The proxy response oleoleole gives, with `version` in its body.
nlohmann::json greeting(int status_code, const std::string& version) {
  return {{"statusCode", status_code},
          {"headers", {{"Content-Type", "application/json"}}},
          {"body",
           nlohmann::json{
               {"message", "Feelin' hot hot hot!"}, {"version", version}, {"location", "127.0.0.1"}}
               .dump()}};
}

// CodeDeploy's answer to the report.
ScriptedResponse report_accepted() {
  return {200, R"({"lifecycleEventHookExecutionId":"hook-exec-1"})", {}};
}

// Checks that `request` reports `status` for hook_event().
void check_report(const RecordedRequest& request, const std::string& status) {
  CHECK(request.header("x-amz-target") == kPutTarget);
  CHECK(request.header("authorization").find("/us-east-1/codedeploy/aws4_request") !=
        std::string::npos);
  CHECK(nlohmann::json::parse(request.body) ==
        nlohmann::json{{"deploymentId", "d-TESTDEPLOY"},
                       {"lifecycleEventHookExecutionId", "hook-exec-1"},
                       {"status", status}});
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE(
    "pre-traffic hook: reports Succeeded only when the version answers 200 with APP_VERSION") {
  struct Case {
    const char* name;
    ScriptedResponse invoke;
    const char* status;
    const char* reason_mentions;
  };
  const std::vector<Case> cases = {
      {"the deployed version answers", invoke_answer(greeting(200, "v2")), "Succeeded",
       "version \"v2\""},
      {"the minimal answer of the brief",
       invoke_answer({{"statusCode", 200}, {"body", R"({"version":"v2"})"}}), "Succeeded",
       "statusCode 200"},
      {"another version answers", invoke_answer(greeting(200, "v1")), "Failed",
       "version \"v1\", expected \"v2\""},
      {"the function fails",
       invoke_answer({{"errorType", "CheckIpError"}, {"errorMessage", "no route to host"}},
                     {{"X-Amz-Function-Error", "Unhandled"}}),
       "Failed", "CheckIpError: no route to host"},
      {"statusCode is not 200", invoke_answer(greeting(502, "v2")), "Failed",
       "statusCode 502, expected 200"},
      {"the body is not JSON", invoke_answer({{"statusCode", 200}, {"body", "hello"}}), "Failed",
       "no string \"version\""},
      {"the answer is not a proxy response", invoke_answer("just a string"), "Failed",
       "not a proxy response"},
      {"Lambda cannot find the version",
       {404,
        R"({"Type":"User","Message":"Function not found"})",
        {{"X-Amzn-ErrorType", "ResourceNotFoundException"}}},
       "Failed",
       "Function not found"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    FakeAwsServer server({c.invoke, report_accepted()});
    FakeContext context(hook_env(server));

    auto answer = functions::pre_traffic_hook_handler(hook_event(), context);

    CHECK(answer["status"] == c.status);
    std::string reason = answer["reason"].get<std::string>();
    CAPTURE(reason);
    CHECK(contains(reason, c.reason_mentions));
    auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].target == kInvokeTarget);
    CHECK(requests[0].header("authorization").find("/us-east-1/lambda/aws4_request") !=
          std::string::npos);
    auto proxy_event = nlohmann::json::parse(requests[0].body);
    CHECK(proxy_event["httpMethod"] == "GET");
    CHECK(proxy_event["path"] == "/oleoleole");
    CHECK(proxy_event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1");
    check_report(requests[1], c.status);
    CHECK(contains(context.log_text(), c.status));
    CHECK(contains(context.log_text(), kCurrentVersion));
  }
}

TEST_CASE("pre-traffic hook: a check that cannot run is still reported as Failed") {
  struct Case {
    const char* name;
    Env changes;
    std::vector<ScriptedResponse> script;  // the report's answer comes last
    std::chrono::milliseconds remaining;
    std::size_t invocations;
    const char* reason_mentions;
  };
  const std::vector<Case> cases = {
      {"CurrentFunctionVersion is not set",
       {{"CurrentFunctionVersion", ""}},
       {report_accepted()},
       std::chrono::seconds(60),
       0,
       "CurrentFunctionVersion is not set"},
      {"APP_VERSION is not set",
       {{"APP_VERSION", ""}},
       {report_accepted()},
       std::chrono::seconds(60),
       0,
       "APP_VERSION is not set"},
      // 1.5 s left: the check gets 0.5 s, the rest is kept for the report.
      {"the version does not answer before the hook's own deadline",
       {},
       {ScriptedResponse::hanging(), report_accepted()},
       std::chrono::milliseconds(1500),
       1,
       "timed out"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    FakeAwsServer server(c.script);
    FakeContext context(hook_env(server, c.changes), c.remaining);

    auto answer = functions::pre_traffic_hook_handler(hook_event(), context);

    CHECK(answer["status"] == "Failed");
    CHECK(contains(answer["reason"].get<std::string>(), c.reason_mentions));
    auto requests = server.requests();
    REQUIRE(requests.size() == c.invocations + 1);
    check_report(requests.back(), "Failed");
  }
}

TEST_CASE("pre-traffic hook: a report CodeDeploy refuses fails the invocation") {
  FakeAwsServer server(
      {invoke_answer(greeting(200, "v2")),
       {400,
        R"({"__type":"com.amazonaws.codedeploy#DeploymentDoesNotExistException","message":"no such deployment"})",
        {}}});
  FakeContext context(hook_env(server));

  try {
    functions::pre_traffic_hook_handler(hook_event(), context);
    FAIL("expected the hook to throw");
  } catch (const FunctionError& e) {
    CHECK(e.type() == "AwsClientError");
    CHECK(contains(e.what(), "DeploymentDoesNotExistException"));
  }
  CHECK(contains(context.log_text(), "Succeeded"));  // the verdict is logged even so
}

TEST_CASE("post-traffic hook: reports POST_TRAFFIC_RESULT, Failed for any other value") {
  struct Case {
    const char* post_traffic_result;  // "" = unset
    const char* status;
    const char* reason_mentions;
  };
  const std::vector<Case> cases = {
      {"", "Succeeded", "not set"},
      {"Succeeded", "Succeeded", "POST_TRAFFIC_RESULT is Succeeded"},
      {"Failed", "Failed", "POST_TRAFFIC_RESULT is Failed"},
      {"maybe", "Failed", "\"maybe\"; only Succeeded or Failed"},
  };
  for (const auto& c : cases) {
    INFO(c.post_traffic_result);
    FakeAwsServer server({report_accepted()});
    FakeContext context(hook_env(server, {{"POST_TRAFFIC_RESULT", c.post_traffic_result}}));

    auto answer = functions::post_traffic_hook_handler(hook_event(), context);

    CHECK(answer["status"] == c.status);
    CHECK(contains(answer["reason"].get<std::string>(), c.reason_mentions));
    auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    check_report(requests[0], c.status);
    CHECK(contains(context.log_text(), c.status));
  }
}

TEST_CASE("traffic hooks: an event without both ids is InvalidEvent and calls nothing") {
  const std::vector<std::pair<const char*, nlohmann::json>> events = {
      {"DeploymentId", {{"LifecycleEventHookExecutionId", "hook-exec-1"}}},
      {"LifecycleEventHookExecutionId", {{"DeploymentId", "d-TESTDEPLOY"}}},
      {"DeploymentId", {{"DeploymentId", 42}, {"LifecycleEventHookExecutionId", "hook-exec-1"}}},
      {"DeploymentId", nlohmann::json::array()},
  };
  for (auto handler : {functions::pre_traffic_hook_handler, functions::post_traffic_hook_handler}) {
    for (const auto& [missing_field, hook_input] : events) {
      const std::string missing = missing_field;
      const nlohmann::json event = hook_input;
      CAPTURE(event.dump());
      FakeAwsServer server({});
      FakeContext context(hook_env(server));
      try {
        handler(event, context);
        FAIL("expected InvalidEvent");
      } catch (const FunctionError& e) {
        CHECK(e.type() == "InvalidEvent");
        CHECK(contains(e.what(), missing));
      }
      CHECK(server.requests().empty());
    }
  }
}
