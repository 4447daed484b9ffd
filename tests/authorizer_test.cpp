// REST API Lambda authorizers without sockets: IAM policy evaluation (wildcards, Deny wins,
// resources), the answer cache (TTL, keys), the authorizer's event and the meaning of its answer,
// the template's Auth (SAM's rules and errors), and the gateway's authorizer step with a scripted
// invoker (401 without invoking, 403s, 500, context into the event, one invocation per TTL).
#include <doctest/doctest.h>

#include "emulator/apigateway/authorizer_cache.h"
#include "emulator/apigateway/gateway.h"
#include "emulator/apigateway/iam_policy.h"
#include "emulator/apigateway/lambda_authorizer.h"
#include "emulator/core/log.h"
#include "emulator/template/loader.h"
#include "tests/support/function_services.h"

using namespace emu;
using Json = nlohmann::json;
namespace http = boost::beast::http;

namespace {

Json policy(const std::string& effect, const Json& resource, const Json& action = "execute-api:Invoke") {
  return {{"Version", "2012-10-17"},
          {"Statement", Json::array({{{"Action", action}, {"Effect", effect}, {"Resource", resource}}})}};
}

const std::string kArn = "arn:aws:execute-api:us-east-1:123456789012:abcdefghij/Prod/GET/items/42";

}  // namespace

TEST_CASE("authorizer: IAM wildcards, * across slashes and ? for one character") {
  CHECK(apigw::wildcard_match("*", ""));
  CHECK(apigw::wildcard_match("arn:*:abcdefghij/*", kArn));
  CHECK(apigw::wildcard_match("arn:aws:execute-api:us-east-1:123456789012:abcdefghij/*/GET/items/*", kArn));
  CHECK(apigw::wildcard_match("arn:aws:execute-api:us-east-1:123456789012:abcdefghij/Prod/GET/items/4?", kArn));
  CHECK_FALSE(apigw::wildcard_match("arn:aws:execute-api:us-east-1:123456789012:abcdefghij/Prod/POST/*", kArn));
  CHECK_FALSE(apigw::wildcard_match("arn:aws:execute-api:us-east-1:123456789012:abcdefghij/Prod/GET/items/4", kArn));
  CHECK(apigw::wildcard_match("a*b*c", "aXXbYYc"));
  CHECK_FALSE(apigw::wildcard_match("a*b*c", "aXXbYY"));
}

TEST_CASE("authorizer: a policy allows, denies explicitly (Deny wins) or allows nothing") {
  using apigw::PolicyDecision;
  CHECK(apigw::evaluate_policy(policy("Allow", "*"), kArn)->decision == PolicyDecision::kAllow);
  CHECK(apigw::evaluate_policy(policy("Deny", "*"), kArn)->decision == PolicyDecision::kExplicitDeny);
  CHECK(apigw::evaluate_policy(policy("Allow", "arn:*/POST/*"), kArn)->decision ==
        PolicyDecision::kNoAllow);
  // Allow and Deny both match: the Deny wins, in either order.
  Json both = policy("Allow", "*");
  both["Statement"].push_back({{"Action", "execute-api:*"}, {"Effect", "Deny"}, {"Resource", Json::array({"arn:none", kArn})}});
  CHECK(apigw::evaluate_policy(both, kArn)->decision == PolicyDecision::kExplicitDeny);
  std::swap(both["Statement"][0], both["Statement"][1]);
  CHECK(apigw::evaluate_policy(both, kArn)->decision == PolicyDecision::kExplicitDeny);
  // An action other than execute-api:Invoke grants nothing; names are case-insensitive.
  CHECK(apigw::evaluate_policy(policy("Allow", "*", "s3:GetObject"), kArn)->decision ==
        PolicyDecision::kNoAllow);
  CHECK(apigw::evaluate_policy(policy("Allow", "*", "Execute-Api:invoke"), kArn)->decision ==
        PolicyDecision::kAllow);
  // A single statement object instead of a list, as IAM accepts.
  Json single = {{"Statement", {{"Action", "*"}, {"Effect", "Allow"}, {"Resource", kArn}}}};
  CHECK(apigw::evaluate_policy(single, kArn)->decision == PolicyDecision::kAllow);
  // Malformed: errors, which the gateway answers with 500.
  CHECK_FALSE(apigw::evaluate_policy(Json::object(), kArn).ok());
  CHECK_FALSE(apigw::evaluate_policy(policy("Maybe", "*"), kArn).ok());
  CHECK_FALSE(apigw::evaluate_policy(policy("Allow", 42), kArn).ok());
}

