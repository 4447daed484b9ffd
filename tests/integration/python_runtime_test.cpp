// Python functions with no Docker (issue 14; docs/runtimes.md): the emulator runs unchanged
// handlers with the machine's python3 and its own loop (runtimes/python), over the same Runtime API,
// warm environments, timeouts and logs as a provided bootstrap. Template:
// tests/templates/python-functions.yaml. Every case passes --invoke-mode auto (the default) and runs in
// the suite's default pass only.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "aws_cli.h"
#include "emulator_process.h"
#include "http_client.h"
#include "lambda_invoke.h"
#include "temp_file.h"
#include "templates.h"

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using it::count;
using it::decoded_tail;
using it::invoke;
using it::invoke_json;

it::EmulatorProcess python_functions() {
  return it::EmulatorProcess(it::test_template("python-functions.yaml"), {"--invoke-mode", "auto"});
}


// Checks an INIT failure as AWS's Python runtime reports it, through Invoke.
void check_init_error(it::EmulatorProcess& emulator, const std::string& function,
                      const std::string& type, const std::string& message_start) {
  it::HttpResponse response;
  auto payload = invoke_json(emulator, function, &response);
  INFO(function << ": " << payload.dump());
  CHECK(response.header("X-Amz-Function-Error") == "Unhandled");
  CHECK(payload["errorType"] == type);
  CHECK(payload["errorMessage"].get<std::string>().rfind(message_start, 0) == 0);
  CHECK(payload["stackTrace"].is_array());
}

// The local python3's "3.11", read as the emulator reads it.
std::string local_python_version() {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen("python3 --version 2>/dev/null", "r"), ::pclose);
  char line[64] = {};
  if (!pipe || !std::fgets(line, sizeof line, pipe.get())) return "";
  int major = 0, minor = 0;
  if (std::sscanf(line, "Python %d.%d", &major, &minor) != 2) return "";
  return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace

