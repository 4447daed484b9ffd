#include "emulator/server/http_session.h"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <deque>
#include <limits>
#include <optional>
#include <thread>

#include "emulator/core/log.h"

namespace emu::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

bool is_disconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
         ec == beast::error::timeout || ec == net::error::connection_reset ||
         ec == net::error::eof || ec == net::error::broken_pipe;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(net::ip::tcp::socket socket, std::shared_ptr<RequestHandler> handler,
          const ServerLimits& limits, std::shared_ptr<ServerCounters> counters)
      : stream_(std::move(socket)),
        handler_(std::move(handler)),
        limits_(limits),
        counters_(std::move(counters)) {
    boost::system::error_code ec;
    stream_.socket().non_blocking(true, ec);  // for the direct writes in send()
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      client_.address = endpoint.address().to_string();
      client_.port = endpoint.port();
    }
  }
  ~Session() {
    if (in_flight_) counters_->in_flight.fetch_sub(1);
    counters_->connections.fetch_sub(1);
  }

  void run(bool over_capacity) {
    net::dispatch(stream_.get_executor(), [self = shared_from_this(), over_capacity] {
      if (over_capacity) return self->refuse(Rejection::kTooManyConnections, 11);
      self->read_header(true);
    });
  }

 private:
  // Headers first: so a body over the limit is refused before it is read, header values are
  // checked, and `Expect: 100-continue` is answered. A new connection gets read_timeout for its
  // first request; a kept-alive one waits idle_timeout for the next.
  void read_header(bool first) {
    parser_.emplace();
    parser_->body_limit(limits_.body_limit);
    parser_->header_limit(limits_.header_limit);
    set_deadline(first ? limits_.read_timeout : limits_.idle_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (is_disconnect(ec)) return close();
    if (ec) return reject(ec);
    const auto& header = parser_->get();
    head_request_ = header.method() == http::verb::head;
    for (const auto& field : header) {
      if (field.value().size() > limits_.header_value_limit) {
        rejected_header_ = std::string(field.name_string());
        return refuse(Rejection::kHeaderTooLarge, header.version());
      }
    }
    if (auto length = parser_->content_length(); length && *length > limits_.body_limit)
      return refuse(Rejection::kBodyTooLarge, header.version());
    // In flight from its header on: a graceful shutdown waits for a request whose body is still
    // arriving, not only for those being handled.
    in_flight_ = true;
    counters_->in_flight.fetch_add(1);
    if (!parser_->is_done()) set_deadline(limits_.read_timeout);
    if (http::token_list(header[http::field::expect]).exists("100-continue") &&
        header.version() >= 11) {
      auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                        header.version());
      return http::async_write(
          stream_, *interim,
          [self = shared_from_this(), interim](beast::error_code e, std::size_t) {
            if (e) return self->close();
            self->read_body();
          });
    }
    read_body();
  }

  void read_body() {
    // No body to read (a GET, usually): on at once, without another read operation.
    if (parser_->is_done()) return on_read({});
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (is_disconnect(ec)) return close();
    if (ec) return reject(ec);
    HttpRequest request = parser_->release();
    keep_alive_ = request.keep_alive();
    auto self = shared_from_this();
    // No deadline while the handler works: the handler answers by its own timeout.
    clear_deadline();
    // In-process handlers run right here, on this connection's strand, and usually answer
    // before handle() returns (see respond).
    handling_thread_.store(std::this_thread::get_id());
    auto answer = [self](HttpResponse response) { self->respond(std::move(response)); };
    if (limits_.streams) {
      handler_->handle(std::move(request), client_,
                       Respond(std::move(answer), [self](HttpResponse head, StartStream start) {
                         self->start_stream(std::move(head), std::move(start));
                       }));
    } else {
      handler_->handle(std::move(request), client_, std::move(answer));
    }
    handling_thread_.store(std::thread::id());
  }

  // A streamed answer (ServerLimits::streams): the head at once, then whatever the writer queues,
  // until the client closes, the writer closes, or the client stops reading (its queue passes
  // stream_queue_limit). The response ends with the connection (no Content-Length, RFC 9112
  // section 6.3: a body delimited by close), so the connection is not kept alive.
  void start_stream(HttpResponse head, StartStream start) {
    net::dispatch(stream_.get_executor(), [self = shared_from_this(), head = std::move(head),
                                           start = std::move(start)]() mutable {
      self->open_stream(std::move(head), std::move(start));
    });
  }

  class Writer final : public StreamWriter {
   public:
    explicit Writer(std::weak_ptr<Session> session) : session_(std::move(session)) {}
    bool write(std::string chunk) override {
      auto session = session_.lock();
      if (!session || session->stream_closed_.load()) return false;
      net::dispatch(session->stream_.get_executor(),
                    [session, chunk = std::move(chunk)]() mutable {
                      session->queue_chunk(std::move(chunk));
                    });
      return true;
    }
    void close() override {
      if (auto session = session_.lock())
        net::dispatch(session->stream_.get_executor(), [session] { session->end_stream(); });
    }

   private:
    std::weak_ptr<Session> session_;
  };

  // On the strand.
  void open_stream(HttpResponse head, StartStream start) {
    keep_alive_ = false;
    head.keep_alive(false);
    head.erase(http::field::content_length);
    head.body().clear();
    clear_deadline();  // a stream has no deadline: it lasts while both sides want it
    counters_->served.fetch_add(1);
    end_in_flight();
    queue_chunk(serialize(head));
    watch_for_close();
    start(std::make_shared<Writer>(weak_from_this()));
  }

  void queue_chunk(std::string chunk) {
    if (stream_closed_.load()) return;
    queued_bytes_ += chunk.size();
    if (queued_bytes_ > limits_.stream_queue_limit) {
      log::warn("closed a stream to " + client_.address + ": the client is not reading (over " +
                std::to_string(limits_.stream_queue_limit) + " bytes queued)");
      return end_stream();
    }
    queued_.push_back(std::move(chunk));
    if (!writing_) write_next_chunk();
  }

  void write_next_chunk() {
    writing_ = true;
    net::async_write(stream_, net::buffer(queued_.front()),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->queued_bytes_ -= self->queued_.front().size();
                       self->queued_.pop_front();
                       self->writing_ = false;
                       if (ec) return self->end_stream();
                       if (!self->queued_.empty()) self->write_next_chunk();
                     });
  }

  // The client sends nothing on a stream; a read ends when it closes the connection.
  void watch_for_close() {
    if (!discard_) discard_ = std::make_unique<char[]>(kDiscardSize);
    stream_.async_read_some(net::buffer(discard_.get(), kDiscardSize),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->end_stream();
                              self->watch_for_close();
                            });
  }

  void end_stream() {
    if (stream_closed_.exchange(true)) return;
    close();
  }

  // The response is serialized on the thread that gives it, so the strand only writes it.
  void respond(HttpResponse response) {
    const auto handling = handling_thread_.load();
    // Given in place, from inside handle(): this thread holds the strand; send at once.
    if (handling == std::this_thread::get_id()) return send(prepare(std::move(response)));
    if (handling != std::thread::id()) {
      // Given by another thread while handle() has not returned: the deadline answering for an
      // in-process handler stuck past its Timeout (it holds the strand, maybe for ever; its
      // answer says Connection: close), or in Runtime API mode a bootstrap quicker than this
      // thread's way out of handle(). Nothing else touches the stream meanwhile (no read is
      // pending, no deadline armed), so the answer is written from here at once; its completion
      // runs on the strand once handle() has returned.
      // Answered and counted now: on_write may wait for the handler, a graceful shutdown need
      // not.
      auto outgoing = prepare(std::move(response));
      outgoing->counted = true;
      counters_->served.fetch_add(1);
      end_in_flight();
      return send(std::move(outgoing), /*on_strand=*/false);
    }
    // Given by another thread after handle() returned (Runtime API mode): onto the strand.
    net::dispatch(stream_.get_executor(),
                  [self = shared_from_this(), outgoing = prepare(std::move(response))]() mutable {
                    self->send(std::move(outgoing));
                  });
  }

  void reject(beast::error_code ec) {
    Rejection reason = Rejection::kMalformed;
    if (ec == http::error::body_limit) reason = Rejection::kBodyTooLarge;
    if (ec == http::error::header_limit) reason = Rejection::kHeaderTooLarge;
    unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    if (reason == Rejection::kMalformed)
      log::warn("malformed HTTP request from " + client_.address + ": " + ec.message());
    refuse(reason, version);
  }

  // Answers a request the session will not pass on, then closes without reading the rest.
  void refuse(Rejection reason, unsigned version) {
    keep_alive_ = false;
    unread_request_ = true;
    HttpResponse response = handler_->rejection(reason, version);
    if (reason == Rejection::kHeaderTooLarge && !rejected_header_.empty()) {
      log::warn("refused a request from " + client_.address + ": header " + rejected_header_ +
                " is over " + std::to_string(limits_.header_value_limit) + " bytes");
    }
    response.keep_alive(false);
    write(std::move(response));
  }

  // After refusing a request whose body may still be arriving: closing at once would make the
  // kernel reset the connection (unread data), and the client might lose the response. So stop
  // sending, then read and discard until the client closes or a short deadline passes
  // ("lingering close", as HTTP servers do).
  void drain_then_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    set_deadline(std::chrono::seconds(5));
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

  // A response ready to send: the bytes Beast's serializer would write (start line, each field
  // as stored, "name: value\r\n", a blank line and the body), or for a chunked one the message.
  struct Outgoing {
    std::string text;
    std::unique_ptr<HttpResponse> chunked;
    bool keep_alive = true;
    bool counted = false;  // already counted as served and no longer in flight
  };

  // Pure but for reading keep_alive_ and head_request_, which do not change while a request is
  // being handled: so it may run on the thread that answers (a worker), off the I/O thread.
  std::shared_ptr<Outgoing> prepare(HttpResponse response) const {
    response.keep_alive(keep_alive_ && response.keep_alive());
    response.prepare_payload();
    if (head_request_) {
      // A response to HEAD carries the headers GET would, Content-Length included, and no body
      // (RFC 9110, section 9.3.2).
      auto length = response.body().size();
      response.body().clear();
      response.content_length(length);
    }
    auto outgoing = std::make_shared<Outgoing>();
    outgoing->keep_alive = response.keep_alive();
    if (response.chunked()) {
      outgoing->chunked = std::make_unique<HttpResponse>(std::move(response));
    } else {
      outgoing->text = serialize(response);
    }
    return outgoing;
  }

  void write(HttpResponse response) { send(prepare(std::move(response))); }

  // On the connection's strand, unless `on_strand` is false (see respond).
  void send(std::shared_ptr<Outgoing> outgoing, bool on_strand = true) {
    Outgoing& message = *outgoing;
    std::size_t written = 0;
    if (on_strand && !message.chunked) {
      // Most responses fit in the socket's send buffer: written here at once (the socket is
      // non-blocking), as nginx does, without an asynchronous operation. What does not fit is
      // written asynchronously, under the write deadline.
      beast::error_code ec;
      written = stream_.socket().write_some(net::buffer(message.text), ec);
      if (ec == net::error::would_block || ec == net::error::try_again) {
        ec = {};
        written = 0;
      }
      if (ec || written == message.text.size())
        return on_write(ec, message.keep_alive, message.counted);
    }
    set_deadline(limits_.read_timeout, /*may_arm=*/on_strand);
    auto done = [self = shared_from_this(), outgoing = std::move(outgoing)](beast::error_code ec,
                                                                            std::size_t) {
      self->on_write(ec, outgoing->keep_alive, outgoing->counted);
    };
    if (message.chunked) return http::async_write(stream_, *message.chunked, std::move(done));
    net::async_write(stream_, net::buffer(message.text) + written, std::move(done));
  }

  static std::string serialize(const HttpResponse& response) {
    const unsigned version = response.version();
    const unsigned code = response.result_int();
    const auto reason = response.reason();
    const auto& body = response.body();
    std::size_t size = 13 + reason.size() + 2 + 2 + body.size();
    for (const auto& field : response)
      size += field.name_string().size() + field.value().size() + 4;
    std::string text;
    text.reserve(size);
    const char start[13] = {'H',
                            'T',
                            'T',
                            'P',
                            '/',
                            static_cast<char>('0' + version / 10),
                            '.',
                            static_cast<char>('0' + version % 10),
                            ' ',
                            static_cast<char>('0' + code / 100),
                            static_cast<char>('0' + (code / 10) % 10),
                            static_cast<char>('0' + code % 10),
                            ' '};
    text.append(start, sizeof start).append(reason.data(), reason.size()).append("\r\n");
    for (const auto& field : response) {
      const auto name = field.name_string();
      const auto value = field.value();
      text.append(name.data(), name.size()).append(": ");
      text.append(value.data(), value.size()).append("\r\n");
    }
    text.append("\r\n").append(body);
    return text;
  }

  void on_write(beast::error_code ec, bool keep_alive, bool counted) {
    if (!counted) counters_->served.fetch_add(1);
    end_in_flight();
    if (ec) return close();
    if (unread_request_) return drain_then_close();
    if (!keep_alive) return close();
    read_header(false);
  }

  void end_in_flight() {
    if (in_flight_) {
      in_flight_ = false;
      counters_->in_flight.fetch_sub(1);
    }
  }

  // The connection's deadline: one timer per connection, not one per operation (Beast's
  // tcp_stream arms, cancels and completes a timer wait for every read and write). Phases only
  // store when they end; the timer, on the strand, fires at the earliest armed time, and re-arms
  // itself for the stored deadline if that is later. So a kept-alive connection costs one timer
  // wake-up per idle_timeout, not three timer operations per request. A deadline earlier than the
  // armed time re-arms at once; off the strand (see respond) it is only stored, and may be
  // enforced up to one idle_timeout late.
  void set_deadline(std::chrono::steady_clock::duration within, bool may_arm = true) {
    const auto at = std::chrono::steady_clock::now() + within;
    deadline_.store(at.time_since_epoch().count(), std::memory_order_relaxed);
    if (may_arm && at < armed_) arm(at);
  }

  void clear_deadline() { deadline_.store(kNoDeadline, std::memory_order_relaxed); }

  // On the strand.
  void arm(std::chrono::steady_clock::time_point at) {
    armed_ = at;
    deadline_timer_.expires_at(at);  // a pending wait completes with operation_aborted
    deadline_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->on_deadline_timer();
    });
  }

  void on_deadline_timer() {
    armed_ = std::chrono::steady_clock::time_point::max();
    if (!stream_.socket().is_open()) return;
    const auto now = std::chrono::steady_clock::now();
    const auto stored = deadline_.load(std::memory_order_relaxed);
    // While a handler works there is no deadline: look again one idle_timeout later.
    if (stored == kNoDeadline) return arm(now + limits_.idle_timeout);
    const std::chrono::steady_clock::time_point at{std::chrono::steady_clock::duration(stored)};
    if (now < at) return arm(at);
    // Past it: close, as Beast's timeout does; the pending operation ends with operation_aborted.
    close();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  net::steady_timer deadline_timer_{stream_.get_executor()};  // on the strand
  std::chrono::steady_clock::time_point armed_ = std::chrono::steady_clock::time_point::max();
  static constexpr std::chrono::steady_clock::rep kNoDeadline =
      std::numeric_limits<std::chrono::steady_clock::rep>::max();
  std::atomic<std::chrono::steady_clock::rep> deadline_{kNoDeadline};
  // The thread inside handler_->handle() for this connection, if any.
  std::atomic<std::thread::id> handling_thread_{};
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<RequestHandler> handler_;
  ServerLimits limits_;
  std::shared_ptr<ServerCounters> counters_;
  bool in_flight_ = false;  // counted in counters_->in_flight
  ClientInfo client_;
  bool keep_alive_ = true;
  bool head_request_ = false;
  bool unread_request_ = false;  // a refused request's body may still be arriving
  std::string rejected_header_;
  static constexpr std::size_t kDiscardSize = 64 * 1024;
  std::unique_ptr<char[]> discard_;
  // A streamed answer's chunks not yet written (on the strand), and whether it has ended.
  std::deque<std::string> queued_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  std::atomic<bool> stream_closed_{false};
};

}  // namespace

void start_session(net::ip::tcp::socket socket, std::shared_ptr<RequestHandler> handler,
                   const ServerLimits& limits, std::shared_ptr<ServerCounters> counters) {
  bool over_capacity = counters->connections.fetch_add(1) >= limits.max_connections;
  std::make_shared<Session>(std::move(socket), std::move(handler), limits, std::move(counters))
      ->run(over_capacity);
}

}  // namespace emu::server
