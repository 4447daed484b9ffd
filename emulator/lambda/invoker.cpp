#include "emulator/lambda/invoker.h"

namespace emu::lambda {

nlohmann::json error_payload(const std::string& type, const std::string& message) {
  return {{"errorMessage", message}, {"errorType", type}, {"stackTrace", nlohmann::json::array()}};
}

}  // namespace emu::lambda