TEST_CASE("authorizer: the cache keeps an answer for its TTL, per authorizer and identity") {
  apigw::AuthorizerCache cache;
  const auto t0 = apigw::AuthorizerCache::Clock::now();
  const auto key = apigw::AuthorizerCache::key("api/TokenAuth", {"Bearer a"});
  cache.put(key, {{"principalId", "a"}}, std::chrono::seconds(300), t0);
  CHECK(cache.find(key, t0 + std::chrono::seconds(299)));
  CHECK_FALSE(cache.find(key, t0 + std::chrono::seconds(300)));  // expired, and dropped
  CHECK(cache.size() == 0);
  cache.put(key, {{"principalId", "a"}}, std::chrono::seconds(0), t0);  // TTL 0: not kept
  CHECK(cache.size() == 0);
  // Identity values are kept apart: ("a", "bc") is not ("ab", "c").
  CHECK(apigw::AuthorizerCache::key("x", {"a", "bc"}) != apigw::AuthorizerCache::key("x", {"ab", "c"}));
  CHECK(apigw::AuthorizerCache::key("x", {"a"}) != apigw::AuthorizerCache::key("y", {"a"}));
}

TEST_CASE("authorizer: the method ARN, the events and the identity sources") {
  CHECK(apigw::method_arn("us-east-1", "123456789012", "abcdefghij", "Prod", "GET", "/items/42") == kArn);
  CHECK(apigw::token_event("Bearer x", kArn) ==
        Json{{"type", "TOKEN"}, {"authorizationToken", "Bearer x"}, {"methodArn", kArn}});
  Json proxy = {{"path", "/items/42"}, {"body", "secret"}, {"isBase64Encoded", false},
                {"headers", {{"x-tenant", "acme"}, {"Authorization", "Bearer x"}}},
                {"queryStringParameters", {{"key", "k1"}}},
                {"stageVariables", nullptr},
                {"requestContext", {{"identity", {{"sourceIp", "10.0.0.1"}}}}}};
  auto request = apigw::request_event(proxy, kArn);
  CHECK(request["type"] == "REQUEST");
  CHECK(request["methodArn"] == kArn);
  CHECK_FALSE(request.contains("body"));
  CHECK_FALSE(request.contains("isBase64Encoded"));

  tmpl::AuthorizerSpec spec;
  spec.kind = tmpl::AuthorizerSpec::Kind::kLambdaRequest;
  using Where = tmpl::IdentitySource::Where;
  spec.identity = {{Where::kHeader, "X-Tenant"}, {Where::kQuery, "key"}, {Where::kContext, "identity.sourceIp"}};
  std::string missing;
  auto values = apigw::identity_values(spec, proxy, missing);
  REQUIRE(values);
  CHECK(*values == std::vector<std::string>{"acme", "k1", "10.0.0.1"});  // header names any case
  spec.identity.push_back({Where::kStageVariable, "tier"});
  CHECK_FALSE(apigw::identity_values(spec, proxy, missing));
  CHECK(missing == "stage variable tier");
}

TEST_CASE("authorizer: an answer's meaning; its context reaches the function as strings") {
  using Kind = apigw::AuthorizerOutcome::Kind;
  Json answer = {{"principalId", "user-1"}, {"policyDocument", policy("Allow", "*")},
                 {"context", {{"user", "u"}, {"tier", 3}, {"admin", true}}}};
  auto allowed = apigw::judge_answer(answer, kArn);
  CHECK(allowed.kind == Kind::kAllow);
  CHECK(allowed.context == Json{{"principalId", "user-1"}, {"user", "u"}, {"tier", "3"}, {"admin", "true"}});
  answer["context"]["nested"] = Json::object({{"a", 1}});
  CHECK(apigw::judge_answer(answer, kArn).kind == Kind::kConfigurationError);
  CHECK(apigw::judge_answer({{"policyDocument", policy("Allow", "*")}}, kArn).kind ==
        Kind::kConfigurationError);  // no principalId
  CHECK(apigw::judge_answer({{"principalId", "x"}}, kArn).kind == Kind::kConfigurationError);
  CHECK(apigw::judge_answer({{"principalId", "x"}, {"policyDocument", policy("Deny", "*")}}, kArn).kind ==
        Kind::kExplicitDeny);
  CHECK(apigw::judge_answer({{"principalId", "x"}, {"policyDocument", policy("Allow", "arn:x")}}, kArn).kind ==
        Kind::kNotAllowed);

  lambda::InvokeResult failed;
  failed.outcome = lambda::InvokeResult::Outcome::kFunctionError;
  failed.payload = lambda::error_payload("Exception", "Unauthorized");
  CHECK(apigw::judge_failure(failed).kind == Kind::kUnauthorized);
  failed.payload = lambda::error_payload("ValueError", "boom");
  CHECK(apigw::judge_failure(failed).kind == Kind::kConfigurationError);
  failed.outcome = lambda::InvokeResult::Outcome::kTimeout;
  CHECK(apigw::judge_failure(failed).kind == Kind::kConfigurationError);
}

