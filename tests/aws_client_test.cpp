#include "runtime/aws_client.h"

#include <doctest/doctest.h>

#include <array>
#include <string>
#include <vector>

#include "emulator/core/sha256.h"
#include "tests/support/fake_aws_server.h"
#include "tests/support/fake_context.h"

using lambda_runtime::AwsClient;
using lambda_runtime::FunctionError;
using test_support::ClosedPort;
using test_support::FakeAwsServer;
using test_support::FakeContext;
using test_support::RecordedRequest;
using test_support::ScriptedResponse;

namespace {

using Env = std::map<std::string, std::string, std::less<>>;

constexpr const char* kAccessKey = "AKIDTESTKEY";
constexpr const char* kSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* kFunctionArn = "arn:aws:lambda:eu-west-1:123456789012:function:NAME:2";
// How invoke() addresses kFunctionArn: the name in the path (no escapes for the signature to
// get wrong), the version as ?Qualifier=.
constexpr const char* kFunctionArnTarget = "/2015-03-31/functions/NAME/invocations?Qualifier=2";
constexpr const char* kPutTarget = "CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus";

Env credentials(const Env& extra = {}) {
  Env env = {{"AWS_REGION", "eu-west-1"},
             {"AWS_ACCESS_KEY_ID", kAccessKey},
             {"AWS_SECRET_ACCESS_KEY", kSecretKey}};
  for (const auto& [name, value] : extra) env[name] = value;
  return env;
}

Env pointing_at(const FakeAwsServer& server, Env extra = {}) {
  extra.emplace("AWS_ENDPOINT_URL", server.url());
  return credentials(std::move(extra));
}

ScriptedResponse ok_json(std::string body) { return {200, std::move(body), {}}; }

// Runs `call` and returns the FunctionError it throws; fails the test if it throws none.
template <typename Call>
FunctionError thrown_error(Call&& call) {
  try {
    call();
  } catch (const FunctionError& e) {
    return e;
  }
  FAIL("expected a FunctionError");
  return FunctionError("", "");
}

// --- A reference SigV4 signer ("Create a signed AWS API request", AWS IAM user guide), written
// from the document, independent of libcurl's: it recomputes the signature of a recorded request.
using Bytes = std::string;

Bytes hmac_sha256(const Bytes& key, std::string_view message) {
  constexpr std::size_t kBlock = 64;
  Bytes block = key.size() > kBlock ? [&] {
    auto digest = emu::sha256(key);
    return Bytes(digest.begin(), digest.end());
  }() : key;
  block.resize(kBlock, '\0');
  Bytes inner(kBlock, '\0'), outer(kBlock, '\0');
  for (std::size_t i = 0; i < kBlock; ++i) {
    inner[i] = static_cast<char>(block[i] ^ 0x36);
    outer[i] = static_cast<char>(block[i] ^ 0x5c);
  }
  auto inner_digest = emu::sha256(inner + std::string(message));
  auto digest = emu::sha256(outer + Bytes(inner_digest.begin(), inner_digest.end()));
  return Bytes(digest.begin(), digest.end());
}

std::string hex(const Bytes& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (unsigned char c : bytes) {
    text += kHex[c >> 4];
    text += kHex[c & 0x0F];
  }
  return text;
}

// The part of "Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."
// after `key=`, up to the next ',' or the end.
std::string auth_field(const std::string& authorization, const std::string& key) {
  auto start = authorization.find(key + "=");
  if (start == std::string::npos) return "";
  start += key.size() + 1;
  return authorization.substr(start, authorization.find(',', start) - start);
}

// The signature AWS expects for `request` (path used as sent: correct for paths without escapes,
// which AWS would encode a second time for every service but S3).
std::string reference_signature(const RecordedRequest& request, const std::string& region,
                                const std::string& service) {
  auto authorization = request.header("authorization");
  auto signed_headers = auth_field(authorization, "SignedHeaders");
  std::string canonical_headers;
  for (std::size_t start = 0; start <= signed_headers.size();) {
    auto end = signed_headers.find(';', start);
    if (end == std::string::npos) end = signed_headers.size();
    auto name = signed_headers.substr(start, end - start);
    canonical_headers += name + ":" + request.header(name) + "\n";
    start = end + 1;
  }
  auto path = request.target.substr(0, request.target.find('?'));
  std::string canonical_request = request.method + "\n" + path + "\n" + "\n" + canonical_headers +
                                  "\n" + signed_headers + "\n" + emu::sha256_hex(request.body);
  auto timestamp = request.header("x-amz-date");
  auto date = timestamp.substr(0, 8);
  std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n" + emu::sha256_hex(canonical_request);
  auto key = hmac_sha256(std::string("AWS4") + kSecretKey, date);
  key = hmac_sha256(key, region);
  key = hmac_sha256(key, service);
  key = hmac_sha256(key, "aws4_request");
  return hex(hmac_sha256(key, string_to_sign));
}

}  // namespace

