// FakeAwsServer: an HTTP/1.1 server on 127.0.0.1 and a free port (port 0) that stands in for an AWS
// endpoint in unit tests. One thread accepts connections one at a time; on each it reads one
// request (head and Content-Length body, answering "Expect: 100-continue"), records it, then
// answers the next scripted response (Connection: close), or 500 once the script is used up.
// A request is recorded before its answer is written, so a caller that holds the answer also sees
// the request in requests(): no sleeping needed. The destructor stops and joins the thread.
//
// ClosedPort: a port on 127.0.0.1 that refuses connections while the object lives (bound, never
// listening, so no one else can take it meanwhile).
#pragma once

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace test_support {

struct RecordedRequest {
  std::string method;                          // "POST"
  std::string target;                          // "/2015-03-31/functions/NAME/invocations"
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The value of header `lower_case_name`, "" when absent.
  std::string header(const std::string& lower_case_name) const {
    auto it = headers.find(lower_case_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct ScriptedResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Length/Connection
  // Never answer: keep reading until the client gives up and closes (to exercise timeouts).
  bool hang = false;

  static ScriptedResponse hanging() {
    ScriptedResponse response;
    response.hang = true;
    return response;
  }
};

class FakeAwsServer {
 public:
  // Throws boost::system::system_error when it cannot bind or listen.
  explicit FakeAwsServer(std::vector<ScriptedResponse> script)
      : script_(script.begin(), script.end()),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        thread_([this] { serve(); }) {}
  FakeAwsServer(const FakeAwsServer&) = delete;
  FakeAwsServer& operator=(const FakeAwsServer&) = delete;

  ~FakeAwsServer() {
    stopping_ = true;
    // Wake the blocking accept with a connection of our own; serve() sees stopping_ and returns.
    boost::system::error_code error;
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket wake(io);
    auto endpoint = acceptor_.local_endpoint(error);
    if (!error) wake.connect(endpoint, error);
    if (error) acceptor_.close(error);  // not expected: the listener is ours until joined
    thread_.join();
  }

  // "http://127.0.0.1:PORT", without a trailing '/'.
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

  // The requests received so far, in order.
  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    while (true) {
      boost::asio::ip::tcp::socket socket(io_);
      boost::system::error_code error;
      acceptor_.accept(socket, error);
      if (stopping_) return;
      if (error) continue;
      try {
        answer(socket);
      } catch (const boost::system::system_error&) {
        // The client went away (it timed out, or failed on purpose); next connection.
      }
    }
  }

  void answer(boost::asio::ip::tcp::socket& socket) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    http::request_parser<http::string_body> parser;
    parser.body_limit(8u << 20);
    http::read_header(socket, buffer, parser);
    if (parser.get()[http::field::expect] == "100-continue")
      http::write(socket, http::response<http::empty_body>{http::status::continue_, 11});
    http::read(socket, buffer, parser);

    const auto& request = parser.get();
    RecordedRequest recorded{
        std::string(request.method_string()), std::string(request.target()), {}, request.body()};
    for (const auto& field : request) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      recorded.headers[name] = std::string(field.value());
    }
    ScriptedResponse scripted{500, R"({"message":"FakeAwsServer: no scripted response left"})", {}};
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(recorded));
      if (!script_.empty()) {
        scripted = std::move(script_.front());
        script_.pop_front();
      }
    }
    if (scripted.hang) {
      char byte;
      while (true) socket.read_some(boost::asio::buffer(&byte, 1));  // throws at the client's close
    }
    http::response<http::string_body> response{static_cast<http::status>(scripted.status), 11};
    for (const auto& [name, value] : scripted.headers) response.set(name, value);
    if (response[http::field::content_type].empty())
      response.set(http::field::content_type, "application/json");
    response.set(http::field::connection, "close");
    response.body() = std::move(scripted.body);
    response.prepare_payload();
    http::write(socket, response);
  }

  mutable std::mutex mutex_;
  std::deque<ScriptedResponse> script_;    // guarded by mutex_
  std::vector<RecordedRequest> requests_;  // guarded by mutex_
  std::atomic<bool> stopping_{false};
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;  // listening from construction
  std::thread thread_;                       // last: starts once everything above exists
};

class ClosedPort {
 public:
  ClosedPort() : socket_(io_) {
    socket_.open(boost::asio::ip::tcp::v4());
    socket_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(socket_.local_endpoint().port());
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
};

}  // namespace test_support