namespace {

const char* kAuthTemplate = R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  AuthApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Auth:
        DefaultAuthorizer: TokenAuth
        Authorizers:
          TokenAuth:
            FunctionArn: !GetAtt AuthFunction.Arn
            Identity:
              ValidationExpression: '^Bearer [a-z-]+$'
          RequestAuth:
            FunctionPayloadType: REQUEST
            FunctionArn: !GetAtt AuthFunction.Arn
            Identity:
              QueryStrings: [key]
              ReauthorizeEvery: 0
  AuthFunction:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: echo.zip, Handler: bootstrap, Runtime: provided.al2023}
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: echo.zip
      Handler: bootstrap
      Runtime: provided.al2023
      Events:
        Private: {Type: Api, Properties: {RestApiId: !Ref AuthApi, Path: /private, Method: GET}}
        Other: {Type: Api, Properties: {RestApiId: !Ref AuthApi, Path: /other, Method: GET}}
        Open:
          Type: Api
          Properties: {RestApiId: !Ref AuthApi, Path: /open, Method: GET, Auth: {Authorizer: NONE}}
        Tenant:
          Type: Api
          Properties: {RestApiId: !Ref AuthApi, Path: /t, Method: GET, Auth: {Authorizer: RequestAuth}}
)";

Result<tmpl::Stack> load_text(const std::string& text) {
  tmpl::LoadOptions options;
  options.stack_name = "unit";
  return tmpl::load_stack_from_string(text, "auth.yaml", options);
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("authorizer: the template's Auth, with SAM's defaults and errors") {
  auto stack = load_text(kAuthTemplate);
  REQUIRE_MESSAGE(stack.ok(), (stack.ok() ? "" : stack.error().message));
  const auto* api = stack->find_api("AuthApi");
  REQUIRE(api);
  REQUIRE(api->auth);
  CHECK(api->auth->default_authorizer == "TokenAuth");
  const auto* token = api->auth->find("TokenAuth");
  REQUIRE(token);
  CHECK(token->kind == tmpl::AuthorizerSpec::Kind::kLambdaToken);
  CHECK(token->function == "AuthFunction");
  CHECK(token->ttl_seconds == 300);  // SAM's default ReauthorizeEvery
  REQUIRE(token->identity.size() == 1);
  CHECK(token->identity[0].name == "Authorization");  // the default header
  const auto* request = api->auth->find("RequestAuth");
  REQUIRE(request);
  CHECK(request->kind == tmpl::AuthorizerSpec::Kind::kLambdaRequest);
  CHECK(request->ttl_seconds == 0);

  struct Case {
    const char* name;
    std::string text;
    const char* message;
  };
  const Case cases[] = {
      {"an event naming an authorizer the API lacks",
       replaced(kAuthTemplate, "Authorizer: RequestAuth", "Authorizer: Nope"),
       "Unable to set Authorizer [Nope] on API method [get] for path [/t] because it wasn't "
       "defined in the API's Authorizers."},
      {"a DefaultAuthorizer that is not defined",
       replaced(kAuthTemplate, "DefaultAuthorizer: TokenAuth", "DefaultAuthorizer: Nope"),
       "Unable to set DefaultAuthorizer because 'Nope' was not defined in 'Authorizers'"},
      {"a FunctionArn outside the template",
       replaced(kAuthTemplate, "FunctionArn: !GetAtt AuthFunction.Arn\n            Identity:\n              Val",
                "FunctionArn: arn:aws:lambda:us-east-1:1:function:elsewhere\n            Identity:\n              Val"),
       "is not a function of this template"},
      {"a REQUEST authorizer without identity, cached",
       replaced(kAuthTemplate, "              QueryStrings: [key]\n              ReauthorizeEvery: 0\n",
                "              ReauthorizeEvery: 60\n"),
       "a REQUEST authorizer needs Identity"},
      {"a ValidationExpression that is no regular expression",
       replaced(kAuthTemplate, "'^Bearer [a-z-]+$'", "'^Bearer [a-z'"), "is not a regular expression"},
      {"a TTL over an hour", replaced(kAuthTemplate, "ReauthorizeEvery: 0", "ReauthorizeEvery: 3601"),
       "ReauthorizeEvery"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto failed = load_text(c.text);
    REQUIRE_FALSE(failed.ok());
    CAPTURE(failed.error().message);
    CHECK(failed.error().message.find(c.message) != std::string::npos);
    CHECK(failed.error().message.find("auth.yaml:") == 0);  // file:line:column first
  }
}

namespace {

// The authorizer answers by script; the echo function answers 200 with the event it got.
class AuthInvoker final : public lambda::Invoker {
 public:
  lambda::InvokeResult authorizer_answer;
  nlohmann::json last_authorizer_event;
  nlohmann::json last_event;
  int authorizer_calls = 0;
  int function_calls = 0;

  void invoke(lambda::FunctionVersionPtr version, nlohmann::json event, std::string,
              lambda::InvokeCallback done) override {
    lambda::InvokeResult result;
    if (version->logical_id == "AuthFunction") {
      ++authorizer_calls;
      last_authorizer_event = std::move(event);
      result = authorizer_answer;
    } else {
      ++function_calls;
      last_event = event;
      result.payload = {{"statusCode", 200}, {"body", "ok"}};
    }
    result.executed_version = version->version;
    result.request_id = "r" + std::to_string(authorizer_calls + function_calls);
    done(std::move(result));
  }
};

struct GatewayFixture : emu::testing::FunctionServices {
  GatewayFixture() {
    log::set_quiet(true);
    auto loaded = load_text(kAuthTemplate);
    REQUIRE(loaded.ok());
    stack = std::move(loaded).value();
    std::vector<std::string> warnings;
    routes.store(std::make_shared<const apigw::RouteTable>(apigw::RouteTable::build(stack, warnings)));
    build(stack, invoker);
    gateway = std::make_unique<apigw::Gateway>(routes, *service);
    allow("*");
  }
  ~GatewayFixture() { log::set_quiet(false); }

  void allow(const std::string& resource, const std::string& effect = "Allow") {
    invoker.authorizer_answer = {};
    invoker.authorizer_answer.payload = {{"principalId", "user-1"},
                                         {"policyDocument", policy(effect, resource)},
                                         {"context", {{"tier", 3}}}};
  }

  server::HttpResponse send(const std::string& target, const std::string& authorization = "") {
    server::HttpRequest request(http::verb::get, target, 11);
    request.set(http::field::host, "localhost:3000");
    if (!authorization.empty()) request.set(http::field::authorization, authorization);
    std::optional<server::HttpResponse> answer;
    gateway->handle(std::move(request), {"127.0.0.1", 5555},
                    [&answer](server::HttpResponse response) { answer = std::move(response); });
    REQUIRE(answer.has_value());
    return std::move(*answer);
  }

  tmpl::Stack stack;
  apigw::RouteTableHolder routes{nullptr};
  AuthInvoker invoker;
  std::unique_ptr<apigw::Gateway> gateway;
};

}  // namespace

TEST_CASE_FIXTURE(GatewayFixture, "authorizer: a TOKEN authorizer allows, and its context reaches the function") {
  auto response = send("/dev/private", "Bearer alice");
  CHECK(response.result_int() == 200);
  CHECK(invoker.authorizer_calls == 1);
  CHECK(invoker.last_authorizer_event["type"] == "TOKEN");
  CHECK(invoker.last_authorizer_event["authorizationToken"] == "Bearer alice");
  CHECK(invoker.last_authorizer_event["methodArn"].get<std::string>().ends_with("/dev/GET/private"));
  const auto& authorizer = invoker.last_event["requestContext"]["authorizer"];
  CHECK(authorizer["principalId"] == "user-1");
  CHECK(authorizer["tier"] == "3");
  CHECK(authorizer["integrationLatency"].is_number_integer());
  // Within the TTL the same token is not authorized again.
  CHECK(send("/dev/private", "Bearer alice").result_int() == 200);
  CHECK(invoker.authorizer_calls == 1);
  CHECK(send("/dev/private", "Bearer bob").result_int() == 200);
  CHECK(invoker.authorizer_calls == 2);
  // NONE: no authorizer.
  CHECK(send("/dev/open").result_int() == 200);
  CHECK(invoker.authorizer_calls == 2);
}

TEST_CASE_FIXTURE(GatewayFixture, "authorizer: API Gateway's refusals, each with its body") {
  struct Case {
    const char* name;
    std::string authorization;
    unsigned status;
    const char* body;
    const char* error_type;
    int authorizer_calls;
  };
  // No header, or one failing ValidationExpression: 401 without invoking the authorizer.
  const Case before[] = {
      {"no token", "", 401, R"({"message":"Unauthorized"})", "UnauthorizedException", 0},
      {"a token failing ValidationExpression", "Basic abc", 401, R"({"message":"Unauthorized"})",
       "UnauthorizedException", 0},
  };
  for (const auto& c : before) {
    CAPTURE(c.name);
    auto response = send("/dev/private", c.authorization);
    CHECK(response.result_int() == c.status);
    CHECK(response.body() == c.body);
    CHECK(response["x-amzn-ErrorType"] == c.error_type);
    CHECK(invoker.authorizer_calls == c.authorizer_calls);
  }
  CHECK(invoker.function_calls == 0);

  allow("*", "Deny");
  auto denied = send("/dev/private", "Bearer deny");
  CHECK(denied.result_int() == 403);
  CHECK(denied.body() == R"({"Message":"User is not authorized to access this resource with an explicit deny"})");
  CHECK(denied["x-amzn-ErrorType"] == "AccessDeniedException");

  allow("arn:aws:execute-api:*:*:*/dev/POST/*");
  auto not_allowed = send("/dev/private", "Bearer other");
  CHECK(not_allowed.result_int() == 403);
  CHECK(not_allowed.body() == R"({"Message":"User is not authorized to access this resource"})");

  invoker.authorizer_answer = {};
  invoker.authorizer_answer.outcome = lambda::InvokeResult::Outcome::kFunctionError;
  invoker.authorizer_answer.payload = lambda::error_payload("Exception", "Unauthorized");
  CHECK(send("/dev/private", "Bearer unauthorized").result_int() == 401);

  invoker.authorizer_answer.payload = lambda::error_payload("ValueError", "boom");
  auto failed = send("/dev/private", "Bearer crash");
  CHECK(failed.result_int() == 500);
  CHECK(failed.body() == R"({"message": null})");
  CHECK(failed["x-amzn-ErrorType"] == "AuthorizerConfigurationException");
  CHECK(invoker.function_calls == 0);
}

TEST_CASE_FIXTURE(GatewayFixture, "authorizer: a cached policy is judged again for each method ARN") {
  allow("arn:aws:execute-api:*:*:*/dev/GET/private");
  CHECK(send("/dev/private", "Bearer alice").result_int() == 200);
  // The same token on another route of the same authorizer: the cached policy, judged for
  // .../dev/GET/other, allows nothing; no new invocation.
  auto other = send("/dev/other", "Bearer alice");
  CHECK(other.result_int() == 403);
  CHECK(other.body() == R"({"Message":"User is not authorized to access this resource"})");
  CHECK(invoker.authorizer_calls == 1);
  CHECK(invoker.function_calls == 1);
}

TEST_CASE_FIXTURE(GatewayFixture, "authorizer: a REQUEST authorizer gets the request, without caching at TTL 0") {
  CHECK(send("/dev/t?key=k1").result_int() == 200);
  CHECK(send("/dev/t?key=k1").result_int() == 200);
  CHECK(invoker.authorizer_calls == 2);  // ReauthorizeEvery: 0
  CHECK(invoker.last_authorizer_event["type"] == "REQUEST");
  CHECK(invoker.last_authorizer_event["queryStringParameters"]["key"] == "k1");
  CHECK(invoker.last_authorizer_event["path"] == "/t");
  CHECK_FALSE(invoker.last_authorizer_event.contains("body"));
  // TTL 0: a missing identity source does not refuse by itself; the authorizer decides.
  CHECK(send("/dev/t").result_int() == 200);
  CHECK(invoker.authorizer_calls == 3);
}
