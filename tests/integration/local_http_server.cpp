#include "local_http_server.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace it {
namespace {

// A request's head is read for at most this long before the connection is answered anyway.
constexpr int kReadTimeoutMs = 2000;
constexpr std::size_t kMaxRequestHead = 64 * 1024;

std::runtime_error socket_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

// A TCP socket bound to 127.0.0.1 on a free port; the port through `port`.
UniqueFd bind_loopback(std::uint16_t& port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) throw socket_error("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    throw socket_error("bind 127.0.0.1:0");
  socklen_t length = sizeof address;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw socket_error("getsockname");
  port = ntohs(address.sin_port);
  return fd;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

}  // namespace

LocalHttpServer::LocalHttpServer(int status, std::string body)
    : status_(status), body_(std::move(body)) {
  listener_ = bind_loopback(port_);
  if (::listen(listener_.get(), 16) != 0) throw socket_error("listen");
  int wake[2];
  if (::pipe2(wake, O_CLOEXEC) != 0) throw socket_error("pipe2");
  wake_read_.reset(wake[0]);
  wake_write_.reset(wake[1]);
  thread_ = std::thread([this] { serve(); });
}

LocalHttpServer::~LocalHttpServer() {
  char byte = 0;
  while (::write(wake_write_.get(), &byte, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
}

std::string LocalHttpServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/";
}

void LocalHttpServer::serve() {
  while (true) {
    pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {wake_read_.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents == 0) continue;
    UniqueFd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (client.get() < 0) continue;
    answer(client.get());
  }
}

void LocalHttpServer::answer(int client_fd) {
  // Read the request head (a GET has no body), bounded in size and time.
  std::string head;
  char chunk[4096];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < kMaxRequestHead) {
    pollfd fd{client_fd, POLLIN, 0};
    if (::poll(&fd, 1, kReadTimeoutMs) <= 0) break;
    ssize_t n = ::read(client_fd, chunk, sizeof chunk);
    if (n <= 0) break;
    head.append(chunk, static_cast<std::size_t>(n));
  }
  ++received_;  // before answering, so a caller that has the answer also sees the count
  std::string response = "HTTP/1.1 " + std::to_string(status_) + " " + reason_phrase(status_) +
                         "\r\nContent-Type: text/plain\r\nContent-Length: " +
                         std::to_string(body_.size()) + "\r\nConnection: close\r\n\r\n" + body_;
  std::size_t sent = 0;
  while (sent < response.size()) {
    ssize_t n = ::send(client_fd, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

ClosedPort::ClosedPort() { socket_ = bind_loopback(port_); }

}  // namespace it
