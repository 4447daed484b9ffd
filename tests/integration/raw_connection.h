// A raw TCP connection to the emulator for the HTTP edge cases an HTTP client library smooths
// over: pipelining, HTTP/1.0 without Host, Expect: 100-continue, oversized headers.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "emulator_process.h"

namespace it {

class RawConnection {
 public:
  // Connects to 127.0.0.1:port; throws std::runtime_error on failure.
  explicit RawConnection(std::uint16_t port);

  void send(const std::string& bytes);
  // Reads until `needle` has arrived (or the peer closes, or `timeout`); everything read so far.
  std::string read_until(const std::string& needle,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads until the peer closes the connection (or `timeout`).
  std::string read_all(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  UniqueFd fd_;
  std::string received_;
};

}  // namespace it
