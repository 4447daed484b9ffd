// Runtime API mode (--invoke-mode runtime-api) against real `bootstrap` processes: the runtime loop
// of functions/runtime/ served by the emulator's Runtime API (emulator/lambda/). Happy path, warm
// reuse, handler errors, INIT errors, crashes, hangs, output capture, concurrency caps, shutdown,
// and code identity across `emulator deploy`. These run in the suite's runtime-api pass only.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "aws_cli.h"
#include "emulator_process.h"
#include "http_client.h"
#include "lambda_invoke.h"
#include "templates.h"

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

#define RUNTIME_API_ONLY()                                                        \
  if (!it::runtime_api_mode()) {                                                  \
    MESSAGE("runs in the runtime-api pass of the suite (--invoke-mode=runtime-api)"); \
    return;                                                                       \
  }

// The pids of "[<logical id>] started bootstrap (pid N)" lines, in order.
std::vector<pid_t> bootstrap_pids(const std::string& out, const std::string& logical_id) {
  std::vector<pid_t> pids;
  std::regex line("\\[" + logical_id + "\\] started bootstrap \\(pid (\\d+)\\)");
  for (std::sregex_iterator it(out.begin(), out.end(), line), end; it != end; ++it)
    pids.push_back(static_cast<pid_t>(std::stol((*it)[1].str())));
  return pids;
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

using it::count;
using it::decoded_tail;
using it::invoke;
using it::wait_for_count;

it::EmulatorProcess runtime_faults() { return it::EmulatorProcess(it::test_template("runtime-faults.yaml")); }

}  // namespace

TEST_CASE("runtime-api: one warm bootstrap serves many invocations; REPORT shows Init Duration once") {
  RUNTIME_API_ONLY();
  auto emulator = runtime_faults();
  for (int i = 0; i < 20; ++i) {
    auto response = it::request("POST", emulator.url("/echo?n=" + std::to_string(i)), {}, "hi");
    REQUIRE(response.status == 200);
    auto event = json::parse(response.body);
    CHECK(event["body"] == "hi");
    CHECK(event["queryStringParameters"]["n"] == std::to_string(i));
  }
  REQUIRE(wait_for_count(emulator, "[EchoFunction] REPORT RequestId:", 20));
  const auto out = emulator.stdout_text();
  auto pids = bootstrap_pids(out, "EchoFunction");
  REQUIRE(pids.size() == 1);
  CHECK(alive(pids[0]));
  CHECK(count(out, "[EchoFunction] START RequestId:") == 20);
  CHECK(count(out, "Init Duration:") == 1);
  // The child is a real process of the emulator's: its parent is the emulator.
  std::ifstream stat("/proc/" + std::to_string(pids[0]) + "/stat");
  std::string pid, comm, state;
  long parent = 0;
  stat >> pid >> comm >> state >> parent;
  CHECK(parent == emulator.pid());
}

TEST_CASE("runtime-api: Invoke returns the bootstrap's result, its version and its log tail") {
  RUNTIME_API_ONLY();
  auto emulator = runtime_faults();
  auto response = invoke(emulator, "ChattyFunction", R"({"path":"/direct"})");
  REQUIRE(response.status == 200);
  CHECK_FALSE(response.has_header("X-Amz-Function-Error"));
  CHECK(response.header("X-Amz-Executed-Version") == "$LATEST");
  auto payload = json::parse(response.body);
  CHECK(payload["headers"]["X-Path"] == "/direct");
  CHECK(payload["body"].get<std::string>().rfind("chatty ", 0) == 0);
  // stdout, stderr and Context::log all become log lines of this invocation, between START and END.
  auto tail = decoded_tail(response);
  INFO("tail: " << tail);
  auto start = tail.find("START RequestId:");
  auto end = tail.find("END RequestId:");
  REQUIRE(start != std::string::npos);
  REQUIRE(end != std::string::npos);
  for (const char* line : {"a line on stdout", "a line on stderr", "a line through Context::log"}) {
    auto at = tail.find(line);
    CHECK(at != std::string::npos);
    CHECK(at > start);
    CHECK(at < end);
    CHECK(emulator.child().wait_for_stdout_line(std::string("[ChattyFunction] ") + line, 5s));
  }
}

