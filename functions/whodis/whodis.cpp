#include "whodis/whodis.h"

#include "greeting/greeting.h"

namespace functions {

nlohmann::json whodis_handler(const nlohmann::json& event, const lambda_runtime::Context& context) {
  return greeting_response("Whoop whoop! This is the sound of the Python", event, context);
}

}  // namespace functions
