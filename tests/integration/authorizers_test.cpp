// REST API Lambda authorizers on the real binary (docs/auth.md), written in Python (TOKEN) and
// Node.js (REQUEST): tests/templates/authorizers.yaml. Allow with the context reaching the
// function, explicit deny, no matching Allow, 401 without invoking the authorizer, the authorizer
// failing, caching within the TTL, a cached policy judged again for another path, NONE; every
// refusal logged with its reason. The functions run the same in both passes: default pass only.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "emulator_process.h"
#include "http_client.h"
#include "lambda_invoke.h"
#include "templates.h"

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

it::EmulatorProcess authorizers() {
  return it::EmulatorProcess(it::test_template("authorizers.yaml"), {"--invoke-mode", "auto"});
}

it::HttpResponse get(it::EmulatorProcess& emulator, const std::string& path,
                     const it::HeaderList& headers = {}) {
  return it::get(emulator.url(path), headers);
}

// How many times an authorizer ran, once its output has had time to arrive (its lines reach the
// emulator's stdout through a pipe, after the response may have).
std::size_t calls(it::EmulatorProcess& emulator, const std::string& which) {
  std::this_thread::sleep_for(300ms);
  return it::count(emulator.stdout_text(), which + " authorizer called");
}

}  // namespace

TEST_CASE("authorizers: a Python TOKEN authorizer allows; its context reaches the function; cached") {
  DEFAULT_PASS_ONLY();
  auto emulator = authorizers();
  auto response = get(emulator, "/dev/private", {{"Authorization", "Bearer allow-alice"}});
  REQUIRE(response.status == 200);
  auto body = json::parse(response.body);
  CHECK(body["authorizer"]["principalId"] == "alice");
  CHECK(body["authorizer"]["user"] == "alice");
  CHECK(body["authorizer"]["tier"] == "3");     // numbers and booleans arrive as strings
  CHECK(body["authorizer"]["admin"] == "true");
  CHECK(body["authorizer"]["integrationLatency"].is_number());
  // The event the authorizer got, as API Gateway sends a TOKEN authorizer's.
  CHECK(emulator.stdout_text().find(R"("authorizationToken": "Bearer allow-alice")") !=
        std::string::npos);
  CHECK(emulator.stdout_text().find(R"("type": "TOKEN")") != std::string::npos);
  CHECK(emulator.stdout_text().find("/dev/GET/private\"") != std::string::npos);  // methodArn
  CHECK(calls(emulator, "token") == 1);
  // The same token within ReauthorizeEvery (300 s): answered from the cache.
  CHECK(get(emulator, "/dev/private", {{"Authorization", "Bearer allow-alice"}}).status == 200);
  CHECK(calls(emulator, "token") == 1);
  CHECK(get(emulator, "/dev/private", {{"Authorization", "Bearer allow-bob"}}).status == 200);
  CHECK(it::wait_for_count(emulator, "token authorizer called", 2, 5s));
  // Auth: {Authorizer: NONE}: open, without calling it.
  auto open = get(emulator, "/dev/open");
  CHECK(open.status == 200);
  CHECK(json::parse(open.body)["authorizer"].is_null());
  CHECK(calls(emulator, "token") == 2);
}

TEST_CASE("authorizers: API Gateway's refusals, each logged with its reason") {
  DEFAULT_PASS_ONLY();
  auto emulator = authorizers();
  struct Case {
    const char* name;
    std::string token;
    long status;
    const char* body;
    const char* error_type;
    const char* logged;
  };
  const Case cases[] = {
      {"no Authorization header", "", 401, R"({"message":"Unauthorized"})", "UnauthorizedException",
       "the identity source header Authorization is missing or empty"},
      {"a token failing ValidationExpression", "Basic abc", 401, R"({"message":"Unauthorized"})",
       "UnauthorizedException", "does not match its ValidationExpression"},
      {"an explicit Deny", "Bearer deny-mallory", 403,
       R"({"Message":"User is not authorized to access this resource with an explicit deny"})",
       "AccessDeniedException", "its policy denies"},
      {"an Allow for another path only", "Bearer elsewhere", 403,
       R"({"Message":"User is not authorized to access this resource"})", "AccessDeniedException",
       "no statement of its policy allows"},
      {"the authorizer raising Unauthorized", "Bearer unauthorized", 401,
       R"({"message":"Unauthorized"})", "UnauthorizedException",
       "the authorizer failed with \"Unauthorized\""},
      {"an answer without a policy", "Bearer broken", 500, R"({"message": null})",
       "AuthorizerConfigurationException", "its answer has no policyDocument"},
      {"the authorizer raising another error", "Bearer crash", 500, R"({"message": null})",
       "AuthorizerConfigurationException", "the authorizer failed: no such token: crash"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    it::HeaderList headers;
    if (!c.token.empty()) headers.push_back({"Authorization", c.token});
    auto response = get(emulator, "/dev/private", headers);
    CHECK(response.status == c.status);
    CHECK(response.body == c.body);
    CHECK(response.header("x-amzn-ErrorType") == c.error_type);
    CHECK(emulator.child().wait_for_stdout_line(c.logged, 2s));
  }
  CHECK(emulator.stdout_text().find("401 from authorizer TokenAuth (TOKEN, function "
                                    "TokenAuthFunction)") != std::string::npos);
  CHECK(calls(emulator, "token") == 5);  // not for the missing or malformed token
  CHECK(it::count(emulator.stdout_text(), "[EchoFunction] START") == 0);  // it never ran
  // "Bearer elsewhere" is allowed on GET /open, which has no authorizer anyway.
  CHECK(get(emulator, "/dev/open", {{"Authorization", "Bearer elsewhere"}}).status == 200);
}

TEST_CASE("authorizers: a Node.js REQUEST authorizer, its cache keyed on the identity sources") {
  DEFAULT_PASS_ONLY();
  auto emulator = authorizers();
  const it::HeaderList acme = {{"X-Tenant", "acme"}};
  auto allowed = get(emulator, "/dev/tenants/acme?key=secret", acme);
  REQUIRE(allowed.status == 200);
  auto body = json::parse(allowed.body);
  CHECK(body["authorizer"]["principalId"] == "tenant-acme");
  CHECK(body["authorizer"]["tenant"] == "acme");
  CHECK(emulator.stdout_text().find(R"("type":"REQUEST")") != std::string::npos);
  CHECK(emulator.stdout_text().find(R"("hasBody":false)") != std::string::npos);
  CHECK(calls(emulator, "request") == 1);
  // Another key: another cache entry, denied by the authorizer.
  CHECK(get(emulator, "/dev/tenants/acme?key=wrong", acme).status == 403);
  CHECK(calls(emulator, "request") == 2);
  // A missing identity source (the header): 401 without invoking it.
  CHECK(get(emulator, "/dev/tenants/acme?key=secret").status == 401);
  CHECK(calls(emulator, "request") == 2);
  // The same identity on another path: the cached policy (Allow on .../tenants/acme only) is
  // judged again for this method ARN and allows nothing, without a new invocation, as on AWS.
  auto other = get(emulator, "/dev/tenants/globex?key=secret", acme);
  CHECK(other.status == 403);
  CHECK(other.body == R"({"Message":"User is not authorized to access this resource"})");
  CHECK(calls(emulator, "request") == 2);
  CHECK(emulator.child().wait_for_stdout_line("(cached answer)", 2s));
}