TEST_CASE("runtime-api: a handler error is Unhandled at Invoke and 502 at the API") {
  RUNTIME_API_ONLY();
  auto emulator = runtime_faults();
  auto api = it::get(emulator.url("/throw"));
  CHECK(api.status == 502);
  CHECK(json::parse(api.body) == json{{"message", "Internal server error"}});
  auto response = invoke(emulator, "ThrowFunction");
  REQUIRE(response.status == 200);
  CHECK(response.header("X-Amz-Function-Error") == "Unhandled");
  auto payload = json::parse(response.body);
  CHECK(payload["errorType"] == "std::runtime_error");
  CHECK(payload["errorMessage"] == "deliberate failure from the throw function");
  // A handler error leaves the environment warm: one process for both invocations.
  CHECK(bootstrap_pids(emulator.stdout_text(), "ThrowFunction").size() == 1);
}

TEST_CASE("runtime-api: an INIT error is reported as Lambda does, and the next call starts afresh") {
  RUNTIME_API_ONLY();
  auto emulator = runtime_faults();
  CHECK(it::get(emulator.url("/init-error")).status == 502);
  auto response = invoke(emulator, "InitErrorFunction");
  REQUIRE(response.status == 200);
  CHECK(response.header("X-Amz-Function-Error") == "Unhandled");
  auto payload = json::parse(response.body);
  CHECK(payload["errorType"] == "std::runtime_error");
  CHECK(payload["errorMessage"] == "deliberate failure in the init code");
  CHECK(emulator.child().wait_for_stdout_line("Phase: init\tStatus: error\tError Type: std::runtime_error", 5s));
  // Both processes' lines, which the test's reader thread may not have read yet.
  CHECK(wait_for_count(emulator, "[InitErrorFunction] started bootstrap (pid", 2));
  CHECK(bootstrap_pids(emulator.stdout_text(), "InitErrorFunction").size() == 2);

  CHECK(it::get(emulator.url("/exit-at-init")).status == 502);
  auto exited = invoke(emulator, "ExitAtInitFunction");
  auto exit_payload = json::parse(exited.body);
  CHECK(exited.header("X-Amz-Function-Error") == "Unhandled");
  CHECK(exit_payload["errorType"] == "Runtime.ExitError");
  CHECK(exit_payload["errorMessage"].get<std::string>().find("Runtime exited with error: exit status 3") !=
        std::string::npos);
}

TEST_CASE("runtime-api: a crashing bootstrap gives 502, is logged, and a fresh process serves next") {
  RUNTIME_API_ONLY();
  auto emulator = runtime_faults();
  CHECK(it::get(emulator.url("/crash")).status == 502);
  auto response = invoke(emulator, "CrashFunction");
  auto payload = json::parse(response.body);
  CHECK(response.header("X-Amz-Function-Error") == "Unhandled");
  CHECK(payload["errorType"] == "Runtime.ExitError");
  CHECK(payload["errorMessage"].get<std::string>().find("Runtime exited with error: signal: aborted") !=
        std::string::npos);
  CHECK(emulator.child().wait_for_stderr_text("CrashFunction: bootstrap (pid", 5s));
  CHECK(wait_for_count(emulator, "[CrashFunction] started bootstrap (pid", 2));
  auto pids = bootstrap_pids(emulator.stdout_text(), "CrashFunction");
  REQUIRE(pids.size() == 2);
  // The emulator keeps serving, other functions included.
  CHECK(it::get(emulator.url("/echo")).status == 200);
  CHECK(it::get(emulator.url("/crash")).status == 502);
}

TEST_CASE("runtime-api: a bootstrap past its Timeout is killed, the caller gets the timeout error") {
  RUNTIME_API_ONLY();
  auto emulator = runtime_faults();
  auto started = std::chrono::steady_clock::now();
  auto api = it::get(emulator.url("/hang"));
  auto waited = std::chrono::steady_clock::now() - started;
  CHECK(api.status == 504);
  CHECK(waited < 5s);  // Timeout is 1 s; not a timing assertion, a bound far from the limit
  CHECK(wait_for_count(emulator, "[HangFunction] started bootstrap (pid", 1));
  auto pids = bootstrap_pids(emulator.stdout_text(), "HangFunction");
  REQUIRE(pids.size() == 1);
  // Killed and reaped: the pid is gone (not a zombie) soon after.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = !alive(pids[0]);
    if (!gone) std::this_thread::sleep_for(20ms);
  }
  CHECK(gone);
  auto response = invoke(emulator, "HangFunction");
  auto payload = json::parse(response.body);
  CHECK(payload["errorType"] == "Sandbox.Timedout");
  CHECK(payload["errorMessage"] == "Task timed out after 1.00 seconds");
  CHECK(wait_for_count(emulator, "[HangFunction] started bootstrap (pid", 2));
  CHECK(bootstrap_pids(emulator.stdout_text(), "HangFunction").size() == 2);
}

