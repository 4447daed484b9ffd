// HttpServer: a Boost.Beast HTTP/1.1 listener with keep-alive. Accepts on the io_context's
// threads and gives each connection an HttpSession; all request handling is the RequestHandler's.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "emulator/core/result.h"
#include "emulator/server/request_handler.h"

namespace emu::server {

// Limits per listener. Defaults follow API Gateway's quotas (API Gateway developer guide,
// "Amazon API Gateway quotas": payload 10 MB, header value 10,240 bytes).
struct ServerLimits {
  std::uint64_t body_limit = 10 * 1024 * 1024;  // bytes
  std::uint32_t header_limit = 64 * 1024;       // bytes of the whole header block
  std::size_t header_value_limit = 10240;       // bytes of any one header value
  std::size_t max_connections = 4096;           // open connections before new ones are refused
  std::chrono::seconds read_timeout{30};        // one request's headers + body, from its start
  std::chrono::seconds idle_timeout{60};        // keep-alive wait for the next request
  // Whether the services may answer with a stream (Respond::stream: the console's Server-Sent
  // Events). Off for API Gateway's port, whose requests then pay nothing for it.
  bool streams = false;
  std::size_t stream_queue_limit = 1024 * 1024;  // bytes queued for a slow stream reader
};

class HttpServer {
 public:
  // Binds and listens on host:port (port 0 picks a free one), without accepting yet, so the
  // chosen port is known before the services are built. An Error names the address and the
  // system's reason (e.g. "127.0.0.1:3000: Address already in use").
  static Result<std::unique_ptr<HttpServer>> listen(boost::asio::io_context& io,
                                                    const std::string& host, std::uint16_t port,
                                                    ServerLimits limits = {});
  ~HttpServer();

  // Starts accepting; connections are served by `handler` on the io_context's threads.
  void start(std::shared_ptr<RequestHandler> handler);
  // Stops accepting new connections (open sessions finish their current exchange).
  void stop();
  std::uint16_t port() const;
  // Requests being handled now (read, response not yet written), and responses written so far.
  std::size_t in_flight() const;
  std::size_t served() const;

 private:
  struct Impl;
  explicit HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace emu::server
