// The template engine on the project's real template.yaml and on whole small templates.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "emulator/template/loader.h"

namespace {

using emu::tmpl::LoadOptions;
using emu::tmpl::Stack;

const std::string kTemplatePath = TEST_SOURCE_DIR "/../template.yaml";

Stack load_real_template(std::map<std::string, std::string> overrides = {}) {
  LoadOptions options;
  options.template_path = kTemplatePath;
  options.stack_name = "sam-cpp";
  options.parameter_overrides = std::move(overrides);
  auto stack = emu::tmpl::load_stack(options);
  REQUIRE_MESSAGE(stack.ok(), (stack.ok() ? "" : stack.error().message));
  return std::move(stack.value());
}

emu::Result<Stack> load_text(const std::string& yaml, const std::string& path = "app/t.yaml") {
  LoadOptions options;
  options.stack_name = "test";
  return emu::tmpl::load_stack_from_string(yaml, path, options);
}

}  // namespace

TEST_SUITE_BEGIN("template");

TEST_CASE("template: template.yaml loads into 4 functions and 2 APIs, the implicit one first") {
  const Stack stack = load_real_template();
  CHECK(stack.stack_name == "sam-cpp");
  CHECK(stack.region == "us-east-1");
  CHECK(stack.partition == "aws");
  CHECK(stack.url_suffix == "amazonaws.com");
  REQUIRE(stack.functions.size() == 4);
  CHECK(stack.functions[0].logical_id == "WhoDisFunction");
  CHECK(stack.functions[1].logical_id == "OleOleOleFunction");
  CHECK(stack.functions[2].logical_id == "OleoleolePreTrafficHookFunction");
  CHECK(stack.functions[3].logical_id == "OleoleolePostTrafficHookFunction");
  REQUIRE(stack.apis.size() == 2);
  CHECK(stack.apis[0].logical_id == "ServerlessRestApi");
  CHECK(stack.apis[0].stage_name == "Prod");
  CHECK(stack.apis[0].implicit);
  CHECK(stack.apis[0].name == "sam-cpp");
  CHECK(stack.apis[1].logical_id == "OleoleoleApi");
  CHECK(stack.apis[1].stage_name == "dev");
  CHECK(stack.apis[1].name == "oleoleoleApi");
  CHECK_FALSE(stack.apis[1].implicit);
  CHECK(stack.not_emulated.empty());
  CHECK(stack.warnings.empty());
  CHECK(stack.parameters.at("Environment") == "dev");
  CHECK(stack.parameters.at("PostTrafficHookResult") == "Succeeded");
}

TEST_CASE("template: template.yaml: Globals give every function runtime, handler, timeout and APP_VERSION") {
  const Stack stack = load_real_template();
  for (const auto& function : stack.functions) {
    CAPTURE(function.logical_id);
    CHECK(function.runtime == "provided.al2023");
    CHECK(function.handler == "bootstrap");
    CHECK(function.timeout_seconds == 3);
    CHECK(function.memory_mb == 128);
    CHECK(function.architectures == std::vector<std::string>{"x86_64"});
    CHECK(function.environment.at("APP_VERSION") == "v1");
  }
  const auto& whodis = stack.functions[0];
  CHECK(whodis.code_uri == "build/package/whodis.zip");
  CHECK(whodis.code_uri_where.line == 45);
  CHECK(whodis.code_uri_where.column == 16);
  CHECK(whodis.auto_publish_alias == "live");
  REQUIRE(whodis.deployment_preference);
  CHECK(whodis.deployment_preference->type == "Canary10Percent5Minutes");
  CHECK(whodis.deployment_preference->enabled);
  REQUIRE(whodis.api_events.size() == 1);
  CHECK(whodis.api_events[0].name == "WhoDis");
  CHECK(whodis.api_events[0].path == "/whodis");
  CHECK(whodis.api_events[0].method == "GET");
  CHECK(whodis.api_events[0].api == "ServerlessRestApi");
}

TEST_CASE("template: template.yaml: hooks resolve to the hook functions' names and versions to ARNs") {
  const Stack stack = load_real_template();
  const auto* oleoleole = stack.find_function("OleOleOleFunction");
  REQUIRE(oleoleole);
  REQUIRE(oleoleole->deployment_preference);
  CHECK(oleoleole->deployment_preference->type == "AllAtOnce");
  CHECK(oleoleole->deployment_preference->pre_traffic_hook == "CodeDeployHook_preTrafficHook");
  CHECK(oleoleole->deployment_preference->post_traffic_hook == "CodeDeployHook_postTrafficHook");
  REQUIRE(oleoleole->api_events.size() == 1);
  CHECK(oleoleole->api_events[0].api == "OleoleoleApi");
  CHECK(oleoleole->function_name.starts_with("sam-cpp-OleOleOleFunction-"));
  CHECK(oleoleole->function_name.size() == std::string("sam-cpp-OleOleOleFunction-").size() + 13);

  const auto* pre = stack.find_function("OleoleolePreTrafficHookFunction");
  const auto* post = stack.find_function("OleoleolePostTrafficHookFunction");
  REQUIRE(pre);
  REQUIRE(post);
  CHECK(pre->function_name == "CodeDeployHook_preTrafficHook");
  CHECK(post->function_name == "CodeDeployHook_postTrafficHook");
  REQUIRE(pre->deployment_preference);
  CHECK_FALSE(pre->deployment_preference->enabled);
  CHECK_FALSE(pre->auto_publish_alias);
  const std::string version_arn =
      "arn:aws:lambda:us-east-1:123456789012:function:" + oleoleole->function_name + ":1";
  CHECK(pre->environment.at("CurrentFunctionVersion") == version_arn);
  CHECK(post->environment.at("CurrentFunctionVersion") == version_arn);
  CHECK(post->environment.at("POST_TRAFFIC_RESULT") == "Succeeded");
}

