#include "greeting/greeting.h"

#include <chrono>

#include "runtime/http_get.h"
#include "runtime/json_text.h"
#include "runtime/text.h"

namespace functions {
namespace {

constexpr std::chrono::milliseconds kCheckIpTimeout{2000};

std::string caller_location(const nlohmann::json& event, const lambda_runtime::Context& context) {
  if (auto url = context.env("CHECKIP_URL"); url && !url->empty()) {
    auto answer = lambda_runtime::http_get(*url, kCheckIpTimeout);
    if (!answer.ok) throw lambda_runtime::FunctionError("CheckIpError", answer.error);
    return std::string(lambda_runtime::trim(answer.body));
  }
  // event["requestContext"]["identity"]["sourceIp"], where each level exists and has that type.
  const nlohmann::json* value = &event;
  for (const char* key : {"requestContext", "identity", "sourceIp"}) {
    if (!value->is_object()) return "unknown";
    auto it = value->find(key);
    if (it == value->end()) return "unknown";
    value = &*it;
  }
  return value->is_string() ? value->get<std::string>() : "unknown";
}

}  // namespace

nlohmann::json greeting_response(std::string_view message, const nlohmann::json& event,
                                 const lambda_runtime::Context& context) {
  // ordered_json keeps the keys in the order the original app printed them. Members are set one
  // by one: a braced initializer list copies every value once more.
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  body["message"] = message;
  body["version"] = context.env("APP_VERSION").value_or("");
  body["location"] = caller_location(event, context);
  nlohmann::json response = nlohmann::json::object();
  response["statusCode"] = 200;
  response["headers"]["Content-Type"] = "application/json";
  response["body"] = lambda_runtime::dump_json(body);  // as body.dump(), faster
  return response;
}

}  // namespace functions
