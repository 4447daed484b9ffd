// LocalHttpServer: a tiny HTTP/1.1 server on 127.0.0.1 and a free port, answering every request
// with one fixed status and body (Connection: close). Stands in for a check-IP service, so that a
// function's outbound call can be tested without the network. One thread, one connection at a
// time; stopped and joined by the destructor.
//
// ClosedPort: a port on 127.0.0.1 that refuses connections for as long as the object lives (a bound
// socket that never listens, so no other process can take the port meanwhile).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "emulator_process.h"

namespace it {

class LocalHttpServer {
 public:
  // Throws std::runtime_error when it cannot bind or listen.
  LocalHttpServer(int status, std::string body);
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;
  ~LocalHttpServer();

  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT/"
  std::string url() const;
  // Requests received so far (counted before each is answered).
  int requests_received() const { return received_.load(); }

 private:
  void serve();  // the thread's body
  void answer(int client_fd);

  int status_;
  std::string body_;
  UniqueFd listener_;
  UniqueFd wake_read_;   // a byte on wake_write_ tells serve() to return
  UniqueFd wake_write_;
  std::uint16_t port_ = 0;
  std::atomic<int> received_{0};
  std::thread thread_;
};

class ClosedPort {
 public:
  ClosedPort();
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  UniqueFd socket_;
  std::uint16_t port_ = 0;
};

}  // namespace it
