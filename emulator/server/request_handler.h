// RequestHandler: what a listener serves. It turns a request into a response without touching a
// socket, so every service (API Gateway, the AWS-compatible endpoints) is testable without a
// network; HttpSession does all the I/O.
#pragma once

#include <boost/beast/http.hpp>
#include <cstdint>
#include <functional>
#include <string>

namespace emu::server {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

struct ClientInfo {
  std::string address;  // the peer's IP address, e.g. "127.0.0.1"
  std::uint16_t port = 0;
};

// Must be called exactly once, from any thread; it only hands the response to the session.
using Respond = std::function<void(HttpResponse)>;

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