TEST_CASE("AWS client: endpoint is the service's variable, else AWS_ENDPOINT_URL, else regional") {
  struct Case {
    const char* name;
    Env env;
    const char* lambda;
    const char* codedeploy;
  };
  const std::vector<Case> cases = {
      {"nothing set: the regional endpoints", credentials(),
       "https://lambda.eu-west-1.amazonaws.com", "https://codedeploy.eu-west-1.amazonaws.com"},
      {"AWS_DEFAULT_REGION when AWS_REGION is missing",
       {{"AWS_DEFAULT_REGION", "ap-south-1"},
        {"AWS_ACCESS_KEY_ID", kAccessKey},
        {"AWS_SECRET_ACCESS_KEY", kSecretKey}},
       "https://lambda.ap-south-1.amazonaws.com",
       "https://codedeploy.ap-south-1.amazonaws.com"},
      {"AWS_ENDPOINT_URL for every service, trailing '/' dropped",
       credentials({{"AWS_ENDPOINT_URL", "http://127.0.0.1:3001/"}}), "http://127.0.0.1:3001",
       "http://127.0.0.1:3001"},
      {"AWS_ENDPOINT_URL_LAMBDA wins over AWS_ENDPOINT_URL for Lambda only",
       credentials({{"AWS_ENDPOINT_URL", "http://global:1"},
                    {"AWS_ENDPOINT_URL_LAMBDA", "http://lambda-only:2"}}),
       "http://lambda-only:2", "http://global:1"},
      {"AWS_ENDPOINT_URL_CODEDEPLOY alone leaves Lambda regional",
       credentials({{"AWS_ENDPOINT_URL_CODEDEPLOY", "http://codedeploy-only:3"}}),
       "https://lambda.eu-west-1.amazonaws.com", "http://codedeploy-only:3"},
      {"an empty variable counts as unset",
       credentials({{"AWS_ENDPOINT_URL", "http://global:1"}, {"AWS_ENDPOINT_URL_LAMBDA", ""}}),
       "http://global:1", "http://global:1"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    AwsClient client(FakeContext(c.env));
    CHECK(client.lambda_endpoint() == c.lambda);
    CHECK(client.codedeploy_endpoint() == c.codedeploy);
  }
}

TEST_CASE("AWS client: each call goes to its service's chosen endpoint") {
  FakeAwsServer global({ok_json(R"({"lifecycleEventHookExecutionId":"h"})")});
  FakeAwsServer lambda_only({ok_json("{}")});
  AwsClient client(
      FakeContext(pointing_at(global, {{"AWS_ENDPOINT_URL_LAMBDA", lambda_only.url()}})));

  client.invoke("NAME", nlohmann::json::object());
  client.put_lifecycle_event_hook_execution_status("d-1", "h", "Succeeded");

  REQUIRE(lambda_only.requests().size() == 1);
  CHECK(lambda_only.requests()[0].target == "/2015-03-31/functions/NAME/invocations");
  REQUIRE(global.requests().size() == 1);
  CHECK(global.requests()[0].header("x-amz-target") == kPutTarget);
}

TEST_CASE("AWS client: a missing region or credential is an AwsClientError") {
  for (const char* missing : {"AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}) {
    INFO(missing);
    auto env = credentials();
    env.erase(missing);
    auto error = thrown_error([&] { AwsClient client{FakeContext(env)}; });
    CHECK(error.type() == "AwsClientError");
    CHECK(std::string(error.what()).find(missing) != std::string::npos);
  }
}

TEST_CASE("AWS client: invoke POSTs the payload to the url-encoded function name") {
  FakeAwsServer server({{200,
                         R"({"statusCode":200,"body":"{\"version\":\"v2\"}"})",
                         {{"X-Amz-Executed-Version", "2"}}}});
  AwsClient client(FakeContext(pointing_at(server)));
  nlohmann::json payload = {{"httpMethod", "GET"}, {"path", "/oleoleole"}};

  auto result = client.invoke(kFunctionArn, payload);

  CHECK(result.status == 200);
  CHECK(result.function_error.empty());
  CHECK(result.executed_version == "2");
  CHECK(result.payload == nlohmann::json{{"statusCode", 200}, {"body", R"({"version":"v2"})"}});
  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto& request = requests[0];
  CHECK(request.method == "POST");
  CHECK(request.target == kFunctionArnTarget);
  CHECK(request.header("content-type") == "application/json");
  CHECK(nlohmann::json::parse(request.body) == payload);
}

TEST_CASE("AWS client: invoke reports a function's failure without throwing") {
  FakeAwsServer server(
      {{200,
        R"({"errorType":"CheckIpError","errorMessage":"no route"})",
        {{"X-Amz-Function-Error", "Unhandled"}, {"X-Amz-Executed-Version", "3"}}}});
  AwsClient client(FakeContext(pointing_at(server)));

  auto result = client.invoke("NAME:3", nlohmann::json::object());

  CHECK(result.status == 200);
  CHECK(result.function_error == "Unhandled");
  CHECK(result.executed_version == "3");
  CHECK(result.payload["errorType"] == "CheckIpError");
  CHECK(server.requests().at(0).target == "/2015-03-31/functions/NAME/invocations?Qualifier=3");
}

TEST_CASE("AWS client: an invoke answer that is not JSON arrives as a JSON string") {
  FakeAwsServer server({{200, "plain words", {{"Content-Type", "text/plain"}}}});
  AwsClient client(FakeContext(pointing_at(server)));

  auto result = client.invoke("NAME", nlohmann::json::object());

  CHECK(result.payload == nlohmann::json("plain words"));
}

TEST_CASE("AWS client: PutLifecycleEventHookExecutionStatus sends the JSON 1.1 request") {
  FakeAwsServer server({ok_json(R"({"lifecycleEventHookExecutionId":"hook-exec-7"})")});
  AwsClient client(FakeContext(pointing_at(server)));

  auto echoed =
      client.put_lifecycle_event_hook_execution_status("d-ABCDEF123", "hook-exec-7", "Failed");

  CHECK(echoed == "hook-exec-7");
  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto& request = requests[0];
  CHECK(request.method == "POST");
  CHECK(request.target == "/");
  CHECK(request.header("x-amz-target") == kPutTarget);
  CHECK(request.header("content-type") == "application/x-amz-json-1.1");
  CHECK(nlohmann::json::parse(request.body) ==
        nlohmann::json{{"deploymentId", "d-ABCDEF123"},
                       {"lifecycleEventHookExecutionId", "hook-exec-7"},
                       {"status", "Failed"}});
}

TEST_CASE("SigV4: every request is signed for its service, region and credentials") {
  struct Case {
    const char* name;
    const char* service;
    bool session_token;
  };
  const std::vector<Case> cases = {
      {"Lambda Invoke, no session token", "lambda", false},
      {"Lambda Invoke, session token", "lambda", true},
      {"CodeDeploy, no session token", "codedeploy", false},
      {"CodeDeploy, session token", "codedeploy", true},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    FakeAwsServer server({ok_json("{}")});
    Env extra;
    if (c.session_token) extra["AWS_SESSION_TOKEN"] = "session-token-123";
    AwsClient client(FakeContext(pointing_at(server, extra)));
    if (std::string(c.service) == "lambda")
      client.invoke("my-function", {{"a", 1}});  // a name without escapes: see the test below
    else
      client.put_lifecycle_event_hook_execution_status("d-1", "h-1", "Succeeded");

    auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    const auto& request = requests[0];
    auto timestamp = request.header("x-amz-date");
    REQUIRE(timestamp.size() == 16);  // 20240102T030405Z
    CHECK(timestamp[8] == 'T');
    CHECK(timestamp.back() == 'Z');
    auto authorization = request.header("authorization");
    std::string credential = std::string("AWS4-HMAC-SHA256 Credential=") + kAccessKey + "/" +
                             timestamp.substr(0, 8) + "/eu-west-1/" + c.service + "/aws4_request";
    CHECK(authorization.rfind(credential, 0) == 0);
    auto signed_headers = auth_field(authorization, "SignedHeaders");
    CHECK(signed_headers.find("host") != std::string::npos);
    CHECK(signed_headers.find("x-amz-date") != std::string::npos);
    if (c.session_token) {
      CHECK(request.header("x-amz-security-token") == "session-token-123");
      CHECK(signed_headers.find("x-amz-security-token") != std::string::npos);
    } else {
      CHECK(request.headers.count("x-amz-security-token") == 0);
    }
    if (std::string(c.service) == "codedeploy")
      CHECK(signed_headers.find("x-amz-target") != std::string::npos);
    CHECK(auth_field(authorization, "Signature") ==
          reference_signature(request, "eu-west-1", c.service));
  }
}

TEST_CASE("AWS client: an error answer is an AwsClientError with status, type and message") {
  struct Case {
    const char* name;
    ScriptedResponse answer;
    bool invoke;
    std::vector<const char*> mentions;
  };
  const std::vector<Case> cases = {
      {"Lambda's 404",
       {404,
        R"({"Type":"User","Message":"Function not found: arn:aws:lambda:eu-west-1:123456789012:function:NAME:2"})",
        {{"X-Amzn-ErrorType", "ResourceNotFoundException"}}},
       true,
       {"Lambda Invoke", "404", "ResourceNotFoundException", "Function not found"}},
      {"Lambda's error without X-Amzn-ErrorType",
       {429, R"({"Type":"User","Message":"Rate exceeded"})", {}},
       true,
       {"429", "Rate exceeded"}},
      {"CodeDeploy's JSON 1.1 error",
       {400,
        R"({"__type":"com.amazonaws.codedeploy#LifecycleEventAlreadyCompletedException","message":"already completed"})",
        {}},
       false,
       {"PutLifecycleEventHookExecutionStatus", "400", "LifecycleEventAlreadyCompletedException",
        "already completed"}},
      {"a body that is not JSON",
       {503, "upstream unavailable", {}},
       false,
       {"503", "upstream unavailable"}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    FakeAwsServer server({c.answer});
    AwsClient client(FakeContext(pointing_at(server)));
    auto error = thrown_error([&] {
      if (c.invoke)
        client.invoke(kFunctionArn, nlohmann::json::object());
      else
        client.put_lifecycle_event_hook_execution_status("d-1", "h-1", "Succeeded");
    });
    CHECK(error.type() == "AwsClientError");
    std::string message = error.what();
    CAPTURE(message);
    for (const char* mention : c.mentions) CHECK(message.find(mention) != std::string::npos);
  }
}

TEST_CASE("AWS client: a refused connection is an AwsClientError naming the endpoint") {
  ClosedPort closed;
  AwsClient client(FakeContext(credentials({{"AWS_ENDPOINT_URL", closed.url()}})));

  auto error = thrown_error([&] { client.invoke("NAME", nlohmann::json::object()); });

  CHECK(error.type() == "AwsClientError");
  CHECK(std::string(error.what()).find(closed.url()) != std::string::npos);
}

TEST_CASE("AWS client: a call that outlasts its timeout is an AwsClientError") {
  FakeAwsServer server({ScriptedResponse::hanging()});
  AwsClient client(FakeContext(pointing_at(server)), std::chrono::milliseconds(200));

  auto error = thrown_error(
      [&] { client.put_lifecycle_event_hook_execution_status("d-1", "h-1", "Succeeded"); });

  CHECK(error.type() == "AwsClientError");
  CHECK(std::string(error.what()).find("timed out") != std::string::npos);
}
