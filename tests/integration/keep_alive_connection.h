// A keep-alive HTTP/1.1 client connection over a raw socket: send requests, read responses one at a
// time (status line, headers, Content-Length body), reuse the connection. Unlike libcurl it never
// opens a second connection behind the test's back, so a test knows exactly how many connections it
// drives; unlike RawConnection it splits the byte stream into responses. It can also read a
// response slowly (a small receive buffer and read_some), for tests of responses in flight.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "emulator_process.h"
#include "http_client.h"

namespace it {

struct WireResponse {
  std::string status_line;  // "HTTP/1.1 200 OK"
  int status = 0;
  std::multimap<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;

  // The first value of `name`, or "" when absent.
  std::string header(const std::string& name) const;
  // True when the server said it closes the connection after this response.
  bool closes() const;
};

class KeepAliveConnection {
 public:
  // Connects to 127.0.0.1:port. A non-zero `receive_buffer` sets SO_RCVBUF before connecting (the
  // kernel may round it), so that a slow reader makes the server's writes wait. Throws
  // std::runtime_error on failure.
  explicit KeepAliveConnection(std::uint16_t port, int receive_buffer = 0);

  void send(const std::string& bytes);

  // Reads exactly one response with a Content-Length body (or none: 1xx, 204, 304). Throws
  // std::runtime_error when the peer closes or resets first, on a timeout, or on a response this
  // reader does not understand (e.g. chunked).
  WireResponse read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Reads whatever is available, at most `max_bytes`, waiting up to `timeout` for something; the
  // bytes read ("" on timeout or when the peer has closed, see peer_closed). Bytes already taken
  // by read_response's look-ahead come first.
  std::string read_some(std::size_t max_bytes, std::chrono::milliseconds timeout);
  bool peer_closed() const { return peer_closed_; }

 private:
  // Receives once into buffer_ (up to `max_bytes`); false on timeout, close or error.
  bool receive(std::chrono::steady_clock::time_point deadline, std::size_t max_bytes = 65536);

  UniqueFd fd_;
  std::string buffer_;  // received, not yet returned
  bool peer_closed_ = false;
  std::string error_;  // why the last receive failed
};

}  // namespace it
