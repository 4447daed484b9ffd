// Drain: a graceful stop on SIGINT or SIGTERM. The first signal stops the listeners from
// accepting and lets the requests in flight finish, bounded by `limit` (the longest Timeout plus
// a second), then stops the io_context; a second signal exits at once.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <vector>

#include "emulator/server/http_server.h"

namespace emu::app {

class Drain {
 public:
  // `listeners` must outlive the Drain. Starts waiting for the signals at once.
  Drain(boost::asio::io_context& io, std::vector<server::HttpServer*> listeners,
        std::chrono::seconds limit);
  ~Drain();

  struct State;  // defined in drain.cpp

 private:
  std::shared_ptr<State> state_;
};

}  // namespace emu::app
