#include "lambda_invoke.h"

#include <doctest/doctest.h>

#include <thread>

#include "aws_cli.h"

namespace it {

HttpResponse invoke(EmulatorProcess& emulator, const std::string& function,
                    const std::string& payload) {
  return request("POST",
                 aws_endpoint_of(emulator) + "/2015-03-31/functions/" + function + "/invocations",
                 {{"X-Amz-Log-Type", "Tail"}, {"Content-Type", "application/json"}}, payload,
                 std::chrono::seconds(20));
}

nlohmann::json invoke_json(EmulatorProcess& emulator, const std::string& function,
                           HttpResponse* raw, const std::string& payload) {
  auto response = invoke(emulator, function, payload);
  REQUIRE(response.status == 200);
  if (raw) *raw = response;
  return nlohmann::json::parse(response.body);
}

std::string decoded_tail(const HttpResponse& response) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in = response.header("X-Amz-Log-Result"), out;
  int bits = 0;
  unsigned value = 0;
  for (char c : in) {
    auto pos = alphabet.find(c);
    if (pos == std::string::npos) break;
    value = (value << 6) | static_cast<unsigned>(pos);
    if ((bits += 6) >= 8) out.push_back(static_cast<char>((value >> (bits -= 8)) & 0xff));
  }
  return out;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

bool wait_for_count(EmulatorProcess& emulator, const std::string& needle, std::size_t n,
                    std::chrono::milliseconds budget) {
  auto deadline = std::chrono::steady_clock::now() + budget;
  while (count(emulator.stdout_text(), needle) < n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace it
