// ConsoleFeed: the console's live updates, pushed as Server-Sent Events (text/event-stream;
// WHATWG HTML, "Server-sent events"). A page that connects gets
//   retry: 2000                 (EventSource reconnects 2 s after losing the emulator)
//   event: snapshot             the whole state, the timeline included (console_state.h)
// then, once a second (real time), after the timeline takes its sample:
//   event: update               the state without the timeline, plus "samples": [the new one]
// so a page never polls, and what it draws is at most a second old. At most kMaxSubscribers pages
// at once; a page that stops reading is dropped by the session (ServerLimits::
// stream_queue_limit). The tick runs whether or not a page is connected, so a page opened later
// still shows the traffic since the emulator started (TrafficTimeline's 15 minutes).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <mutex>
#include <vector>

#include "emulator/console/console_state.h"
#include "emulator/core/clock.h"
#include "emulator/server/request_handler.h"

namespace emu::console {

class ConsoleFeed {
 public:
  static constexpr std::size_t kMaxSubscribers = 32;

  // `sources` and `clock` must outlive the feed.
  ConsoleFeed(ConsoleSources sources, const Clock& clock, boost::asio::any_io_executor executor)
      : sources_(std::move(sources)), clock_(clock), timer_(std::move(executor)) {}

  // Starts the once-a-second tick.
  void start();
  // Stops it and ends every stream.
  void stop();
  // Sends the snapshot to `writer` and keeps it for the updates. False when kMaxSubscribers
  // pages are connected already (the writer is then sent an error event and closed).
  bool subscribe(std::shared_ptr<server::StreamWriter> writer);
  std::size_t subscribers() const;

  // One tick: a timeline sample, and the update to every page (the timer calls it; tests too).
  void tick();

  const ConsoleSources& sources() const { return sources_; }

 private:
  void schedule();
  static std::string event(const char* name, const nlohmann::json& data);

  ConsoleSources sources_;
  const Clock& clock_;
  boost::asio::steady_timer timer_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<server::StreamWriter>> writers_;
  bool stopped_ = false;
};

}  // namespace emu::console
