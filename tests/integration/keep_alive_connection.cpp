#include "keep_alive_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace it {
namespace {

using Clock = std::chrono::steady_clock;

std::string trim(const std::string& text) {
  const char* space = " \t";
  auto first = text.find_first_not_of(space);
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string WireResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

bool WireResponse::closes() const {
  return lower(header("Connection")).find("close") != std::string::npos;
}

KeepAliveConnection::KeepAliveConnection(std::uint16_t port, int receive_buffer)
    : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
  if (fd_.get() < 0) throw std::runtime_error("socket() failed");
  if (receive_buffer > 0)
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  int one = 1;
  ::setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) +
                             " failed: " + std::strerror(errno));
}

void KeepAliveConnection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    auto n = ::send(fd_.get(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error(std::string("send failed: ") + std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
}

bool KeepAliveConnection::receive(Clock::time_point deadline, std::size_t max_bytes) {
  if (peer_closed_) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() < 0) left = std::chrono::milliseconds(0);
  pollfd waiting{fd_.get(), POLLIN, 0};
  int ready = ::poll(&waiting, 1, static_cast<int>(left.count()));
  if (ready == 0) {
    error_ = "timed out";
    return false;
  }
  if (ready < 0) {
    error_ = std::string("poll failed: ") + std::strerror(errno);
    return false;
  }
  char chunk[65536];
  auto n = ::recv(fd_.get(), chunk, std::min(max_bytes, sizeof chunk), 0);
  if (n == 0) {
    peer_closed_ = true;
    error_ = "the server closed the connection";
    return false;
  }
  if (n < 0) {
    peer_closed_ = true;
    error_ = std::string("recv failed: ") + std::strerror(errno);
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

WireResponse KeepAliveConnection::read_response(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto fail = [&](const std::string& what) -> std::runtime_error {
    return std::runtime_error(what + " (" + error_ + "; " + std::to_string(buffer_.size()) +
                              " bytes of a response received: " + buffer_.substr(0, 200) + ")");
  };
  std::size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos)
    if (!receive(deadline)) throw fail("no complete response head");

  WireResponse response;
  std::string head = buffer_.substr(0, head_end);
  std::size_t line_end = head.find("\r\n");
  response.status_line = head.substr(0, line_end);
  if (response.status_line.rfind("HTTP/1.", 0) != 0 || response.status_line.size() < 12)
    throw fail("not an HTTP/1.x status line");
  response.status = std::stoi(response.status_line.substr(9, 3));
  while (line_end != std::string::npos) {
    std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    std::string line =
        head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    auto colon = line.find(':');
    if (colon == std::string::npos) throw fail("a header line without a colon: " + line);
    response.headers.emplace(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  if (!response.header("Transfer-Encoding").empty())
    throw fail("a response with Transfer-Encoding, which this reader does not decode");

  std::size_t length = 0;
  bool no_body = response.status / 100 == 1 || response.status == 204 || response.status == 304;
  if (!no_body) {
    auto declared = response.header("Content-Length");
    if (declared.empty()) throw fail("a response without Content-Length");
    length = std::stoul(declared);
  }
  const std::size_t total = head_end + 4 + length;
  while (buffer_.size() < total)
    if (!receive(deadline)) throw fail("the body ended before its Content-Length");
  response.body = buffer_.substr(head_end + 4, length);
  buffer_.erase(0, total);
  return response;
}

std::string KeepAliveConnection::read_some(std::size_t max_bytes,
                                           std::chrono::milliseconds timeout) {
  if (buffer_.empty()) receive(Clock::now() + timeout, max_bytes);
  std::string out = buffer_.substr(0, max_bytes);
  buffer_.erase(0, out.size());
  return out;
}

}  // namespace it
