#include "emulator/server/http_server.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "emulator/core/log.h"
#include "emulator/server/http_session.h"

namespace emu::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(net::io_context& io, ServerLimits l)
      : io_context(io), acceptor(net::make_strand(io)), retry(acceptor.get_executor()), limits(l) {}

  void accept() {
    acceptor.async_accept(net::make_strand(io_context),
                          [self = shared_from_this()](boost::system::error_code ec,
                                                      tcp::socket socket) {
                            if (ec == net::error::operation_aborted || !self->acceptor.is_open())
                              return;
                            if (!ec) {
                              socket.set_option(tcp::no_delay(true), ec);
                              start_session(std::move(socket), self->handler, self->limits,
                                            self->counters);
                            } else {
                              // Out of file descriptors (or similar): pause instead of
                              // spinning on a failing accept.
                              log::warn(std::string("accept failed: ") + ec.message() +
                                        "; retrying in 100 ms");
                              self->retry.expires_after(std::chrono::milliseconds(100));
                              return self->retry.async_wait(
                                  [self](boost::system::error_code) { self->accept(); });
                            }
                            self->accept();
                          });
  }

  net::io_context& io_context;
  tcp::acceptor acceptor;
  net::steady_timer retry;
  std::shared_ptr<RequestHandler> handler;
  std::shared_ptr<ServerCounters> counters = std::make_shared<ServerCounters>();
  ServerLimits limits;
  std::uint16_t port = 0;
};

Result<std::unique_ptr<HttpServer>> HttpServer::listen(net::io_context& io,
                                                       const std::string& host,
                                                       std::uint16_t port,
                                                       ServerLimits limits) {
  auto impl = std::make_shared<Impl>(io, limits);
  std::string where = host + ":" + std::to_string(port);
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) return Error{"BadAddress", "--host " + host + ": not an IP address (" + ec.message() + ")"};
  tcp::endpoint endpoint(address, port);
  auto& acceptor = impl->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Error{"ListenFailed", where + ": " + ec.message()};
  impl->port = acceptor.local_endpoint().port();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start(std::shared_ptr<RequestHandler> handler) {
  net::dispatch(impl_->acceptor.get_executor(), [impl = impl_, handler = std::move(handler)] {
    impl->handler = handler;
    impl->accept();
  });
}

void HttpServer::stop() {
  net::dispatch(impl_->acceptor.get_executor(), [impl = impl_] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
  });
}

std::uint16_t HttpServer::port() const { return impl_->port; }
std::size_t HttpServer::in_flight() const { return impl_->counters->in_flight.load(); }
std::size_t HttpServer::served() const { return impl_->counters->served.load(); }

}  // namespace emu::server
