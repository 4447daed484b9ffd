// Issue 7, security: values from --env-vars and the functions' credentials never reach the
// emulator's output, whatever the functions do (answer, fail, time out) and whatever is asked of
// the AWS endpoints.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "aws_cli.h"
#include "emulator_process.h"
#include "http_client.h"
#include "temp_file.h"

namespace {

constexpr const char* kSecret = "tok-9f8e7d6c5b4a-not-for-logs";

const char* kTemplate = R"(Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: provided.al2023
    Handler: bootstrap
    Timeout: 1
    Environment:
      Variables:
        API_TOKEN: placeholder
Resources:
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: faults/echo
      Events:
        Echo: {Type: Api, Properties: {Path: /echo, Method: any}}
  ThrowFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: faults/throw
      Events:
        Throw: {Type: Api, Properties: {Path: /throw, Method: get}}
  SleepFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: faults/sleep
      Events:
        Sleep: {Type: Api, Properties: {Path: /sleep, Method: get}}
)";

}  // namespace

TEST_CASE("secrets from --env-vars and the credentials never appear in the emulator's output") {
  it::TempFile yaml(kTemplate, ".yaml");
  it::TempFile env_vars(std::string(R"({"Parameters": {"API_TOKEN": ")") + kSecret + R"("}})",
                        ".json");
  it::EmulatorProcess emulator(yaml.path(), {"--env-vars", env_vars.path()});
  CHECK(it::request("POST", emulator.url("/echo"), {}, "hello").status == 200);
  CHECK(it::get(emulator.url("/throw")).status == 502);
  CHECK(it::get(emulator.url("/sleep")).status == 504);
  const auto endpoint = it::aws_endpoint_of(emulator);
  // The Lambda API does return the variables, as AWS does (to the caller, not to the log).
  auto configuration =
      it::get(endpoint + "/2015-03-31/functions/EchoFunction/configuration");
  CHECK(configuration.body.find(kSecret) != std::string::npos);
  auto invoked = it::request("POST", endpoint + "/2015-03-31/functions/ThrowFunction/invocations",
                             {{"X-Amz-Log-Type", "Tail"}}, "{}");
  CHECK(invoked.status == 200);
  CHECK(emulator.stop() == 0);
  const std::string output = emulator.stdout_text() + emulator.stderr_text();
  CHECK(output.find("[EchoFunction] START") != std::string::npos);  // the log is there...
  CHECK(output.find(kSecret) == std::string::npos);                 // ...the secret is not
  CHECK(output.find("emulator-local-secret-key") == std::string::npos);
  CHECK(output.find("emulator-local-session-token") == std::string::npos);
}
