// The Runtime API's routes and answers (emulator/lambda/runtime_api/runtime_api_handler.h), without sockets:
// a recording backend stands in for the execution environment.
#include "emulator/lambda/runtime_api/runtime_api_handler.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <optional>

using namespace emu;
using namespace emu::lambda;
namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

struct RecordingBackend final : RuntimeApiBackend {
  std::optional<server::Respond> waiting;
  std::string current_id = "req-1";
  std::vector<std::pair<std::string, std::string>> responses;
  std::vector<std::pair<std::string, RuntimeError>> errors;
  std::vector<RuntimeError> init_errors;
  int too_large = 0;

  void next(server::Respond respond) override { waiting = std::move(respond); }
  bool response(const std::string& id, std::string body) override {
    if (id != current_id) return false;
    responses.emplace_back(id, std::move(body));
    return true;
  }
  bool error(const std::string& id, RuntimeError error) override {
    if (id != current_id) return false;
    errors.emplace_back(id, std::move(error));
    return true;
  }
  void init_error(RuntimeError error) override { init_errors.push_back(std::move(error)); }
  void response_too_large() override { ++too_large; }
};

server::HttpRequest request(http::verb method, const std::string& target, std::string body = {}) {
  server::HttpRequest r(method, target, 11);
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

// Handles `r` and returns the response given synchronously (nullopt when none was).
std::optional<server::HttpResponse> handle(RuntimeApiHandler& handler, server::HttpRequest r) {
  std::optional<server::HttpResponse> answer;
  handler.handle(std::move(r), {}, [&](server::HttpResponse response) { answer = std::move(response); });
  return answer;
}

}  // namespace

TEST_CASE("runtime API: GET next is a long poll handed to the environment") {
  auto backend = std::make_shared<RecordingBackend>();
  RuntimeApiHandler handler(backend);
  auto answer = handle(handler, request(http::verb::get, "/2018-06-01/runtime/invocation/next"));
  CHECK_FALSE(answer.has_value());  // answered later, when an event is assigned
  REQUIRE(backend->waiting.has_value());
}

TEST_CASE("runtime API: a response for the invocation in progress is accepted with 202") {
  auto backend = std::make_shared<RecordingBackend>();
  RuntimeApiHandler handler(backend);
  auto answer = handle(handler, request(http::verb::post, "/2018-06-01/runtime/invocation/req-1/response",
                                        R"({"statusCode":200})"));
  REQUIRE(answer.has_value());
  CHECK(answer->result_int() == 202);
  CHECK(json::parse(answer->body()) == json{{"status", "OK"}});
  REQUIRE(backend->responses.size() == 1);
  CHECK(backend->responses[0].second == R"({"statusCode":200})");
}

TEST_CASE("runtime API: an id that is not the invocation in progress is 400 InvalidRequestID") {
  auto backend = std::make_shared<RecordingBackend>();
  RuntimeApiHandler handler(backend);
  for (const char* action : {"response", "error"}) {
    auto answer = handle(handler, request(http::verb::post, std::string("/2018-06-01/runtime/invocation/other/") + action, "{}"));
    REQUIRE(answer.has_value());
    CHECK(answer->result_int() == 400);
    auto body = json::parse(answer->body());
    CHECK(body["errorType"] == "InvalidRequestID");
    CHECK(body["errorMessage"].get<std::string>().find("other") != std::string::npos);
  }
  CHECK(backend->responses.empty());
  CHECK(backend->errors.empty());
}

TEST_CASE("runtime API: an error carries the Lambda-Runtime-Function-Error-Type header and body") {
  auto backend = std::make_shared<RecordingBackend>();
  RuntimeApiHandler handler(backend);
  auto r = request(http::verb::post, "/2018-06-01/runtime/invocation/req-1/error",
                   R"({"errorMessage":"boom","errorType":"Custom"})");
  r.set("Lambda-Runtime-Function-Error-Type", "Runtime.Custom");
  auto answer = handle(handler, std::move(r));
  REQUIRE(answer.has_value());
  CHECK(answer->result_int() == 202);
  REQUIRE(backend->errors.size() == 1);
  CHECK(backend->errors[0].second.type_header == "Runtime.Custom");
  CHECK(json::parse(backend->errors[0].second.body)["errorMessage"] == "boom");

  auto init = handle(handler, request(http::verb::post, "/2018-06-01/runtime/init/error", "{}"));
  REQUIRE(init.has_value());
  CHECK(init->result_int() == 202);
  CHECK(backend->init_errors.size() == 1);
}

TEST_CASE("runtime API: wrong methods, unknown paths and an ended environment") {
  auto backend = std::make_shared<RecordingBackend>();
  RuntimeApiHandler handler(backend);
  auto wrong = handle(handler, request(http::verb::post, "/2018-06-01/runtime/invocation/next"));
  REQUIRE(wrong.has_value());
  CHECK(wrong->result_int() == 405);
  auto get_response = handle(handler, request(http::verb::get, "/2018-06-01/runtime/invocation/req-1/response"));
  CHECK(get_response->result_int() == 405);
  for (const char* path : {"/", "/2018-06-01/runtime/invocation/req-1/other",
                           "/2018-06-01/runtime/invocation//response", "/2019-01-01/runtime/invocation/next"}) {
    auto unknown = handle(handler, request(http::verb::get, path));
    REQUIRE(unknown.has_value());
    CHECK(unknown->result_int() == 404);
    CHECK(json::parse(unknown->body())["errorType"] == "NotFound");
  }
  // The query string is not part of the route.
  handle(handler, request(http::verb::get, "/2018-06-01/runtime/invocation/next?x=1"));
  CHECK(backend->waiting.has_value());

  std::weak_ptr<RuntimeApiBackend> gone;
  {
    auto temporary = std::make_shared<RecordingBackend>();
    gone = temporary;
  }
  RuntimeApiHandler orphan(gone);
  auto ended = handle(orphan, request(http::verb::get, "/2018-06-01/runtime/invocation/next"));
  REQUIRE(ended.has_value());
  CHECK(ended->result_int() == 500);
  CHECK(json::parse(ended->body())["errorType"] == "Runtime.ContainerError");
}

TEST_CASE("runtime API: a response over the limit is 413 and fails the invocation") {
  auto backend = std::make_shared<RecordingBackend>();
  RuntimeApiHandler handler(backend);
  auto answer = handler.rejection(server::Rejection::kBodyTooLarge, 11);
  CHECK(answer.result_int() == 413);
  CHECK(json::parse(answer.body())["errorType"] == "RequestEntityTooLarge");
  CHECK(backend->too_large == 1);
  CHECK(handler.rejection(server::Rejection::kMalformed, 11).result_int() == 400);
}
