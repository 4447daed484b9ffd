// RequestHandler: what a listener serves. It turns a request into a response without touching a
// socket, so every service (API Gateway, the AWS-compatible endpoints) is testable without a
// network; HttpSession does all the I/O.
#pragma once

#include <boost/beast/http.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <type_traits>
#include <string>

namespace emu::server {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

struct ClientInfo {
  std::string address;  // the peer's IP address, e.g. "127.0.0.1"
  std::uint16_t port = 0;
};

// The body of a response that goes on after its head (Server-Sent Events): the session writes the
// head, then the service writes chunks through this, from any thread, until the client goes.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Queues `chunk` for the client. False once the connection is closed (or its queue is over
  // its bound: a client that does not read is dropped); the writer is then spent.
  virtual bool write(std::string chunk) = 0;
  // Ends the stream (closes the connection).
  virtual void close() = 0;
};
using StartStream = std::function<void(std::shared_ptr<StreamWriter>)>;

// How a service answers a request: call it once with the response, from any thread; it only
// hands the response to the session. A streamed answer (stream()) takes the place of that call.
class Respond {
 public:
  using Answer = std::function<void(HttpResponse)>;
  using Stream = std::function<void(HttpResponse head, StartStream start)>;

  Respond() = default;
  // Any callable taking the response (the sessions' and the tests' lambdas).
  template <class F>
    requires(std::is_invocable_v<F&, HttpResponse> && !std::is_same_v<std::decay_t<F>, Respond>)
  Respond(F answer) : answer_(std::move(answer)) {}  // NOLINT: implicit on purpose
  // A session that can stream: `stream` writes the head, then hands `start` its writer.
  Respond(Answer answer, Stream stream) : answer_(std::move(answer)), stream_(std::move(stream)) {}

  void operator()(HttpResponse response) const { answer_(std::move(response)); }
  explicit operator bool() const { return static_cast<bool>(answer_); }

  bool can_stream() const { return static_cast<bool>(stream_); }
  // Answers with `head` (no Content-Length: the body is what `start`'s writer writes, until the
  // connection closes). Only when can_stream().
  void stream(HttpResponse head, StartStream start) const { stream_(std::move(head), std::move(start)); }

  // The same answer path with `answer` in front of it (a wrapper that counts or catches), the
  // streaming kept.
  Respond wrapped(Answer answer) const { return Respond(std::move(answer), stream_); }

 private:
  Answer answer_;
  Stream stream_;
};

// Why a session refuses a request before it reaches handle().
enum class Rejection {
  kBodyTooLarge,        // body over the listener's limit
  kHeaderTooLarge,      // a header value, or the header block, over its limit
  kMalformed,           // not parseable HTTP/1.x
  kTooManyConnections,  // the listener's connection cap is reached
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Starts handling `request`; may answer synchronously or later, but must not block.
  virtual void handle(HttpRequest request, const ClientInfo& client, Respond respond) = 0;
  // The service's own answer to a refused request (API Gateway's 413 body, for example).
  virtual HttpResponse rejection(Rejection reason, unsigned http_version) = 0;
};

}  // namespace emu::server
