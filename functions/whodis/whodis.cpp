#include "whodis/whodis.h"

#include <charconv>
#include <cstdint>

#include "greeting/greeting.h"

namespace functions {
namespace {

// FAILURE_PERCENT (0-100, the template's WhoDisFailurePercent): the share of requests this
// version fails on purpose, a demo switch for the CloudWatch alarm that rolls back a canary
// (docs/alarms.md). Which requests fail is decided by a hash of the request id, so the handler
// keeps no state and a given request id always gets the same answer.
bool fails_on_purpose(const lambda_runtime::Context& context) {
  auto text = context.env("FAILURE_PERCENT");
  if (!text || text->empty()) return false;
  double percent = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), percent);
  if (ec != std::errc() || percent <= 0) return false;
  std::uint32_t hash = 2166136261u;  // FNV-1a
  for (char c : context.aws_request_id()) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return (hash % 10'000) < percent * 100;
}

}  // namespace

nlohmann::json whodis_handler(const nlohmann::json& event, const lambda_runtime::Context& context) {
  if (fails_on_purpose(context))
    throw lambda_runtime::FunctionError(
        "DemoFailure", "whodis failed on purpose (FAILURE_PERCENT=" +
                           context.env("FAILURE_PERCENT").value_or("") +
                           "; the WhoDisFailurePercent parameter)");
  return greeting_response("Whoop whoop! This is the sound of the Python", event, context);
}

}  // namespace functions
