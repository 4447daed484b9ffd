#include "emulator/control/control_api.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "emulator/core/log.h"
#include "tests/support/function_services.h"

using namespace emu;
namespace http = boost::beast::http;

namespace {

// Answers every invocation with success at once (the hooks' reports are not needed here).
class QuietInvoker final : public lambda::Invoker {
 public:
  void invoke(lambda::FunctionVersionPtr version, nlohmann::json, std::string,
              lambda::InvokeCallback done) override {
    lambda::InvokeResult result;
    result.executed_version = version->version;
    done(std::move(result));
  }
};

// The emulator's control plane over the project's own template.yaml, on a manual clock.
struct Fixture : emu::testing::FunctionServices {
  Fixture() {
    log::set_quiet(true);
    options.template_path = TEST_SOURCE_DIR "/../template.yaml";
    auto loaded = tmpl::load_stack(options);
    REQUIRE(loaded.ok());
    stack = std::move(loaded).value();
    build(stack, invoker);
    std::vector<std::string> warnings;
    routes = std::make_unique<apigw::RouteTableHolder>(
        std::make_shared<const apigw::RouteTable>(apigw::RouteTable::build(stack, warnings)));
    engine = std::make_unique<codedeploy::DeploymentEngine>(clock, *service);
    redeployer = std::make_unique<control::Redeployer>(options, stack, *routes, *service, *engine);
    api = std::make_unique<control::ControlApi>(*redeployer, *engine, *service, 60.0);
  }
  ~Fixture() { log::set_quiet(false); }

  server::HttpResponse send(http::verb method, const std::string& target, const std::string& body,
                            const std::string& client_address = "127.0.0.1") {
    server::HttpRequest request(method, target, 11);
    request.body() = body;
    request.prepare_payload();
    REQUIRE(api->accepts(request));
    std::optional<server::HttpResponse> answer;
    api->handle(std::move(request), {client_address, 40000},
                [&](server::HttpResponse r) { answer = std::move(r); });
    REQUIRE(answer);
    return std::move(*answer);
  }

  tmpl::LoadOptions options;
  tmpl::Stack stack;
  ManualClock clock;
  QuietInvoker invoker;
  std::unique_ptr<apigw::RouteTableHolder> routes;
  std::unique_ptr<codedeploy::DeploymentEngine> engine;
  std::unique_ptr<control::Redeployer> redeployer;
  std::unique_ptr<control::ControlApi> api;
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "control API: an unchanged deploy changes nothing and says so") {
  auto response = send(http::verb::post, "/emulator/deploy", "{}");
  CHECK(response.result_int() == 200);
  auto body = nlohmann::json::parse(response.body());
  CHECK(body["changes"].empty());
  CHECK(body["message"].get<std::string>().find("No changes") == 0);
}

TEST_CASE_FIXTURE(Fixture, "control API: a deploy starts a canary for whodis, visible in status") {
  auto response = send(http::verb::post, "/emulator/deploy",
                       R"({"parameterOverrides":{"AppVersion":"v2"}})");
  REQUIRE(response.result_int() == 200);
  auto body = nlohmann::json::parse(response.body());
  CHECK(body["deployments"].size() == 2);  // whodis (canary) and oleoleole (all at once, hooks)

  auto status = nlohmann::json::parse(send(http::verb::get, "/emulator/status", "").body());
  CHECK(status["timeScale"] == 60.0);
  bool canary_seen = false;
  for (const auto& d : status["deployments"]) {
    if (d["deploymentConfigName"] == "CodeDeployDefault.LambdaCanary10Percent5Minutes") {
      canary_seen = true;
      CHECK(d["newVersionWeight"] == doctest::Approx(0.1));
      CHECK(d["nextShiftAt"] == 300000);
    }
  }
  CHECK(canary_seen);
}

TEST_CASE_FIXTURE(Fixture, "control API: refusals carry AWS-style errors") {
  struct Case {
    const char* name;
    http::verb method;
    const char* target;
    std::string body;
    const char* client;
    unsigned status;
    const char* type;
  };
  const Case cases[] = {
      {"templatePath from another host", http::verb::post, "/emulator/deploy",
       R"({"templatePath":"/etc/passwd"})", "10.1.2.3", 403, "AccessDeniedException"},
      {"template that does not exist", http::verb::post, "/emulator/deploy",
       R"({"templatePath":"/nonexistent/template.yaml"})", "127.0.0.1", 400, "TemplateError"},
      {"override for an undeclared parameter", http::verb::post, "/emulator/deploy",
       R"({"parameterOverrides":{"Nope":"1"}})", "127.0.0.1", 400, "TemplateError"},
      {"body not an object", http::verb::post, "/emulator/deploy", "[1]", "127.0.0.1", 400,
       "SerializationException"},
      {"override not a string", http::verb::post, "/emulator/deploy",
       R"({"parameterOverrides":{"AppVersion":2}})", "127.0.0.1", 400, "ValidationException"},
      {"unknown path", http::verb::get, "/emulator/nothing", "", "127.0.0.1", 404,
       "UnknownOperationException"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto response = send(c.method, c.target, c.body, c.client);
    CHECK(response.result_int() == c.status);
    CHECK(response["x-amzn-ErrorType"] == c.type);
  }
}

TEST_CASE_FIXTURE(Fixture, "control API: status holds its snapshot while a publish replaces it") {
  // Found by ASan (asan: integration deployment_traffic_test.cpp): status() iterated over the
  // functions of a temporary snapshot, freed when a deployment step published a new one
  // meanwhile (heap-use-after-free). A stress test: the window is narrow, so it catches a
  // regression only sometimes, under ASan (asan: unit) or TSan.
  const std::string function = store->snapshot()->functions.at(0)->name;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    lambda::ConfigurationChange change;
    for (int i = 0; !stop && i < 20000; ++i) {
      change.description = "d" + std::to_string(i);
      (void)store->update_configuration(function, change, "");
    }
  });
  int ok = 0;
  for (int i = 0; i < 2000; ++i)
    ok += send(http::verb::get, "/emulator/status", "").result_int() == 200;
  stop = true;
  writer.join();
  CHECK(ok == 2000);
}