TEST_CASE("python: the handler gets AWS's context and environment, print and logging are its log") {
  DEFAULT_PASS_ONLY();
  auto emulator = python_functions();
  CHECK(emulator.stdout_text().find("Runtime API (a process per warm environment): python3.11 "
                                    "with ") != std::string::npos);
  it::HttpResponse response;
  auto payload = invoke_json(emulator, "ContextFunction", &response);
  INFO(payload.dump(2));
  CHECK_FALSE(response.has_header("X-Amz-Function-Error"));
  const std::string name = payload["function_name"];
  CHECK(name.find("ContextFunction") != std::string::npos);
  CHECK(payload["function_version"] == "$LATEST");
  CHECK(payload["invoked_function_arn"].get<std::string>().rfind("arn:aws:lambda:us-east-1:", 0) == 0);
  CHECK(payload["memory_limit_in_mb"] == "256");  // a string, as on AWS
  CHECK(payload["aws_request_id"].get<std::string>().size() == 36);
  CHECK(payload["log_group_name"] == "/aws/lambda/" + name);
  CHECK(payload["remaining_ms"].get<int>() > 0);
  CHECK(payload["remaining_ms"].get<int>() <= 3000);
  CHECK(payload["env"]["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.11");
  CHECK(payload["env"]["APP_SETTING"] == "from-the-template");
  CHECK(payload["env"]["_HANDLER"] == "app.context_of");
  CHECK(payload["env"]["AWS_ENDPOINT_URL"] == it::aws_endpoint_of(emulator));
  // The task root is the CodeUri folder, and the working folder.
  const std::string root = payload["env"]["LAMBDA_TASK_ROOT"];
  CHECK(root == it::source_path("tests/templates/python"));
  CHECK(payload["cwd"] == root);
  CHECK(payload["event"] == json::object());
  auto tail = decoded_tail(response);
  INFO(tail);
  CHECK(tail.find("START RequestId: " + payload["aws_request_id"].get<std::string>()) !=
        std::string::npos);
  CHECK(tail.find("a line from print") < tail.find("END RequestId:"));
  // logging's records as AWS's Python runtime formats them: [LEVEL] time request-id message.
  CHECK(tail.find("[INFO]\t") != std::string::npos);
  CHECK(tail.find(payload["aws_request_id"].get<std::string>() + "\ta line from logging") !=
        std::string::npos);
  // Warm: a second invocation reuses the process.
  invoke_json(emulator, "ContextFunction");
  CHECK(count(emulator.stdout_text(), "[ContextFunction] started python3.11 runtime (pid") == 1);
}

TEST_CASE("python: an API route answers through the handler, a raised exception is a 502") {
  DEFAULT_PASS_ONLY();
  auto emulator = python_functions();
  auto response = it::get(emulator.url("/py/thing?x=1"));
  REQUIRE(response.status == 200);
  CHECK(response.header("X-Runtime") == "python");
  auto body = json::parse(response.body);
  CHECK(body["path"] == "/py/thing");
  CHECK(body["method"] == "GET");
  CHECK(body["query"] == json{{"x", "1"}});
  CHECK(it::get(emulator.url("/boom")).status == 502);

  it::HttpResponse raw;
  auto error = invoke_json(emulator, "BoomFunction", &raw);
  CHECK(raw.header("X-Amz-Function-Error") == "Unhandled");
  CHECK(error["errorType"] == "ValueError");
  CHECK(error["errorMessage"] == "boom from python");
  REQUIRE(error["stackTrace"].is_array());
  REQUIRE_FALSE(error["stackTrace"].empty());
  CHECK(error["stackTrace"].back().get<std::string>().find("app.py") != std::string::npos);
  auto tail = decoded_tail(raw);
  CHECK(tail.find("[ERROR] ValueError: boom from python") != std::string::npos);
}

TEST_CASE("python: a result json cannot write is Runtime.MarshalError, handlers in subfolders load") {
  DEFAULT_PASS_ONLY();
  auto emulator = python_functions();
  auto marshal = invoke_json(emulator, "MarshalFunction");
  CHECK(marshal["errorType"] == "Runtime.MarshalError");
  CHECK(marshal["errorMessage"].get<std::string>().rfind("Unable to marshal response:", 0) == 0);
  CHECK(invoke_json(emulator, "NestedFunction") == json{{"nested", true}});
}

TEST_CASE("python: INIT failures carry AWS's error types, a missing package says how to fix it") {
  DEFAULT_PASS_ONLY();
  auto emulator = python_functions();
  check_init_error(emulator, "MissingModuleFunction", "Runtime.ImportModuleError",
                   "Unable to import module 'missing': No module named 'missing'");
  check_init_error(emulator, "MissingDependencyFunction", "Runtime.ImportModuleError",
                   "Unable to import module 'needs_dependency': No module named "
                   "'package_that_is_not_installed'");
  check_init_error(emulator, "HandlerNotFoundFunction", "Runtime.HandlerNotFound",
                   "Handler 'nothere' missing on module 'app'");
  check_init_error(emulator, "SyntaxErrorFunction", "Runtime.UserCodeSyntaxError",
                   "Syntax error in module 'broken'");
  check_init_error(emulator, "MalformedHandlerFunction", "Runtime.MalformedHandlerName",
                   "Bad handler 'app'");
  // The hint for a package that is not installed, in the function's log.
  CHECK(emulator.child().wait_for_stdout_line("sam build", 5s));
  CHECK(emulator.stdout_text().find("Phase: init\tStatus: error\tError Type: "
                                    "Runtime.ImportModuleError") != std::string::npos);
}

TEST_CASE("python: past its Timeout the process is killed (Sandbox.Timedout), a crash is ExitError") {
  DEFAULT_PASS_ONLY();
  auto emulator = python_functions();
  auto timed_out = invoke_json(emulator, "SleepyFunction");
  CHECK(timed_out["errorType"] == "Sandbox.Timedout");
  CHECK(timed_out["errorMessage"] == "Task timed out after 1.00 seconds");
  auto crashed = invoke_json(emulator, "CrashFunction");
  CHECK(crashed["errorType"] == "Runtime.ExitError");
  CHECK(crashed["errorMessage"].get<std::string>().find("exit status 3") != std::string::npos);
  // Each starts afresh next time.
  invoke_json(emulator, "SleepyFunction");
  CHECK(it::wait_for_count(emulator, "[SleepyFunction] started python3.11 runtime (pid", 2));
}

TEST_CASE("python: boto3 calls from a handler reach the emulator with no endpoint in the code") {
  DEFAULT_PASS_ONLY();
  auto emulator = python_functions();
  it::HttpResponse raw;
  auto names = invoke_json(emulator, "SdkFunction", &raw);
  INFO(names.dump() << "\n" << decoded_tail(raw));
  CHECK_FALSE(raw.has_header("X-Amz-Function-Error"));
  REQUIRE(names.is_array());
  CHECK(names.size() == 17);
  bool found = false;
  for (const auto& name : names) found = found || name.get<std::string>().find("SdkFunction") != std::string::npos;
  CHECK(found);
}

TEST_CASE("python: a newer runtime than the local one is warned about, java is named and fails") {
  DEFAULT_PASS_ONLY();
  auto emulator = python_functions();
  const std::string err = emulator.stderr_text();
  const std::string local = local_python_version();
  if (!local.empty() && local < "3.13") {
    CHECK(err.find("Resources.NewerRuntimeFunction.Properties.Runtime: python3.13 is newer than "
                   "the local Python " + local) != std::string::npos);
  }
  CHECK(err.find("Resources.JavaFunction.Properties.Runtime: Runtime java21 cannot run in this "
                 "emulator") != std::string::npos);
  it::HttpResponse raw;
  auto payload = invoke_json(emulator, "JavaFunction", &raw);
  CHECK(raw.header("X-Amz-Function-Error") == "Unhandled");
  CHECK(payload["errorType"] == "Runtime.InvalidRuntime");
  // The other functions are served.
  CHECK(it::get(emulator.url("/py/x")).status == 200);
}

TEST_CASE("python: a layer of the template is on sys.path, as /opt/python is on AWS") {
  DEFAULT_PASS_ONLY();
  auto emulator = python_functions();
  it::HttpResponse raw;
  auto answer = invoke_json(emulator, "LayerFunction", &raw);
  INFO(decoded_tail(raw));
  CHECK(answer == "hello from the layer");
}

TEST_CASE("python: sam build's output beside the template is served, and said, unless ignored") {
  DEFAULT_PASS_ONLY();
  it::TempDir app;
  const std::string source_body = "def handler(event, context):\n    return 'from the sources'\n";
  const std::string built_body = "def handler(event, context):\n    return 'from sam build'\n";
  const std::string template_text =
      "Transform: AWS::Serverless-2016-10-31\n"
      "Resources:\n"
      "  Fn:\n"
      "    Type: AWS::Serverless::Function\n"
      "    Properties: {CodeUri: CODE, Handler: app.handler, Runtime: python3.11}\n";
  auto with_code = [&](const std::string& code) {
    std::string text = template_text;
    text.replace(text.find("CODE"), 4, code);
    return text;
  };
  app.write("src/app.py", source_body);
  app.write(".aws-sam/build/Fn/app.py", built_body);
  app.write(".aws-sam/build/template.yaml", with_code("Fn"));
  app.write("template.yaml", with_code("src/"));
  // The sources changed after the build (file times are coarser than two writes).
  std::filesystem::last_write_time(
      app.path("template.yaml"),
      std::filesystem::last_write_time(app.path(".aws-sam/build/template.yaml")) + 2s);
  {
    it::EmulatorProcess emulator(app.path("template.yaml"), {"--invoke-mode", "auto"});
    CHECK(emulator.stdout_text().find("Serving sam build's output " +
                                      app.path(".aws-sam/build/template.yaml")) != std::string::npos);
    CHECK(invoke_json(emulator, "Fn") == "from sam build");
    // The stack keeps the sources' folder name (not "build"): same function names either way.
    CHECK(emulator.stdout_text().find("(stack emulator-it-") != std::string::npos);
    // template.yaml was written after the build: a stale build is said.
    CHECK(emulator.stderr_text().find("changed after sam build wrote") != std::string::npos);
  }
  it::EmulatorProcess sources(app.path("template.yaml"), {"--ignore-sam-build"});
  CHECK(sources.stdout_text().find("Serving sam build's output") == std::string::npos);
  CHECK(invoke_json(sources, "Fn") == "from the sources");
}
