// HttpSession: one client connection. Owns its stream, buffer and parser; reads one request at a
// time (so pipelined requests are answered in order), hands it to the RequestHandler, writes the
// response on the connection's strand, and repeats while keep-alive holds. Every read has a
// deadline and every parser a body limit.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <atomic>
#include <memory>

#include "emulator/server/http_server.h"
#include "emulator/server/request_handler.h"

namespace emu::server {

// What the sessions of one server count, for the connection cap and a graceful stop.
struct ServerCounters {
  std::atomic<std::size_t> connections{0};  // open now
  std::atomic<std::size_t> in_flight{0};    // requests read whose response is not yet written
  std::atomic<std::size_t> served{0};       // responses written since start
};

// Takes ownership of `socket` and serves it until the peer closes or a deadline passes. Past
// limits.max_connections open connections, the new one is answered with the handler's
// kTooManyConnections refusal and closed.
void start_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<RequestHandler> handler,
                   const ServerLimits& limits, std::shared_ptr<ServerCounters> counters);

}  // namespace emu::server