TEST_CASE("runtime-api: a response over 6 MB fails with Function.ResponseSizeTooLarge") {
  RUNTIME_API_ONLY();
  auto emulator = runtime_faults();
  CHECK(it::get(emulator.url("/big")).status == 502);
  auto response = invoke(emulator, "BigResponseFunction");
  auto payload = json::parse(response.body);
  CHECK(response.header("X-Amz-Function-Error") == "Unhandled");
  CHECK(payload["errorType"] == "Function.ResponseSizeTooLarge");
}

TEST_CASE("runtime-api: ReservedConcurrentExecutions caps the processes; extra calls wait their turn") {
  RUNTIME_API_ONLY();
  auto emulator = runtime_faults();
  std::vector<std::future<long>> calls;
  for (int i = 0; i < 6; ++i)
    calls.push_back(std::async(std::launch::async, [&] { return it::get(emulator.url("/pair")).status; }));
  for (auto& call : calls) CHECK(call.get() == 200);
  // The lines are written in batches and read by the test's own thread: wait for all six.
  CHECK(wait_for_count(emulator, "[PairFunction] START RequestId:", 6));
  auto pids = bootstrap_pids(emulator.stdout_text(), "PairFunction");
  CHECK(pids.size() == 2);
  CHECK(count(emulator.stdout_text(), "[PairFunction] START RequestId:") == 6);
}

TEST_CASE("runtime-api: shutdown stops every bootstrap and says how many") {
  RUNTIME_API_ONLY();
  auto emulator = runtime_faults();
  CHECK(it::get(emulator.url("/echo")).status == 200);
  CHECK(it::get(emulator.url("/throw")).status == 502);
  auto out = emulator.stdout_text();
  auto pids = bootstrap_pids(out, "EchoFunction");
  auto more = bootstrap_pids(out, "ThrowFunction");
  pids.insert(pids.end(), more.begin(), more.end());
  REQUIRE(pids.size() == 2);
  CHECK(emulator.stop() == 0);
  CHECK(emulator.stdout_text().find("2 runtime process(es) stopped") != std::string::npos);
  for (pid_t pid : pids) CHECK_FALSE(alive(pid));
}

TEST_CASE("runtime-api: serves the seed application from the zips the package target writes") {
  RUNTIME_API_ONLY();
  it::EmulatorProcess emulator(it::seed_template());
  auto whodis = it::get(emulator.url("/whodis"));
  REQUIRE(whodis.status == 200);
  CHECK(json::parse(whodis.body)["message"] == "Whoop whoop! This is the sound of the Python");
  auto ole = it::get(emulator.url("/dev/oleoleole"));
  REQUIRE(ole.status == 200);
  CHECK(json::parse(ole.body)["message"] == "Feelin' hot hot hot!");
  // The processes run the unpacked zips: their task root holds what whodis.zip holds.
  std::regex code("\\[WhoDisFunction\\] started bootstrap \\(pid \\d+\\) for version 1, Runtime API [0-9.:]+, code (\\S+)");
  std::smatch match;
  auto out = emulator.stdout_text();
  REQUIRE(std::regex_search(out, match, code));
  CHECK(std::filesystem::exists(match[1].str() + "/bootstrap"));
  CHECK(std::filesystem::exists(match[1].str() + "/lib"));
}

