// Fuzz target: a handler's result (any JSON text) -> map_proxy_response -> the HTTP response as
// written to the socket (docs/testing.md). A malformed result must be an Error, never a crash;
// a valid one must serialise as Beast writes it.
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstdlib>
#include <sstream>

#include "emulator/apigateway/proxy_response.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The first byte picks HTTP/1.0 or 1.1, the rest is the handler's JSON.
  if (size == 0) return 0;
  unsigned version = (data[0] & 1) ? 11 : 10;
  auto result = nlohmann::json::parse(data + 1, data + size, nullptr, /*allow_exceptions=*/false);
  if (result.is_discarded()) return 0;
  auto response = emu::apigw::map_proxy_response(result, version);
  if (!response.ok()) {
    if (response.error().message.empty()) std::abort();
    return 0;
  }
  auto& message = response.value();
  if (message.result_int() < 100 || message.result_int() > 599) std::abort();
  std::ostringstream wire;
  wire << message;
  return 0;
}
