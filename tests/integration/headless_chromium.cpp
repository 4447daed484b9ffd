#include "headless_chromium.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace it {
namespace {

using Json = nlohmann::json;

std::string base64_decode(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0, buffer = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) continue;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace

bool HeadlessChromium::available() { return ::access(kBinary, X_OK) == 0; }

HeadlessChromium::HeadlessChromium(int width, int height) {
  char dir_template[] = "/tmp/console-browser-XXXXXX";
  if (!::mkdtemp(dir_template)) throw std::runtime_error("mkdtemp failed");
  profile_dir_ = dir_template;
  int commands[2], answers[2];
  if (::pipe(commands) != 0 || ::pipe(answers) != 0) throw std::runtime_error("pipe failed");
  const std::string size = "--window-size=" + std::to_string(width) + "," + std::to_string(height);
  const std::string profile = "--user-data-dir=" + profile_dir_;
  std::vector<std::string> args = {kBinary, "--headless", "--no-sandbox", "--disable-gpu",
                                   "--remote-debugging-pipe", "--no-first-run",
                                   "--no-default-browser-check", "--disable-extensions",
                                   "--hide-scrollbars", "--mute-audio", size, profile,
                                   "about:blank"};
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // fds 3 (commands in) and 4 (answers out), whatever numbers the pipes got.
    int in = ::dup(commands[0]), out = ::dup(answers[1]);
    ::dup2(in, 3);
    ::dup2(out, 4);
    int devnull = ::open("/dev/null", O_RDWR);
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    for (int fd = 5; fd < 1024; ++fd) ::close(fd);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv(kBinary, argv.data());
    ::_exit(127);
  }
  ::close(commands[0]);
  ::close(answers[1]);
  to_browser_.reset(commands[1]);
  from_browser_.reset(answers[0]);
  auto target = call("Target.createTarget", {{"url", "about:blank"}}, false);
  auto attached = call("Target.attachToTarget",
                       {{"targetId", target.at("targetId")}, {"flatten", true}}, false);
  session_id_ = attached.at("sessionId").get<std::string>();
  call("Page.enable");
  call("Runtime.enable");
  set_viewport(width, height);
}

HeadlessChromium::~HeadlessChromium() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(profile_dir_, ignored);
}

void HeadlessChromium::send(const Json& message) {
  std::string text = message.dump();
  text.push_back('\0');
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(to_browser_.get(), text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("the browser closed its command pipe");
    written += static_cast<std::size_t>(n);
  }
}

Json HeadlessChromium::receive(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    if (auto end = buffer_.find('\0'); end != std::string::npos) {
      Json message = Json::parse(buffer_.substr(0, end), nullptr, false);
      buffer_.erase(0, end + 1);
      if (!message.is_discarded()) return message;
      continue;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("the browser did not answer in time");
    pollfd fd{from_browser_.get(), POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[65536];
    ssize_t n = ::read(from_browser_.get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("the browser exited");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

Json HeadlessChromium::call(const std::string& method, Json params, bool to_page,
                            std::chrono::milliseconds timeout) {
  const int id = next_id_++;
  Json message = {{"id", id}, {"method", method}, {"params", std::move(params)}};
  if (to_page) message["sessionId"] = session_id_;
  send(message);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    Json answer = receive(deadline);
    if (!answer.contains("id") || answer["id"] != id) continue;  // an event, or another answer
    if (answer.contains("error"))
      throw std::runtime_error(method + ": " + answer["error"].value("message", answer.dump()));
    return answer.value("result", Json::object());
  }
}

void HeadlessChromium::navigate(const std::string& url) {
  call("Page.navigate", {{"url", url}});
  if (!wait_until("document.readyState === 'complete'", std::chrono::seconds(10)))
    throw std::runtime_error("the page " + url + " did not load");
}

Json HeadlessChromium::evaluate(const std::string& expression) {
  auto result = call("Runtime.evaluate", {{"expression", expression},
                                          {"returnByValue", true},
                                          {"awaitPromise", true}});
  if (result.contains("exceptionDetails"))
    throw std::runtime_error("the page threw on `" + expression + "`: " +
                             result["exceptionDetails"].dump());
  return result["result"].value("value", Json());
}

bool HeadlessChromium::wait_until(const std::string& expression,
                                  std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    try {
      if (evaluate("Boolean(" + expression + ")") == true) return true;
    } catch (const std::runtime_error&) {
      // not there yet (an element the page has not drawn)
    }
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void HeadlessChromium::set_viewport(int width, int height) {
  call("Emulation.setDeviceMetricsOverride",
       {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", false}});
}

void HeadlessChromium::screenshot(const std::string& path) {
  auto shot = call("Page.captureScreenshot", {{"format", "png"}});
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << base64_decode(shot.at("data").get<std::string>());
}

}  // namespace it
