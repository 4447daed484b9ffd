#include "emulator/app/drain.h"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <cstdlib>
#include <string>

#include "emulator/core/log.h"

namespace emu::app {

struct Drain::State : std::enable_shared_from_this<Drain::State> {
  State(boost::asio::io_context& io_context, std::vector<server::HttpServer*> servers,
        std::chrono::seconds drain_limit)
      : io(io_context),
        signals(io_context, SIGINT, SIGTERM),
        timer(io_context),
        listeners(std::move(servers)),
        limit(drain_limit) {}

  std::size_t in_flight() const {
    std::size_t total = 0;
    for (const auto* listener : listeners) total += listener->in_flight();
    return total;
  }

  // Stops the io_context once nothing is in flight or the deadline has passed; looks every 20 ms.
  void wait_until_idle() {
    if (in_flight() == 0 || std::chrono::steady_clock::now() >= deadline) return io.stop();
    timer.expires_after(std::chrono::milliseconds(20));
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->wait_until_idle();
    });
  }

  void on_signal(int signal) {
    log::info(std::string("Received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") +
              ": no new connections; finishing " + std::to_string(in_flight()) +
              " request(s) in flight (send the signal again to exit at once)");
    for (auto* listener : listeners) listener->stop();
    signals.async_wait([](boost::system::error_code ec, int) {
      if (ec) return;
      log::info("Second signal: exiting at once");
      std::_Exit(1);
    });
    deadline = std::chrono::steady_clock::now() + limit;
    wait_until_idle();
  }

  boost::asio::io_context& io;
  boost::asio::signal_set signals;
  boost::asio::steady_timer timer;
  std::vector<server::HttpServer*> listeners;
  std::chrono::seconds limit;
  std::chrono::steady_clock::time_point deadline;
};

Drain::Drain(boost::asio::io_context& io, std::vector<server::HttpServer*> listeners,
             std::chrono::seconds limit)
    : state_(std::make_shared<State>(io, std::move(listeners), limit)) {
  state_->signals.async_wait([state = state_](boost::system::error_code ec, int signal) {
    if (!ec) state->on_signal(signal);
  });
}

Drain::~Drain() {
  boost::system::error_code ignored;
  state_->signals.cancel(ignored);
  state_->timer.cancel();
}

}  // namespace emu::app
