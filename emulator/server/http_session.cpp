#include "emulator/server/http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "emulator/core/log.h"

namespace emu::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(net::ip::tcp::socket socket, std::shared_ptr<RequestHandler> handler,
          const ServerLimits& limits)
      : stream_(std::move(socket)), handler_(std::move(handler)), limits_(limits) {
    boost::system::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      client_.address = endpoint.address().to_string();
      client_.port = endpoint.port();
    }
  }

  void run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(true); });
  }

 private:
  void read(bool first) {
    parser_.emplace();
    parser_->body_limit(limits_.body_limit);
    parser_->header_limit(limits_.header_limit);
    stream_.expires_after(first ? limits_.read_timeout : limits_.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      return close();
    }
    if (ec) return reject(ec);
    HttpRequest request = parser_->release();
    keep_alive_ = request.keep_alive();
    auto self = shared_from_this();
    // No deadline while the handler works: the handler answers by its own timeout.
    stream_.expires_never();
    handler_->handle(std::move(request), client_, [self](HttpResponse response) {
      net::post(self->stream_.get_executor(),
                [self, response = std::move(response)]() mutable {
                  self->write(std::move(response));
                });
    });
  }

  void reject(beast::error_code ec) {
    Rejection reason = Rejection::kMalformed;
    if (ec == http::error::body_limit) reason = Rejection::kBodyTooLarge;
    if (ec == http::error::header_limit) reason = Rejection::kHeaderTooLarge;
    unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    keep_alive_ = false;
    unread_request_ = true;
    HttpResponse response = handler_->rejection(reason, version);
    response.keep_alive(false);
    write(std::move(response));
  }

  // After refusing a request whose body is still arriving: closing at once would make the
  // kernel reset the connection (unread data), and the client might lose the response. So stop
  // sending, then read and discard until the client closes or a short deadline passes
  // ("lingering close", as HTTP servers do).
  void drain_then_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(5));
    discard_ = std::make_unique<char[]>(kDiscardSize);
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(discard_.get(), kDiscardSize),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->drain();
                            });
  }

  void write(HttpResponse response) {
    response.keep_alive(keep_alive_ && response.keep_alive());
    response.prepare_payload();
    auto message = std::make_shared<HttpResponse>(std::move(response));
    stream_.expires_after(limits_.read_timeout);
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        if (self->unread_request_) return self->drain_then_close();
                        if (!message->keep_alive()) return self->close();
                        self->read(false);
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<RequestHandler> handler_;
  ServerLimits limits_;
  ClientInfo client_;
  bool keep_alive_ = true;
  bool unread_request_ = false;  // a refused request's body may still be arriving
  static constexpr std::size_t kDiscardSize = 64 * 1024;
  std::unique_ptr<char[]> discard_;
};

}  // namespace

void start_session(net::ip::tcp::socket socket, std::shared_ptr<RequestHandler> handler,
                   const ServerLimits& limits) {
  std::make_shared<Session>(std::move(socket), std::move(handler), limits)->run();
}

}  // namespace emu::server
