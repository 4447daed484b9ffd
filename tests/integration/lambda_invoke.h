// Lambda's Invoke through an emulator's AWS endpoint, its log tail, and counting log lines: what
// the tests of running functions (runtime_api_test, python_runtime_test, node_runtime_test) share.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "emulator_process.h"
#include "http_client.h"

namespace it {

// POST /2015-03-31/functions/<function>/invocations with X-Amz-Log-Type: Tail (20 s budget).
HttpResponse invoke(EmulatorProcess& emulator, const std::string& function,
                    const std::string& payload = "{}");

// invoke(), which must answer 200 (a doctest REQUIRE), its payload parsed; `raw` gets the response.
nlohmann::json invoke_json(EmulatorProcess& emulator, const std::string& function,
                           HttpResponse* raw = nullptr, const std::string& payload = "{}");

// The response's X-Amz-Log-Result, base64-decoded: the invocation's last 4 KB of log.
std::string decoded_tail(const HttpResponse& response);

// How often `needle` occurs in `text`.
std::size_t count(const std::string& text, const std::string& needle);

// Waits (up to `budget`) until the emulator's stdout holds `needle` at least `n` times.
bool wait_for_count(EmulatorProcess& emulator, const std::string& needle, std::size_t n,
                    std::chrono::milliseconds budget = std::chrono::seconds(5));

}  // namespace it