TEST_CASE("runtime-api: a rebuilt package is a new version; the old one keeps running its own copy") {
  RUNTIME_API_ONLY();
  namespace fs = std::filesystem;
  // A project of its own: template + whodis.zip. "Rebuilding with a different message" is played
  // by putting another handler's package (oleoleole's) in whodis.zip's place.
  fs::path project = fs::temp_directory_path() / ("emulator-it-code-" + std::to_string(::getpid()));
  fs::remove_all(project);
  fs::create_directories(project);
  const fs::path packages = fs::path(TEST_CODE_DIR);
  fs::copy_file(packages / "whodis.zip", project / "whodis.zip");
  {
    std::ofstream yaml(project / "template.yaml");
    yaml << "Transform: AWS::Serverless-2016-10-31\n"
            "Resources:\n"
            "  WhoDisFunction:\n"
            "    Type: AWS::Serverless::Function\n"
            "    Properties:\n"
            "      CodeUri: whodis.zip\n"
            "      Runtime: provided.al2023\n"
            "      Handler: bootstrap\n"
            "      AutoPublishAlias: live\n"
            "      DeploymentPreference:\n"
            "        Type: AllAtOnce\n"
            "      Events:\n"
            "        WhoDis: {Type: Api, Properties: {Path: /whodis, Method: get}}\n";
  }
  struct Cleanup {
    fs::path path;
    ~Cleanup() { fs::remove_all(path); }
  } cleanup{project};
  // Its own --base-dir (the project folder) instead of the fixture's test-code.
  it::EmulatorProcess emulator((project / "template.yaml").string(),
                               {"--base-dir", project.string()});
  auto message = [&](const std::string& path) {
    auto response = it::get(emulator.url(path));
    REQUIRE(response.status == 200);
    return json::parse(response.body)["message"].get<std::string>();
  };
  CHECK(message("/whodis") == "Whoop whoop! This is the sound of the Python");
  auto endpoint = it::aws_endpoint_of(emulator);
  auto deploy = [&] {
    auto response = it::request("POST", endpoint + "/emulator/deploy",
                                {{"Content-Type", "application/json"}}, "{}", 30s);
    INFO(response.body << emulator.stderr_text());
    REQUIRE(response.status == 200);
    return json::parse(response.body);
  };
  // The same package again: nothing to publish.
  auto unchanged = deploy();
  INFO(unchanged.dump(2));
  for (const auto& change : unchanged.value("changes", json::array()))
    CHECK(change.value("action", "") != "deployment");

  fs::copy_file(packages / "oleoleole.zip", project / "whodis.zip",
                fs::copy_options::overwrite_existing);
  auto changed = deploy();
  INFO(changed.dump(2));
  bool deployed = false;
  for (const auto& change : changed.value("changes", json::array()))
    deployed = deployed || change.value("action", "") == "deployment";
  REQUIRE(deployed);
  // AllAtOnce: the alias moves to version 2 once the deployment succeeds.
  std::string now;
  for (int i = 0; i < 250; ++i) {
    now = message("/whodis");
    if (now == "Feelin' hot hot hot!") break;
    std::this_thread::sleep_for(20ms);
  }
  CHECK(now == "Feelin' hot hot hot!");
  // Version 1 still runs its own copy of the first package.
  auto v1 = it::request("POST", endpoint + "/2015-03-31/functions/WhoDisFunction/invocations?Qualifier=1",
                        {}, R"({"requestContext":{"identity":{"sourceIp":"127.0.0.1"}}})", 20s);
  REQUIRE(v1.status == 200);
  CHECK(v1.header("X-Amz-Executed-Version") == "1");
  auto body = json::parse(json::parse(v1.body)["body"].get<std::string>());
  CHECK(body["message"] == "Whoop whoop! This is the sound of the Python");
  auto v2 = it::request("POST", endpoint + "/2015-03-31/functions/WhoDisFunction/invocations?Qualifier=live",
                        {}, R"({"requestContext":{"identity":{"sourceIp":"127.0.0.1"}}})", 20s);
  CHECK(v2.header("X-Amz-Executed-Version") == "2");
  // The versions' CodeSha256 are the two packages' hashes.
  auto versions = it::get(endpoint + "/2015-03-31/functions/WhoDisFunction/versions");
  auto list = json::parse(versions.body)["Versions"];
  std::set<std::string> hashes;
  for (const auto& version : list) hashes.insert(version["CodeSha256"].get<std::string>());
  CHECK(hashes.size() == 2);  // $LATEST and 2 share the new package's hash; 1 has the old one
}