TEST_CASE("template: template.yaml: Outputs resolve to the APIs' URLs with their ids") {
  const Stack stack = load_real_template();
  REQUIRE(stack.outputs.size() == 2);
  const auto& implicit = stack.apis[0];
  const auto& explicit_api = stack.apis[1];
  CHECK(implicit.api_id.size() == 10);
  CHECK(explicit_api.api_id.size() == 10);
  CHECK(implicit.api_id != explicit_api.api_id);
  CHECK(stack.outputs[0].key == "WhoDisApi");
  CHECK(stack.outputs[0].value == "https://" + implicit.api_id +
                                      ".execute-api.us-east-1.amazonaws.com/Prod/whodis/");
  CHECK(stack.outputs[0].description ==
        "API Gateway endpoint URL for the Prod stage of the whodis function");
  CHECK(stack.outputs[1].value == "https://" + explicit_api.api_id +
                                      ".execute-api.us-east-1.amazonaws.com/dev/oleoleole/");
}

TEST_CASE("template: template.yaml: overrides AppVersion=v9 and Environment=qa reach functions, stage and outputs") {
  auto overrides = emu::tmpl::parse_parameter_overrides({"AppVersion=v9 Environment=qa"});
  REQUIRE(overrides.ok());
  const Stack stack = load_real_template(overrides.value());
  for (const auto& function : stack.functions) CHECK(function.environment.at("APP_VERSION") == "v9");
  CHECK(stack.apis[1].stage_name == "qa");
  CHECK(stack.outputs[1].value.ends_with("/qa/oleoleole/"));
  CHECK(stack.parameters.at("AppVersion") == "v9");
}

TEST_CASE("template: template.yaml loads the same ids every time (stable per stack name)") {
  const Stack first = load_real_template();
  const Stack second = load_real_template();
  CHECK(first.apis[0].api_id == second.apis[0].api_id);
  CHECK(first.functions[0].function_name == second.functions[0].function_name);
}

TEST_CASE("template: without a stack name the stack is named after the template's folder, made safe") {
  const auto dir = std::filesystem::temp_directory_path() / "9my_app.v2";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "template.yaml").string();
  std::ofstream(path) << "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n";
  LoadOptions options;
  options.template_path = path;
  auto stack = emu::tmpl::load_stack(options);
  std::filesystem::remove_all(dir);
  REQUIRE(stack.ok());
  CHECK(stack->stack_name == "my-app-v2");
}

TEST_CASE("template: a stack name that CloudFormation would refuse is an error") {
  LoadOptions options;
  options.stack_name = "bad_name";
  auto stack = emu::tmpl::load_stack_from_string("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n",
                                                 "t.yaml", options);
  REQUIRE_FALSE(stack.ok());
  CHECK(stack.error().message ==
        "t.yaml: stack name \"bad_name\" is not valid: it must start with a letter and contain "
        "only letters, digits and '-' (at most 128 characters)");
}

TEST_CASE("template: a missing template file is an error naming the path") {
  LoadOptions options;
  options.template_path = "/nonexistent/template.yaml";
  auto stack = emu::tmpl::load_stack(options);
  REQUIRE_FALSE(stack.ok());
  CHECK(stack.error().code == "TemplateError");
  CHECK(stack.error().message ==
        "/nonexistent/template.yaml: cannot open the template file; check the path (a relative "
        "path starts at the current folder; with no path, `emulator` serves ./template.yaml)");
}

TEST_CASE("template: resources of other types are kept in not_emulated, in template order, never an error") {
  auto stack = load_text(R"(
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      Anything: !Cidr [x, 1, 2]
  Queue:
    Type: AWS::SQS::Queue
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !ImportValue Elsewhere
)");
  REQUIRE_MESSAGE(stack.ok(), (stack.ok() ? "" : stack.error().message));
  REQUIRE(stack->not_emulated.size() == 3);
  CHECK(stack->not_emulated[0].logical_id == "Table");
  CHECK(stack->not_emulated[0].type == "AWS::DynamoDB::Table");
  CHECK(stack->not_emulated[2].logical_id == "Bucket");
  CHECK(stack->functions.empty());
  CHECK(stack->apis.empty());
}

TEST_CASE("template: JSON templates load like YAML") {
  auto stack = load_text(R"({
  "Resources": {
    "Fn": {"Type": "AWS::Serverless::Function",
           "Properties": {"CodeUri": "src", "Handler": "h", "Runtime": "provided.al2023",
                          "Timeout": 30, "Environment": {"Variables": {"N": 5, "B": true}},
                          "Events": {"E": {"Type": "Api", "Properties": {"Path": "/x", "Method": "any"}}}}}
  }
})");
  REQUIRE_MESSAGE(stack.ok(), (stack.ok() ? "" : stack.error().message));
  REQUIRE(stack->functions.size() == 1);
  CHECK(stack->functions[0].timeout_seconds == 30);
  CHECK(stack->functions[0].environment.at("N") == "5");
  CHECK(stack->functions[0].environment.at("B") == "true");
  CHECK(stack->functions[0].api_events[0].method == "ANY");
  CHECK(stack->apis.size() == 1);
}

TEST_SUITE_END();
