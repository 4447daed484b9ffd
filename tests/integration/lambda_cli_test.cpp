// The Lambda API (docs/lambda-api.md) driven by the real AWS CLI v2 against the real binary:
// invoking by qualifier, errors as the CLI reports them, listing, publishing a version, weighted
// alias routing seen through API Gateway (binomial share, and --seed reproducing it exactly), and
// the log tail.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "aws_cli.h"
#include "emulator_process.h"
#include "http_client.h"
#include "temp_file.h"
#include "templates.h"

namespace {

using nlohmann::json;

constexpr int kSplitRequests = 1000;
// Binomial(1000, 0.5): mean 500, standard deviation 15.8; 80 is over five of them, so a correct
// split fails this less than once in a million runs.
constexpr int kHalfLow = 420;
constexpr int kHalfHigh = 580;

// Requires that a CLI command exited 0; its stdout as JSON.
json require_ok(const it::AwsCliResult& result, it::EmulatorProcess& emulator,
                const std::vector<std::string>& arguments) {
  INFO("aws " << arguments.at(0) << " " << arguments.at(1) << ": " << result.describe()
              << "\n--- emulator stderr ---\n"
              << emulator.stderr_text());
  REQUIRE(result.exit_code == 0);
  return result.json();
}

json aws_ok(it::EmulatorProcess& emulator, const std::vector<std::string>& arguments) {
  return require_ok(it::run_aws(emulator, arguments), emulator, arguments);
}

struct Invocation {
  json output;   // what the CLI prints: StatusCode, ExecutedVersion, LogResult, ...
  json payload;  // the function's answer, from the outfile (null when empty)
};

// `aws lambda invoke --function-name NAME [extra...] OUTFILE` for each {NAME, extra...}, side by
// side; each must succeed.
std::vector<Invocation> invoke_all(it::EmulatorProcess& emulator,
                                   const std::vector<std::vector<std::string>>& invocations) {
  std::vector<std::unique_ptr<it::TempFile>> outfiles;
  std::vector<std::vector<std::string>> commands;
  for (const auto& invocation : invocations) {
    outfiles.push_back(std::make_unique<it::TempFile>("", ".json"));
    std::vector<std::string> arguments{"lambda", "invoke", "--function-name", invocation.at(0)};
    arguments.insert(arguments.end(), invocation.begin() + 1, invocation.end());
    arguments.push_back(outfiles.back()->path());
    commands.push_back(std::move(arguments));
  }
  auto results = it::run_aws_concurrently(it::aws_endpoint_of(emulator), commands);
  std::vector<Invocation> answers;
  for (std::size_t i = 0; i < results.size(); ++i) {
    Invocation answer;
    answer.output = require_ok(results[i], emulator, commands[i]);
    std::ifstream in(outfiles[i]->path());
    std::stringstream text;
    text << in.rdbuf();
    if (!text.str().empty()) answer.payload = json::parse(text.str(), nullptr, false);
    answers.push_back(std::move(answer));
  }
  return answers;
}

Invocation invoke(it::EmulatorProcess& emulator, const std::string& function_name,
                  const std::vector<std::string>& extra = {}) {
  std::vector<std::string> invocation{function_name};
  invocation.insert(invocation.end(), extra.begin(), extra.end());
  return invoke_all(emulator, {invocation}).at(0);
}

// The "version" of a proxy response payload's JSON body ("" when it has none).
std::string payload_version(const json& payload) {
  if (!payload.is_object() || !payload.contains("body") || !payload["body"].is_string()) return "";
  auto body = json::parse(payload["body"].get<std::string>(), nullptr, false);
  return body.is_object() ? body.value("version", "") : "";
}

// The "version" of each of `count` sequential GETs of /whodis; each must answer 200.
std::vector<std::string> whodis_versions(it::EmulatorProcess& emulator, int count) {
  std::vector<std::string> versions;
  versions.reserve(count);
  const std::string url = emulator.url("/whodis");
  for (int i = 0; i < count; ++i) {
    auto response = it::get(url);
    if (response.status != 200) {
      FAIL("GET /whodis #" << i << " answered " << response.status << " " << response.body
                           << "\n--- emulator stderr ---\n"
                           << emulator.stderr_text());
    }
    versions.push_back(json::parse(response.body).value("version", ""));
  }
  return versions;
}

int count_of(const std::vector<std::string>& versions, const std::string& version) {
  return static_cast<int>(std::count(versions.begin(), versions.end(), version));
}

// Sets APP_VERSION=v2 on $LATEST of WhoDisFunction and publishes it: version 2.
void publish_v2(it::EmulatorProcess& emulator) {
  auto updated = aws_ok(emulator, {"lambda", "update-function-configuration", "--function-name",
                                   "WhoDisFunction", "--environment",
                                   "Variables={APP_VERSION=v2}"});
  CHECK(updated["Environment"]["Variables"]["APP_VERSION"] == "v2");
  auto published = aws_ok(emulator, {"lambda", "publish-version", "--function-name",
                                     "WhoDisFunction"});
  REQUIRE(published["Version"] == "2");
}

// Publishes version 2 and gives it half of alias live.
void split_half_onto_v2(it::EmulatorProcess& emulator) {
  publish_v2(emulator);
  auto alias = aws_ok(emulator, {"lambda", "update-alias", "--function-name", "WhoDisFunction",
                                 "--name", "live", "--routing-config",
                                 "AdditionalVersionWeights={2=0.5}"});
  CHECK(alias["FunctionVersion"] == "1");
  CHECK(alias["RoutingConfig"]["AdditionalVersionWeights"] == json{{"2", 0.5}});
}

std::string base64_decode(const std::string& text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    auto index = kAlphabet.find(c);
    if (index == std::string::npos) throw std::runtime_error("not base64: " + text);
    buffer = (buffer << 6) | static_cast<unsigned>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("lambda invoke runs the version each qualifier names") {
  it::EmulatorProcess emulator(it::seed_template());
  struct Case {
    const char* function_name;
    const char* executed_version;
  };
  const Case cases[] = {
      {"WhoDisFunction", "$LATEST"},
      {"WhoDisFunction:live", "1"},
      {"WhoDisFunction:1", "1"},
      {"WhoDisFunction:$LATEST", "$LATEST"},
  };
  std::vector<std::vector<std::string>> invocations;
  for (const auto& c : cases) invocations.push_back({c.function_name});
  auto answers = invoke_all(emulator, invocations);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const auto& c = cases[i];
    const auto& invocation = answers[i];
    INFO("function name: " << std::string(c.function_name));
    CHECK(invocation.output["StatusCode"] == 200);
    CHECK(invocation.output["ExecutedVersion"] == c.executed_version);
    CHECK_FALSE(invocation.output.contains("FunctionError"));
    CAPTURE(invocation.payload.dump());
    CHECK(invocation.payload["statusCode"] == 200);
    REQUIRE(invocation.payload["body"].is_string());
    CHECK(json::parse(invocation.payload["body"].get<std::string>()) ==
          json{{"message", "Whoop whoop! This is the sound of the Python"},
               {"version", "v1"},
               {"location", "unknown"}});
  }
}

TEST_CASE("lambda invoke of an unknown function fails with ResourceNotFoundException") {
  it::EmulatorProcess emulator(it::seed_template());
  it::TempFile outfile("", ".json");
  auto result = it::run_aws(emulator, {"lambda", "invoke", "--function-name", "NoSuchFunction",
                                       outfile.path()});
  CAPTURE(result.describe());
  CHECK(result.exit_code != 0);
  CHECK_FALSE(result.timed_out);
  CHECK(result.stderr_text.find("ResourceNotFoundException") != std::string::npos);
  CHECK(result.stderr_text.find("NoSuchFunction") != std::string::npos);
}

TEST_CASE("lambda invoke with invocation type Event answers 202") {
  it::EmulatorProcess emulator(it::seed_template());
  auto invocation = invoke(emulator, "WhoDisFunction:live", {"--invocation-type", "Event"});
  CHECK(invocation.output["StatusCode"] == 202);
  CHECK_FALSE(invocation.output.contains("FunctionError"));
}

TEST_CASE("lambda list-functions lists the template's four functions") {
  it::EmulatorProcess emulator(it::seed_template());
  auto listed = aws_ok(emulator, {"lambda", "list-functions"});
  CAPTURE(listed.dump(2));
  REQUIRE(listed["Functions"].is_array());
  CHECK(listed["Functions"].size() == 4);
  std::vector<std::string> names;
  for (const auto& function : listed["Functions"]) names.push_back(function.value("FunctionName", ""));
  auto has = [&](auto predicate) { return std::any_of(names.begin(), names.end(), predicate); };
  CHECK(has([](const std::string& n) { return n == "CodeDeployHook_preTrafficHook"; }));
  CHECK(has([](const std::string& n) { return n == "CodeDeployHook_postTrafficHook"; }));
  // Without a FunctionName, SAM names a function <stack>-<LogicalId>-<SUFFIX>.
  CHECK(has([](const std::string& n) { return n.find("-WhoDisFunction-") != std::string::npos; }));
  CHECK(has([](const std::string& n) { return n.find("-OleOleOleFunction-") != std::string::npos; }));
}

TEST_CASE("a function with AutoPublishAlias starts with version 1 and alias live on it") {
  it::EmulatorProcess emulator(it::seed_template());
  const std::vector<std::vector<std::string>> commands{
      {"lambda", "list-versions-by-function", "--function-name", "WhoDisFunction"},
      {"lambda", "get-alias", "--function-name", "WhoDisFunction", "--name", "live"}};
  auto results = it::run_aws_concurrently(it::aws_endpoint_of(emulator), commands);
  auto versions = require_ok(results[0], emulator, commands[0]);
  CAPTURE(versions.dump(2));
  std::vector<std::string> numbers;
  for (const auto& version : versions["Versions"]) numbers.push_back(version.value("Version", ""));
  CHECK(numbers == std::vector<std::string>{"$LATEST", "1"});

  auto alias = require_ok(results[1], emulator, commands[1]);
  CAPTURE(alias.dump(2));
  CHECK(alias["Name"] == "live");
  CHECK(alias["FunctionVersion"] == "1");
  CHECK_FALSE(alias.contains("RoutingConfig"));
}

TEST_CASE("an alias weighted 0.5 onto a published version splits /whodis binomially") {
  it::EmulatorProcess emulator(it::seed_template());
  split_half_onto_v2(emulator);
  auto versions = whodis_versions(emulator, kSplitRequests);
  int v1 = count_of(versions, "v1");
  int v2 = count_of(versions, "v2");
  CHECK(v1 + v2 == kSplitRequests);
  CHECK(v2 >= kHalfLow);
  CHECK(v2 <= kHalfHigh);
}

TEST_CASE("--seed 7 makes two runs route the same requests to the same versions") {
  // Two emulators, set up side by side (the CLI is the slow part); then each serves the identical
  // sequence of sequential requests.
  it::EmulatorProcess first(it::seed_template(), {"--seed", "7"});
  it::EmulatorProcess second(it::seed_template(), {"--seed", "7"});
  auto second_setup = std::async(std::launch::async, [&] {
    // doctest's assertions are not thread-safe: this thread only throws.
    for (const auto& arguments : std::vector<std::vector<std::string>>{
             {"lambda", "update-function-configuration", "--function-name", "WhoDisFunction",
              "--environment", "Variables={APP_VERSION=v2}"},
             {"lambda", "publish-version", "--function-name", "WhoDisFunction"},
             {"lambda", "update-alias", "--function-name", "WhoDisFunction", "--name", "live",
              "--routing-config", "AdditionalVersionWeights={2=0.5}"}}) {
      auto result = it::run_aws(second, arguments);
      if (result.exit_code != 0)
        throw std::runtime_error("second emulator: aws " + arguments.at(1) + ": " +
                                 result.describe());
    }
  });
  split_half_onto_v2(first);
  second_setup.get();

  auto first_versions = whodis_versions(first, kSplitRequests);
  auto second_versions = whodis_versions(second, kSplitRequests);
  int v2 = count_of(first_versions, "v2");
  CHECK(v2 >= kHalfLow);
  CHECK(v2 <= kHalfHigh);
  REQUIRE(first_versions.size() == second_versions.size());
  std::size_t first_difference = 0;
  while (first_difference < first_versions.size() &&
         first_versions[first_difference] == second_versions[first_difference])
    ++first_difference;
  CHECK_MESSAGE(first_difference == first_versions.size(),
                "the runs differ first at request #" << first_difference);
}

TEST_CASE("moving the alias onto version 2 sends all of /whodis there while :1 still answers v1") {
  it::EmulatorProcess emulator(it::seed_template());
  split_half_onto_v2(emulator);
  auto alias = aws_ok(emulator, {"lambda", "update-alias", "--function-name", "WhoDisFunction",
                                 "--name", "live", "--function-version", "2", "--routing-config",
                                 "AdditionalVersionWeights={}"});
  CAPTURE(alias.dump(2));
  CHECK(alias["FunctionVersion"] == "2");
  CHECK((!alias.contains("RoutingConfig") ||
         alias["RoutingConfig"].value("AdditionalVersionWeights", json::object()).empty()));

  auto versions = whodis_versions(emulator, 100);
  CHECK(count_of(versions, "v2") == 100);

  auto answers = invoke_all(emulator, {{"WhoDisFunction:1"}, {"WhoDisFunction:live"}});
  const auto& pinned = answers[0];
  CHECK(pinned.output["ExecutedVersion"] == "1");
  CHECK(payload_version(pinned.payload) == "v1");
  const auto& live = answers[1];
  CHECK(live.output["ExecutedVersion"] == "2");
  CHECK(payload_version(live.payload) == "v2");
}

TEST_CASE("update-alias refuses a weight outside 0 to 1 with ValidationException") {
  it::EmulatorProcess emulator(it::seed_template());
  publish_v2(emulator);

  auto above = it::run_aws(emulator, {"lambda", "update-alias", "--function-name",
                                      "WhoDisFunction", "--name", "live", "--routing-config",
                                      "AdditionalVersionWeights={2=1.5}"});
  CAPTURE(above.describe());
  CHECK(above.exit_code != 0);
  CHECK(above.stderr_text.find("ValidationException") != std::string::npos);

  // The CLI refuses a negative weight itself (botocore knows the model's minimum), so that one
  // goes to the emulator's UpdateAlias as a raw request.
  auto below = it::request(
      "PUT", it::aws_endpoint_of(emulator) + "/2015-03-31/functions/WhoDisFunction/aliases/live",
      {{"Content-Type", "application/json"}},
      R"({"RoutingConfig": {"AdditionalVersionWeights": {"2": -0.5}}})");
  CAPTURE(below.body);
  CHECK(below.status == 400);
  CHECK(below.header("x-amzn-ErrorType").rfind("ValidationException", 0) == 0);

  // Nothing changed: the alias still sends everything to version 1.
  auto alias = aws_ok(emulator, {"lambda", "get-alias", "--function-name", "WhoDisFunction",
                                 "--name", "live"});
  CHECK(alias["FunctionVersion"] == "1");
  CHECK_FALSE(alias.contains("RoutingConfig"));
}

TEST_CASE("lambda invoke with --log-type Tail returns the START, END and REPORT lines") {
  it::EmulatorProcess emulator(it::seed_template());
  auto invocation = invoke(emulator, "WhoDisFunction:live", {"--log-type", "Tail"});
  REQUIRE(invocation.output["LogResult"].is_string());
  std::string log = base64_decode(invocation.output["LogResult"].get<std::string>());
  CAPTURE(log);
  CHECK(log.find("START RequestId: ") != std::string::npos);
  CHECK(log.find("Version: 1") != std::string::npos);
  CHECK(log.find("END RequestId: ") != std::string::npos);
  CHECK(log.find("REPORT RequestId: ") != std::string::npos);
  CHECK(log.find("Duration: ") != std::string::npos);
  CHECK(log.find("START") < log.find("END RequestId"));
  CHECK(log.find("END RequestId") < log.find("REPORT"));
}
