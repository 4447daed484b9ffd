#include "emulator/apigateway/gateway.h"

#include <doctest/doctest.h>

#include "emulator/core/log.h"
#include "tests/support/function_services.h"

using namespace emu;
namespace http = boost::beast::http;

namespace {

// Answers every invocation at once with a scripted result, and keeps the event it was given.
class ScriptedInvoker final : public lambda::Invoker {
 public:
  lambda::InvokeResult next;
  nlohmann::json last_event;
  std::string last_arn;
  int calls = 0;

  void invoke(lambda::FunctionVersionPtr version, nlohmann::json event, std::string invoked_arn,
              lambda::InvokeCallback done) override {
    ++calls;
    last_event = std::move(event);
    last_arn = std::move(invoked_arn);
    auto result = next;
    result.executed_version = version->version;
    done(std::move(result));
  }
};

tmpl::Stack one_route_stack() {
  tmpl::Stack stack;
  stack.stack_name = "unit";
  stack.region = "us-east-1";
  stack.partition = "aws";
  tmpl::ApiSpec api;
  api.logical_id = "ServerlessRestApi";
  api.stage_name = "Prod";
  api.api_id = "abcdefghij";
  api.implicit = true;
  stack.apis.push_back(api);
  tmpl::FunctionSpec function;
  function.logical_id = "EchoFunction";
  function.function_name = "unit-EchoFunction-X";
  function.code_uri = "echo.zip";
  function.auto_publish_alias = "live";
  tmpl::ApiEvent event;
  event.name = "Get";
  event.path = "/items/{id}";
  event.method = "GET";
  event.api = "ServerlessRestApi";
  function.api_events.push_back(event);
  stack.functions.push_back(function);
  return stack;
}

struct Fixture : emu::testing::FunctionServices {
  Fixture() {
    log::set_quiet(true);
    std::vector<std::string> warnings;
    routes.store(
        std::make_shared<const apigw::RouteTable>(apigw::RouteTable::build(stack, warnings)));
    build(stack, invoker);
  }
  ~Fixture() { log::set_quiet(false); }

  server::HttpResponse send(http::verb method, const std::string& target) {
    server::HttpRequest request(method, target, 11);
    request.set(http::field::host, "localhost:3000");
    apigw::Gateway gateway(routes, *service);
    std::optional<server::HttpResponse> answer;
    gateway.handle(std::move(request), {"127.0.0.1", 5555},
                   [&answer](server::HttpResponse response) { answer = std::move(response); });
    REQUIRE(answer.has_value());
    return std::move(*answer);
  }

  tmpl::Stack stack = one_route_stack();
  apigw::RouteTableHolder routes{nullptr};
  ScriptedInvoker invoker;
};

lambda::InvokeResult result_of(lambda::InvokeResult::Outcome outcome, nlohmann::json payload) {
  lambda::InvokeResult result;
  result.outcome = outcome;
  result.payload = std::move(payload);
  result.request_id = "req";
  return result;
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "gateway invokes the alias with the proxy event and maps the result") {
  invoker.next = result_of(lambda::InvokeResult::Outcome::kSuccess,
                           {{"statusCode", 201}, {"body", "made"}});
  auto response = send(http::verb::get, "/Prod/items/42?x=1");
  CHECK(response.result_int() == 201);
  CHECK(response.body() == "made");
  CHECK(invoker.last_arn == "arn:aws:lambda:us-east-1:123456789012:function:unit-EchoFunction-X:live");
  CHECK(invoker.last_event["pathParameters"]["id"] == "42");
  CHECK(invoker.last_event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1");
  CHECK(response["x-amzn-RequestId"] == invoker.last_event["requestContext"]["requestId"]);
  CHECK_FALSE(response["x-amz-apigw-id"].empty());
  CHECK(metrics.alias_counts("unit-EchoFunction-X", "live").invocations == 1);
  CHECK(metrics.version_counts("unit-EchoFunction-X", "1").invocations == 1);
}

TEST_CASE_FIXTURE(Fixture, "gateway answers API Gateway's errors for each failure") {
  using Outcome = lambda::InvokeResult::Outcome;
  struct Case {
    const char* name;
    http::verb method;
    const char* target;
    lambda::InvokeResult result;
    unsigned status;
    const char* body;
  };
  const Case cases[] = {
      {"unknown path", http::verb::get, "/nope", {}, 403,
       R"({"message":"Missing Authentication Token"})"},
      {"wrong method", http::verb::post, "/items/1", {}, 403,
       R"({"message":"Missing Authentication Token"})"},
      {"function error", http::verb::get, "/items/1",
       result_of(Outcome::kFunctionError, {{"errorType", "E"}, {"errorMessage", "m"}}), 502,
       R"({"message":"Internal server error"})"},
      {"invalid proxy response", http::verb::get, "/items/1",
       result_of(Outcome::kSuccess, {{"bogus", 1}}), 502, R"({"message":"Internal server error"})"},
      {"timeout", http::verb::get, "/items/1",
       result_of(Outcome::kTimeout, {{"errorMessage", "Task timed out after 3.00 seconds"}}), 504,
       R"({"message":"Endpoint request timed out"})"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    invoker.next = c.result;
    auto response = send(c.method, c.target);
    CHECK(response.result_int() == c.status);
    CHECK(response.body() == c.body);
    CHECK_FALSE(response["x-amzn-ErrorType"].empty());
    CHECK_FALSE(response["x-amzn-RequestId"].empty());
  }
}
