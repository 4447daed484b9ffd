#include "emulator/app/startup_report.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "emulator/template/loader.h"

using namespace emu;

namespace {

tmpl::Stack load(const std::string& yaml) {
  tmpl::LoadOptions options;
  options.stack_name = "unit";
  auto stack = tmpl::load_stack_from_string(yaml, "t.yaml", options);
  REQUIRE_MESSAGE(stack.ok(), (stack.ok() ? "" : stack.error().message));
  return std::move(stack).value();
}

apigw::RouteTable routes_of(const tmpl::Stack& stack) {
  std::vector<std::string> warnings;
  return apigw::RouteTable::build(stack, warnings);
}

}  // namespace

TEST_CASE("start-up: counts read as English") {
  CHECK(app::counted(1, "function", "functions") == "1 function");
  CHECK(app::counted(0, "API", "APIs") == "0 APIs");
  CHECK(app::counted(4, "function", "functions") == "4 functions");
}

TEST_CASE("start-up ends with what to try: a request to the first route, a redeploy with the "
          "template's first parameter, and how to stop") {
  auto stack = load(R"(
Transform: AWS::Serverless-2016-10-31
Parameters:
  AppVersion: {Type: String, Default: v1}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: echo.zip
      Handler: h
      Runtime: provided.al2023
      Events:
        Get:
          Type: Api
          Properties:
            Path: /items/{id}
            Method: get
)");
  auto lines = app::next_steps(stack, routes_of(stack), "http://127.0.0.1:3000");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "Try: curl http://127.0.0.1:3000/items/_id_");
  CHECK(lines[1] ==
        "Deploy a change: emulator deploy --parameter-overrides AppVersion=NEW_VALUE (after "
        "editing the template or rebuilding code: emulator deploy); stop with Ctrl-C");
  auto watching = app::next_steps(stack, routes_of(stack), "http://127.0.0.1:3000", true);
  CHECK(watching[1] == "Deploy a change: save it (--watch), or emulator deploy "
                       "--parameter-overrides AppVersion=NEW_VALUE; stop with Ctrl-C");
}

TEST_CASE("start-up without any route says why every request will be refused") {
  auto stack = load(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: echo.zip
      Handler: h
      Runtime: provided.al2023
      Events:
        Queue: {Type: SQS, Properties: {Queue: arn:aws:sqs:us-east-1:123456789012:q}}
)");
  auto routes = routes_of(stack);
  CHECK(routes.routes().empty());
  auto lines = app::next_steps(stack, routes, "http://127.0.0.1:3000");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].starts_with("Deploy a change: emulator deploy --parameter-overrides KEY=VALUE"));
  CHECK(app::no_routes_warning("http://127.0.0.1:3000") ==
        "no API Gateway route: the template has no Api event this emulator serves, so every "
        "request to http://127.0.0.1:3000 gets API Gateway's 403 Missing Authentication Token "
        "(the warnings above say what was left out). The functions still run through the "
        "Lambda API.");
}

TEST_CASE("start-up names the authorizer that guards a route") {
  auto stack = load(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  AuthApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Auth:
        DefaultAuthorizer: TokenAuth
        Authorizers:
          TokenAuth: {FunctionArn: !GetAtt Fn.Arn}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: whodis.zip
      Handler: bootstrap
      Runtime: provided.al2023
      Events:
        Private: {Type: Api, Properties: {RestApiId: !Ref AuthApi, Path: /private, Method: get}}
        Open:
          Type: Api
          Properties: {RestApiId: !Ref AuthApi, Path: /open, Method: get, Auth: {Authorizer: NONE}}
)");
  auto table = routes_of(stack);
  auto lines = app::startup_lines(stack, table, "http://127.0.0.1:3000");
  auto has = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  CHECK(has("Mounting Fn at http://127.0.0.1:3000/private [GET] (authorizer TokenAuth)"));
  CHECK(has("Mounting Fn at http://127.0.0.1:3000/dev/private [GET] (stage dev of AuthApi; "
            "authorizer TokenAuth)"));
  CHECK(has("Mounting Fn at http://127.0.0.1:3000/open [GET]"));
  CHECK(has("Mounting Fn at http://127.0.0.1:3000/dev/open [GET] (stage dev of AuthApi)"));
}
