// --watch and --watch-deploy (issue 14; app/hot_reload.h, docs/runtimes.md "Hot reload"): a saved
// handler or template answers from a new version without a restart, a broken template keeps the
// old state, and --watch-deploy plays each change through the DeploymentPreference. Each case
// writes a small app into a temporary folder and edits it as an editor would.
#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include "emulator_process.h"
#include "http_client.h"
#include "temp_file.h"

namespace {

using namespace std::chrono_literals;

std::string python_app(const std::string& greeting, const std::string& preference = "") {
  return "Transform: AWS::Serverless-2016-10-31\n"
         "Resources:\n"
         "  HelloFunction:\n"
         "    Type: AWS::Serverless::Function\n"
         "    Properties:\n"
         "      CodeUri: src/\n"
         "      Handler: app.handler\n"
         "      Runtime: python3.11\n"
         "      AutoPublishAlias: live\n" +
         preference +
         "      Environment:\n"
         "        Variables:\n"
         "          GREETING: " + greeting + "\n"
         "      Events:\n"
         "        Hello:\n"
         "          Type: Api\n"
         "          Properties:\n"
         "            Path: /hello\n"
         "            Method: get\n";
}

std::string python_handler(const std::string& word) {
  return "import os\n\n\ndef handler(event, context):\n"
         "    return {'statusCode': 200, 'body': '" + word + " ' + os.environ['GREETING']}\n";
}

// GETs `url` until it answers `body` (the new version may need a moment to be routed).
bool eventually_answers(const std::string& url, const std::string& body,
                        std::chrono::milliseconds budget = 10s) {
  auto deadline = std::chrono::steady_clock::now() + budget;
  while (std::chrono::steady_clock::now() < deadline) {
    auto response = it::request("GET", url);
    if (response.status == 200 && response.body == body) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

}  // namespace

TEST_CASE("watch: a saved handler and a saved template answer from new versions, a broken template changes nothing") {
  DEFAULT_PASS_ONLY();
  it::TempDir app;
  app.write("template.yaml", python_app("hello"));
  app.write("src/app.py", python_handler("one"));
  it::EmulatorProcess emulator(app.path("template.yaml"), {"--watch"});
  CHECK(emulator.stdout_text().find("Watching template.yaml and 1 code folder or package") !=
        std::string::npos);
  CHECK(it::request("GET", emulator.url("/hello")).body == "one hello");

  // An editor's swap file beside the save is not a change of its own.
  app.write("src/.app.py.swp", "swap");
  app.write("src/app.py", python_handler("two"));
  REQUIRE(emulator.child().wait_for_stdout_line("Deploy: HelloFunction alias-moved 1 -> 2", 10s));
  CHECK(emulator.stdout_text().find("Watch: src/app.py changed; deploying") != std::string::npos);
  CHECK(emulator.stdout_text().find(".swp") == std::string::npos);
  CHECK(it::request("GET", emulator.url("/hello")).body == "two hello");

  // The template, saved as many editors do: a new file renamed over the old one.
  app.write("template.yaml.new", python_app("bonjour"));
  std::filesystem::rename(app.path("template.yaml.new"), app.path("template.yaml"));
  REQUIRE(emulator.child().wait_for_stdout_line("Deploy: HelloFunction alias-moved 2 -> 3", 10s));
  CHECK(it::request("GET", emulator.url("/hello")).body == "two bonjour");

  // A template that does not load is said with its position; what served before still does.
  app.write("template.yaml", python_app("[unclosed"));
  REQUIRE(emulator.child().wait_for_stderr_text("Watch: not deployed", 10s));
  CHECK(emulator.stderr_text().find("template.yaml:") != std::string::npos);
  CHECK(it::request("GET", emulator.url("/hello")).body == "two bonjour");
  // Fixed again: served again, as a new version.
  app.write("template.yaml", python_app("hola"));
  REQUIRE(emulator.child().wait_for_stdout_line("Deploy: HelloFunction alias-moved 3 -> 4", 10s));
  CHECK(it::request("GET", emulator.url("/hello")).body == "two hola");
}

TEST_CASE("watch: a Node.js handler saved by rename answers at once") {
  DEFAULT_PASS_ONLY();
  it::TempDir app;
  app.write("template.yaml",
            "Transform: AWS::Serverless-2016-10-31\n"
            "Resources:\n"
            "  NodeFunction:\n"
            "    Type: AWS::Serverless::Function\n"
            "    Properties:\n"
            "      CodeUri: code/\n"
            "      Handler: lib/index.handler\n"
            "      Runtime: nodejs20.x\n"
            "      Events:\n"
            "        Get:\n"
            "          Type: Api\n"
            "          Properties:\n"
            "            Path: /node\n"
            "            Method: get\n");
  auto handler = [](const std::string& word) {
    return "export const handler = async () => ({ statusCode: 200, body: '" + word + "' });\n";
  };
  app.write("code/lib/index.mjs", handler("first"));
  it::EmulatorProcess emulator(app.path("template.yaml"), {"--watch"});
  CHECK(it::request("GET", emulator.url("/node")).body == "first");
  app.write("code/lib/index.mjs.tmp", handler("second"));
  std::filesystem::rename(app.path("code/lib/index.mjs.tmp"), app.path("code/lib/index.mjs"));
  // No AutoPublishAlias: $LATEST is replaced, and its warm environment with the old module goes.
  REQUIRE(emulator.child().wait_for_stdout_line("Deploy: NodeFunction latest-replaced", 10s));
  CHECK(eventually_answers(emulator.url("/node"), "second"));
}

TEST_CASE("watch-deploy: a save plays the DeploymentPreference, and a save during it waits for it") {
  DEFAULT_PASS_ONLY();
  it::TempDir app;
  // Canary10Percent5Minutes at --time-scale 100: three seconds.
  const std::string canary = "      DeploymentPreference:\n        Type: Canary10Percent5Minutes\n";
  app.write("template.yaml", python_app("hello", canary));
  app.write("src/app.py", python_handler("one"));
  it::EmulatorProcess emulator(app.path("template.yaml"), {"--watch-deploy", "--time-scale", "100"});
  CHECK(emulator.stdout_text().find("a saved change deploys through each function's "
                                    "DeploymentPreference") != std::string::npos);
  app.write("src/app.py", python_handler("two"));
  REQUIRE(emulator.child().wait_for_stdout_line("Deploy: HelloFunction deployment 1 -> 2 (d-", 10s));
  app.write("src/app.py", python_handler("three"));
  REQUIRE(emulator.child().wait_for_stderr_text("Watch: not deployed yet", 10s));
  CHECK(emulator.stderr_text().find("tries again every 2 s") != std::string::npos);
  REQUIRE(emulator.child().wait_for_stdout_line("Deploy: HelloFunction deployment 2 -> 3 (d-", 20s));
  CHECK(eventually_answers(emulator.url("/hello"), "three hello", 20s));
}
