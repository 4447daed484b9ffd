// HttpServer: a Boost.Beast HTTP/1.1 listener with keep-alive. Accepts on the io_context's
// threads and gives each connection an HttpSession; all request handling is the RequestHandler's.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "emulator/core/result.h"
#include "emulator/server/request_handler.h"

namespace emu::server {

struct ServerLimits {
  std::uint64_t body_limit = 10 * 1024 * 1024;  // bytes; API Gateway's payload quota is 10 MB
  std::uint32_t header_limit = 64 * 1024;       // bytes of the whole header block
  std::chrono::seconds read_timeout{30};        // one request's headers + body
  std::chrono::seconds idle_timeout{60};        // keep-alive wait for the next request
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

 private:
  struct Impl;
  explicit HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace emu::server
