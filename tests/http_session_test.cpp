// The HTTP session's deadlines (one timer per connection, see http_session.cpp): a connection
// that sends nothing, or stops in the middle of a header, is closed at read_timeout; a kept-alive
// one at idle_timeout after its last answer, however many requests came before; a handler slower
// than read_timeout is still answered. Short limits, real sockets, the I/O threads serve uses.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "emulator/core/io_threads.h"
#include "emulator/core/log.h"
#include "emulator/server/http_server.h"
#include "emulator/server/request_handler.h"

using namespace std::chrono_literals;
using namespace emu::server;
using Clock = std::chrono::steady_clock;

namespace {

namespace http = boost::beast::http;

// Answers "ok" after `delay`, in place (as an in-process handler does).
struct SlowOk final : RequestHandler {
  explicit SlowOk(std::chrono::milliseconds d) : delay(d) {}
  void handle(HttpRequest request, const ClientInfo&, Respond respond) override {
    std::this_thread::sleep_for(delay);
    HttpResponse response{http::status::ok, request.version()};
    response.body() = "ok";
    response.keep_alive(request.keep_alive());
    respond(std::move(response));
  }
  HttpResponse rejection(Rejection, unsigned version) override {
    return HttpResponse{http::status::bad_request, version};
  }
  std::chrono::milliseconds delay;
};

struct Server {
  explicit Server(std::chrono::milliseconds handler_delay = 0ms,
                  std::shared_ptr<RequestHandler> handler = nullptr, bool streams = false) {
    emu::log::set_quiet(true);
    ServerLimits limits;
    limits.read_timeout = 1s;
    limits.idle_timeout = 2s;
    limits.streams = streams;
    auto listening = HttpServer::listen(io, "127.0.0.1", 0, limits);
    REQUIRE(listening.ok());
    server = std::move(listening).value();
    server->start(handler ? std::move(handler) : std::make_shared<SlowOk>(handler_delay));
    threads.start();
  }
  ~Server() {
    server->stop();
    guard.reset();
    io.stop();
    threads.join();
    emu::log::set_quiet(false);
  }
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::unique_ptr<HttpServer> server;
  emu::IoThreads threads{io, emu::IoThreadsOptions{2}};
};

struct Client {
  explicit Client(std::uint16_t port) : fd(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("connect failed");
  }
  ~Client() { ::close(fd); }
  void send(const std::string& bytes) const {
    REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(bytes.size()));
  }
  // Reads until `needle` arrives, the peer closes (closed = true) or `timeout` passes.
  std::string read(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto give_up = Clock::now() + timeout;
    std::string text;
    while (needle.empty() || text.find(needle) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - Clock::now());
      if (left <= 0ms) break;
      pollfd ready{fd, POLLIN, 0};
      if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0) break;
      char chunk[4096];
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) {
        closed = true;
        break;
      }
      text.append(chunk, static_cast<std::size_t>(n));
    }
    return text;
  }
  // Seconds until the peer closes the connection (or `timeout`, then closed stays false).
  double seconds_to_close(std::chrono::milliseconds timeout) {
    const auto started = Clock::now();
    read("", timeout);
    return std::chrono::duration<double>(Clock::now() - started).count();
  }
  int fd;
  bool closed = false;
};

const std::string kRequest = "GET /x HTTP/1.1\r\nHost: t\r\n\r\n";

}  // namespace

TEST_CASE("http session: a silent connection or an unfinished header is closed at read_timeout") {
  Server server;
  for (const std::string sent : {"", "GET /x HTTP/1.1\r\nHost: t\r\n"}) {
    CAPTURE(sent);
    Client client(server.server->port());
    if (!sent.empty()) client.send(sent);
    const double waited = client.seconds_to_close(5s);
    CHECK(client.closed);
    CHECK(waited >= 0.8);
    CHECK(waited < 3.5);
  }
}

