#include "emulator/console/console_feed.h"

#include <algorithm>
#include <chrono>

namespace emu::console {

using Json = nlohmann::json;

std::string ConsoleFeed::event(const char* name, const Json& data) {
  // A function's log may hold bytes that are not UTF-8: replaced, not thrown on.
  std::string text = "event: ";
  text += name;
  text += "\ndata: ";
  text += data.dump(-1, ' ', false, Json::error_handler_t::replace);  // one line: no raw newlines
  text += "\n\n";
  return text;
}

void ConsoleFeed::start() {
  std::lock_guard lock(mutex_);
  stopped_ = false;
  schedule();
}

void ConsoleFeed::schedule() {
  timer_.expires_after(std::chrono::seconds(1));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    tick();
    std::lock_guard lock(mutex_);
    if (!stopped_) schedule();
  });
}

void ConsoleFeed::stop() {
  std::vector<std::shared_ptr<server::StreamWriter>> writers;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    timer_.cancel();
    writers.swap(writers_);
  }
  for (auto& writer : writers) writer->close();
}

bool ConsoleFeed::subscribe(std::shared_ptr<server::StreamWriter> writer) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || writers_.size() >= kMaxSubscribers) {
      writer->write(event("error", {{"message", "the emulator serves at most 32 console pages "
                                                "at once; close one and reload"}}));
      writer->close();
      return false;
    }
  }
  Json snapshot = console_state(sources_);
  snapshot["timeline"] = sources_.timeline.samples();
  if (!writer->write("retry: 2000\n\n" + event("snapshot", snapshot))) return true;
  std::lock_guard lock(mutex_);
  writers_.push_back(std::move(writer));
  return true;
}

std::size_t ConsoleFeed::subscribers() const {
  std::lock_guard lock(mutex_);
  return writers_.size();
}

void ConsoleFeed::tick() {
  const auto now = clock_.now();
  const std::int64_t wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  Json sample = sources_.timeline.sample(now.count(), wall);
  std::vector<std::shared_ptr<server::StreamWriter>> writers;
  {
    std::lock_guard lock(mutex_);
    writers = writers_;
  }
  if (writers.empty()) return;
  Json update = console_state(sources_);
  update["samples"] = Json::array({std::move(sample)});
  const std::string text = event("update", update);
  std::vector<server::StreamWriter*> gone;
  for (auto& writer : writers)
    if (!writer->write(text)) gone.push_back(writer.get());
  if (gone.empty()) return;
  std::lock_guard lock(mutex_);
  std::erase_if(writers_, [&](const auto& writer) {
    return std::find(gone.begin(), gone.end(), writer.get()) != gone.end();
  });
}

}  // namespace emu::console
