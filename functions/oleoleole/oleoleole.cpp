#include "oleoleole/oleoleole.h"

#include "greeting/greeting.h"

namespace functions {

nlohmann::json oleoleole_handler(const nlohmann::json& event,
                                 const lambda_runtime::Context& context) {
  return greeting_response("Feelin' hot hot hot!", event, context);
}

}  // namespace functions
