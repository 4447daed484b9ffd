#include "emulator/lambda/runtime_api/runtime_api_handler.h"

#include <nlohmann/json.hpp>
#include <string_view>

namespace emu::lambda {
namespace {

namespace http = boost::beast::http;

constexpr std::string_view kInvocationPrefix = "/2018-06-01/runtime/invocation/";
constexpr std::string_view kInitError = "/2018-06-01/runtime/init/error";
constexpr std::string_view kNext = "/2018-06-01/runtime/invocation/next";

server::HttpResponse json_response(http::status status, const nlohmann::json& body,
                                   unsigned http_version) {
  server::HttpResponse response(status, http_version);
  response.set(http::field::content_type, "application/json");
  response.body() = body.dump();
  response.prepare_payload();
  return response;
}

server::HttpResponse invalid_request_id(const std::string& id, unsigned http_version) {
  return runtime_api_error(400, "InvalidRequestID",
                           "Invalid request ID: " + id + " is not the invocation in progress",
                           http_version);
}

RuntimeError runtime_error(const server::HttpRequest& request) {
  RuntimeError error;
  if (auto it = request.find("Lambda-Runtime-Function-Error-Type"); it != request.end())
    error.type_header = std::string(it->value());
  error.body = request.body();
  return error;
}

}  // namespace

server::HttpResponse runtime_api_status(unsigned http_version) {
  // The answer to every accepted POST: built once, copied (its body is what
  // nlohmann::json{{"status", "OK"}}.dump() writes).
  static const server::HttpResponse accepted = [] {
    server::HttpResponse response(http::status::accepted, 11);
    response.set(http::field::content_type, "application/json");
    response.body() = R"({"status":"OK"})";
    response.prepare_payload();
    return response;
  }();
  server::HttpResponse response = accepted;
  response.version(http_version);
  return response;
}

server::HttpResponse runtime_api_error(unsigned status, const std::string& type,
                                       const std::string& message, unsigned http_version) {
  return json_response(static_cast<http::status>(status),
                       {{"errorMessage", message}, {"errorType", type}}, http_version);
}

void RuntimeApiHandler::handle(server::HttpRequest request, const server::ClientInfo&,
                               server::Respond respond) {
  const unsigned version = request.version();
  auto backend = backend_.lock();
  if (!backend) {
    return respond(runtime_api_error(500, "Runtime.ContainerError",
                                     "this execution environment has ended; exit", version));
  }
  std::string_view target = request.target();
  if (auto query = target.find('?'); query != std::string_view::npos) target = target.substr(0, query);
  const bool get = request.method() == http::verb::get;
  const bool post = request.method() == http::verb::post;
  auto wrong_method = [&](std::string_view expected) {
    respond(runtime_api_error(405, "MethodNotAllowed",
                              std::string(target) + " takes " + std::string(expected), version));
  };

  if (target == kNext) {
    if (!get) return wrong_method("GET");
    return backend->next(std::move(respond));
  }
  if (target == kInitError) {
    if (!post) return wrong_method("POST");
    backend->init_error(runtime_error(request));
    return respond(runtime_api_status(version));
  }
  if (target.substr(0, kInvocationPrefix.size()) == kInvocationPrefix) {
    auto rest = target.substr(kInvocationPrefix.size());
    auto slash = rest.find('/');
    if (slash != std::string_view::npos && slash > 0) {
      std::string id(rest.substr(0, slash));
      auto action = rest.substr(slash + 1);
      if (action == "response" || action == "error") {
        if (!post) return wrong_method("POST");
        bool accepted = action == "response" ? backend->response(id, std::move(request.body()))
                                             : backend->error(id, runtime_error(request));
        return respond(accepted ? runtime_api_status(version) : invalid_request_id(id, version));
      }
    }
  }
  respond(runtime_api_error(404, "NotFound",
                            "no Runtime API resource " + std::string(target) +
                                " (version 2018-06-01: GET /runtime/invocation/next, POST "
                                "/runtime/invocation/{id}/response|error, POST /runtime/init/error)",
                            version));
}

server::HttpResponse RuntimeApiHandler::rejection(server::Rejection reason, unsigned http_version) {
  switch (reason) {
    case server::Rejection::kBodyTooLarge:
      if (auto backend = backend_.lock()) backend->response_too_large();
      return runtime_api_error(413, "RequestEntityTooLarge",
                               "the response is larger than Lambda's 6 MB (6291456 bytes) limit",
                               http_version);
    case server::Rejection::kHeaderTooLarge:
      return runtime_api_error(431, "RequestHeaderFieldsTooLarge", "headers too large",
                               http_version);
    case server::Rejection::kTooManyConnections:
      return runtime_api_error(503, "TooManyConnections", "too many connections", http_version);
    case server::Rejection::kMalformed:
      break;
  }
  return runtime_api_error(400, "InvalidRequest", "malformed HTTP request", http_version);
}

}  // namespace emu::lambda
