// AWS::Serverless::HttpApi, HttpApi events, Cors and BinaryMediaTypes as the template engine reads
// them (issue 17); what SAM's translator does with the same input is cited per case.
#include <doctest/doctest.h>

#include <string>

#include "emulator/template/loader.h"

namespace {

using emu::tmpl::ApiKind;
using emu::tmpl::LoadOptions;
using emu::tmpl::Stack;

emu::Result<Stack> load(const std::string& yaml) {
  LoadOptions options;
  options.stack_name = "test";
  return emu::tmpl::load_stack_from_string(yaml, "t.yaml", options);
}

Stack load_ok(const std::string& yaml) {
  auto stack = load(yaml);
  REQUIRE_MESSAGE(stack.ok(), (stack.ok() ? "" : stack.error().message));
  return std::move(stack.value());
}

std::string error_of(const std::string& yaml) {
  auto stack = load(yaml);
  return stack.ok() ? "<loaded>" : stack.error().message;
}

const std::string kFunction = R"(Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: r
      Events:
)";

}  // namespace

TEST_CASE("template: HttpApi events join the implicit ServerlessHttpApi ($default stage), "
          "with Globals.HttpApi, $default routes and payload 2.0 by default") {
  const Stack stack = load_ok(R"(Transform: AWS::Serverless-2016-10-31
Globals:
  HttpApi:
    StageVariables: {A: b}
    CorsConfiguration: true
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: h
      Runtime: r
      Events:
        Get: {Type: HttpApi, Properties: {Path: '/items/{id}', Method: get}}
        Old: {Type: HttpApi, Properties: {Path: /old, Method: any, PayloadFormatVersion: '1.0', TimeoutInMillis: 5000}}
        Rest: {Type: HttpApi}
Outputs:
  Url: {Value: !Sub 'https://${ServerlessHttpApi}.execute-api.${AWS::Region}.amazonaws.com/'}
  Endpoint: {Value: !GetAtt ServerlessHttpApi.ApiEndpoint}
)");
  REQUIRE(stack.apis.size() == 1);
  const auto& api = stack.apis[0];
  CHECK(api.logical_id == "ServerlessHttpApi");
  CHECK(api.kind == ApiKind::kHttp);
  CHECK(api.stage_name == "$default");
  CHECK(api.stage_variables == std::map<std::string, std::string>{{"A", "b"}});
  REQUIRE(api.http_cors.has_value());
  CHECK(api.http_cors->allow_origins == std::vector<std::string>{"*"});
  const auto& events = stack.functions[0].api_events;
  REQUIRE(events.size() == 3);
  CHECK(events[0].kind == ApiKind::kHttp);
  CHECK(events[0].method == "GET");
  CHECK(events[0].payload_format_version == "2.0");
  CHECK(events[0].timeout_ms == 30000);
  CHECK(events[1].payload_format_version == "1.0");
  CHECK(events[1].timeout_ms == 5000);
  CHECK(events[2].path == "$default");
  CHECK(events[2].method == "ANY");
  CHECK(stack.outputs[0].value == "https://" + api.api_id + ".execute-api.us-east-1.amazonaws.com/");
  CHECK(stack.outputs[1].value == "https://" + api.api_id + ".execute-api.us-east-1.amazonaws.com");
}

TEST_CASE("template: HttpApi errors say what SAM or API Gateway would refuse") {
  // samtranslator: "Event with id [E] is invalid. Property 'Method' is required."
  CHECK(error_of(kFunction + "        E: {Type: HttpApi, Properties: {Path: /x}}\n")
            .find("Property 'Method' is required when 'Path' is set") != std::string::npos);
  CHECK(error_of(kFunction +
                 "        E: {Type: HttpApi, Properties: {Path: /x, Method: get, "
                 "PayloadFormatVersion: 3}}\n")
            .find("expected \"1.0\" or \"2.0\", got \"3\"") != std::string::npos);
  CHECK(error_of(kFunction +
                 "        E: {Type: HttpApi, Properties: {Path: /x, Method: get, "
                 "TimeoutInMillis: 31000}}\n")
            .find("TimeoutInMillis") != std::string::npos);
  CHECK(error_of(kFunction +
                 "        E: {Type: HttpApi, Properties: {Path: /x, Method: get, ApiId: !Ref Q}}\n"
                 "  Q: {Type: AWS::Serverless::Api, Properties: {StageName: s}}\n")
            .find("'Q' is not an AWS::Serverless::HttpApi of this template (it is "
                  "AWS::Serverless::Api)") != std::string::npos);
  // samtranslator: "'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not set".
  CHECK(error_of(kFunction + "        E: {Type: HttpApi}\n"
                             "  ServerlessHttpApi:\n"
                             "    Type: AWS::Serverless::HttpApi\n"
                             "    Properties:\n"
                             "      CorsConfiguration: {AllowOrigins: ['*'], AllowCredentials: true}\n")
            .find("'AllowCredentials' can not be true") != std::string::npos);
}

TEST_CASE("template: a REST API's Cors (quoted values, SAM's defaults) and BinaryMediaTypes") {
  const Stack stack = load_ok(kFunction + R"(        E: {Type: Api, Properties: {Path: /x, Method: get, RestApiId: !Ref A}}
  A:
    Type: AWS::Serverless::Api
    Properties:
      StageName: s
      Cors: {AllowHeaders: "'content-type'", MaxAge: "'600'"}
      BinaryMediaTypes: [image~1png, '*~1*']
)");
  REQUIRE(stack.apis.size() == 1);
  const auto& cors = stack.apis[0].rest_cors;
  REQUIRE(cors.has_value());
  CHECK(cors->allow_origin == "*");  // SAM's default AllowOrigin "'*'"
  CHECK(cors->allow_headers == "content-type");
  CHECK(cors->max_age == "600");
  CHECK_FALSE(cors->allow_methods.has_value());
  CHECK(stack.apis[0].binary_media_types == std::vector<std::string>{"image/png", "*/*"});
  CHECK(error_of(kFunction + R"(        E: {Type: Api, Properties: {Path: /x, Method: get}}
Globals:
  Api:
    Cors: "*"
)").find("expected a value in single quotes inside the string, e.g. \"'*'\"") !=
        std::string::npos);
}
