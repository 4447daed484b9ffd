// HeadlessChromium: Debian's Chromium (/usr/bin/chromium, installed by setup.sh) driven over the
// Chrome DevTools Protocol, for the console's browser tests. It speaks CDP over
// --remote-debugging-pipe (messages are JSON texts ended by a NUL byte: Chromium reads commands
// on fd 3 and writes answers and events on fd 4), so no WebSocket client and no npm package is
// needed. One page (a target attached in flat mode); commands wait for their answer, events are
// skipped. The browser is killed and its profile folder removed on destruction.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/types.h>

#include "emulator_process.h"

namespace it {

class HeadlessChromium {
 public:
  static constexpr const char* kBinary = "/usr/bin/chromium";
  static bool available();

  // Starts the browser with one blank page of `width` x `height` CSS pixels. Throws
  // std::runtime_error when it cannot start or does not answer.
  explicit HeadlessChromium(int width = 1280, int height = 800);
  HeadlessChromium(const HeadlessChromium&) = delete;
  HeadlessChromium& operator=(const HeadlessChromium&) = delete;
  ~HeadlessChromium();

  // A CDP command to the page (or to the browser when `to_page` is false); its "result". Throws
  // with CDP's error message, or after `timeout`.
  nlohmann::json call(const std::string& method, nlohmann::json params = nlohmann::json::object(),
                      bool to_page = true,
                      std::chrono::milliseconds timeout = std::chrono::seconds(15));

  void navigate(const std::string& url);
  // The value of a JavaScript expression in the page (promises awaited). Throws when it throws.
  nlohmann::json evaluate(const std::string& expression);
  // Evaluates `expression` every 100 ms until it is true; false after `timeout`.
  bool wait_until(const std::string& expression, std::chrono::milliseconds timeout);
  void set_viewport(int width, int height);
  // Writes a PNG of the viewport to `path`.
  void screenshot(const std::string& path);

 private:
  void send(const nlohmann::json& message);
  nlohmann::json receive(std::chrono::steady_clock::time_point deadline);

  pid_t pid_ = -1;
  UniqueFd to_browser_;
  UniqueFd from_browser_;
  std::string buffer_;
  std::string profile_dir_;
  std::string session_id_;
  int next_id_ = 1;
};

}  // namespace it
