#include "greeting/greeting.h"

#include <chrono>

#include "runtime/http_get.h"
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
  const auto* ip = event.contains("requestContext") ? &event["requestContext"] : nullptr;
  if (ip && ip->is_object() && ip->contains("identity") && (*ip)["identity"].is_object()) {
    const auto& identity = (*ip)["identity"];
    if (auto it = identity.find("sourceIp"); it != identity.end() && it->is_string())
      return it->get<std::string>();
  }
  return "unknown";
}

}  // namespace

nlohmann::json greeting_response(std::string_view message, const nlohmann::json& event,
                                 const lambda_runtime::Context& context) {
  // ordered_json keeps the keys in the order the original app printed them.
  nlohmann::ordered_json body = {
      {"message", message},
      {"version", context.env("APP_VERSION").value_or("")},
      {"location", caller_location(event, context)},
  };
  return {
      {"statusCode", 200},
      {"headers", {{"Content-Type", "application/json"}}},
      {"body", body.dump()},
  };
}

}  // namespace functions