TEST_CASE("http session: requests keep a connection open; idle_timeout after the last closes it") {
  Server server;
  Client client(server.server->port());
  // Six requests 400 ms apart: 2.4 s in all, past read_timeout (1 s) and idle_timeout (2 s).
  for (int i = 0; i < 6; ++i) {
    client.send(kRequest);
    CHECK(client.read("ok", 3s).find("HTTP/1.1 200") == 0);
    REQUIRE_FALSE(client.closed);
    std::this_thread::sleep_for(400ms);
  }
  // Then quiet: closed about idle_timeout (2 s) after the last answer, not at read_timeout.
  const double waited = client.seconds_to_close(6s);
  CHECK(client.closed);
  CHECK(waited >= 1.2);  // 2 s minus the 400 ms already slept, with room
  CHECK(waited < 4.5);
}

TEST_CASE("http session: a handler slower than read_timeout is still answered") {
  Server server(1500ms);
  Client client(server.server->port());
  client.send(kRequest);
  CHECK(client.read("ok", 5s).find("HTTP/1.1 200") == 0);
  CHECK_FALSE(client.closed);
}

namespace {

// Streams "tick N" lines from a thread of its own, one every 100 ms, while the client reads them;
// notes when a write is refused (the client went away).
struct Ticker final : RequestHandler {
  void handle(HttpRequest request, const ClientInfo&, Respond respond) override {
    could_stream = respond.can_stream();
    if (!could_stream) {
      HttpResponse response{http::status::not_implemented, request.version()};
      return respond(std::move(response));
    }
    HttpResponse head{http::status::ok, request.version()};
    head.set(http::field::content_type, "text/event-stream");
    respond.stream(std::move(head), [this](std::shared_ptr<StreamWriter> writer) {
      worker = std::thread([this, writer] {
        for (int i = 0; i < 100; ++i) {
          if (!writer->write("tick " + std::to_string(i) + "\n")) {
            refused = true;
            return;
          }
          std::this_thread::sleep_for(100ms);
        }
      });
    });
  }
  HttpResponse rejection(Rejection, unsigned version) override {
    return HttpResponse{http::status::bad_request, version};
  }
  ~Ticker() override {
    if (worker.joinable()) worker.join();
  }
  std::atomic<bool> could_stream{false};
  std::atomic<bool> refused{false};
  std::thread worker;
};

}  // namespace

TEST_CASE("http session: a streamed answer outlives the deadlines and ends when the client goes") {
  auto ticker = std::make_shared<Ticker>();
  {
    Server server(0ms, ticker, /*streams=*/true);
    auto client = std::make_unique<Client>(server.server->port());
    client->send(kRequest);
    // Past read_timeout (1 s) and idle_timeout (2 s): a stream has no deadline.
    const std::string text = client->read("tick 25\n", 5s);
    CHECK(text.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(text.find("Content-Type: text/event-stream\r\n") != std::string::npos);
    CHECK(text.find("Connection: close\r\n") != std::string::npos);
    CHECK(text.find("Content-Length") == std::string::npos);  // the body ends with the connection
    CHECK(text.find("tick 0\ntick 1\n") != std::string::npos);
    CHECK_FALSE(client->closed);
    client.reset();  // the page goes away
    const auto give_up = Clock::now() + 5s;
    while (!ticker->refused && Clock::now() < give_up) std::this_thread::sleep_for(50ms);
    CHECK(ticker->refused);
    if (ticker->worker.joinable()) ticker->worker.join();
  }
  CHECK(ticker->could_stream);
}

TEST_CASE("http session: a listener without streams gives handlers a Respond that cannot stream") {
  auto ticker = std::make_shared<Ticker>();
  Server server(0ms, ticker, /*streams=*/false);
  Client client(server.server->port());
  client.send(kRequest);
  CHECK(client.read("\r\n\r\n", 3s).starts_with("HTTP/1.1 501"));
  CHECK_FALSE(ticker->could_stream);
}
