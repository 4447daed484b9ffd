#include "runtime/runtime_api_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <memory>
#include <string_view>
#include <utility>

#include "runtime/text.h"

namespace lambda_runtime {
namespace {

constexpr std::size_t kMaxErrorAnswerBytes = 64u << 10;  // the API's own error answers are small
constexpr std::size_t kMaxQuotedAnswer = 300;            // of an error answer, in a message

// A header value must not carry control characters (a CR or LF would end the header early).
std::string header_safe(std::string_view value) {
  std::string safe;
  for (char c : value)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) safe += c;
  return safe;
}

std::optional<std::chrono::system_clock::time_point> parse_epoch_ms(std::string_view text) {
  long long ms = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

constexpr std::size_t kMaxHeadBytes = 64u << 10;  // an answer's status line and headers
constexpr std::size_t kReadChunk = 64u << 10;

std::string lower(std::string_view text) {
  std::string result(text);
  for (auto& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    auto comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

std::string errno_text(int error) { return std::strerror(error); }

template <class Answer>
ApiFailure refused(const std::string& what, const Answer& answer) {
  std::string message = what + " answered HTTP " + std::to_string(answer.status);
  if (!answer.body.empty()) message += ": " + answer.body.substr(0, kMaxQuotedAnswer);
  return ApiFailure{answer.status, std::move(message)};
}

template <class Answer>
std::string header_of(const Answer& answer, std::string_view lower_case_name) {
  auto it = answer.headers.find(lower_case_name);
  return it == answer.headers.end() ? std::string() : it->second;
}

}  // namespace

nlohmann::json ErrorReport::to_json() const {
  return {{"errorMessage", message}, {"errorType", type}, {"stackTrace", nlohmann::json::array()}};
}

RuntimeApiClient::RuntimeApiClient(std::string endpoint)
    : base_url_("http://" + endpoint + "/2018-06-01"),
      host_(endpoint),
      next_request_("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: " + endpoint +
                    "\r\nAccept: */*\r\n\r\n") {
  // "host:port", "[v6 address]:port"; without a port, HTTP's 80.
  std::string_view text = endpoint;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    host_name_ = std::string(text.substr(1, close == std::string_view::npos ? text.npos : close - 1));
    if (close != std::string_view::npos && close + 1 < text.size() && text[close + 1] == ':')
      port_ = std::string(text.substr(close + 2));
  } else if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    host_name_ = std::string(text.substr(0, colon));
    port_ = std::string(text.substr(colon + 1));
  } else {
    host_name_ = std::string(text);
  }
  if (port_.empty()) port_ = "80";
}

RuntimeApiClient::~RuntimeApiClient() { disconnect(); }

void RuntimeApiClient::disconnect() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  pending_.clear();
  next_in_flight_ = false;
}

std::string RuntimeApiClient::connect_to_api() {
  disconnect();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int code = ::getaddrinfo(host_name_.c_str(), port_.c_str(), &hints, &found); code != 0)
    return "Could not resolve host: " + host_name_ + " (" + ::gai_strerror(code) + ")";
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> addresses(found, ::freeaddrinfo);
  std::string reason = "no address for " + host_name_;
  const auto deadline = std::chrono::steady_clock::now() + kConnectTimeout;
  for (auto* address = found; address != nullptr; address = address->ai_next) {
    int fd = ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                      address->ai_protocol);
    if (fd < 0) {
      reason = "socket: " + errno_text(errno);
      continue;
    }
    int error = 0;
    if (::connect(fd, address->ai_addr, address->ai_addrlen) != 0) {
      error = errno;
      if (error == EINPROGRESS) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd wait{fd, POLLOUT, 0};
        int ready = ::poll(&wait, 1, static_cast<int>(std::max<long long>(0, left.count())));
        socklen_t length = sizeof error;
        if (ready == 1) {
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        } else {
          error = ETIMEDOUT;
        }
      }
    }
    if (error != 0) {
      ::close(fd);
      reason = "Failed to connect to " + host_name_ + " port " + port_ + ": " + errno_text(error);
      continue;
    }
    // Blocking from here on; a read or write waits at most kPostTimeout at a time (the GET for
    // the next event waits again after each such pause: it has no limit).
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval pause{static_cast<time_t>(kPostTimeout.count() / 1000),
                  static_cast<suseconds_t>((kPostTimeout.count() % 1000) * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &pause, sizeof pause);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &pause, sizeof pause);
    fd_ = fd;
    return "";
  }
  return reason;
}

std::string RuntimeApiClient::exchange(std::initializer_list<std::string_view> request,
                                       bool already_sent, std::size_t max_body,
                                       std::chrono::milliseconds timeout, Answer& answer) {
  const bool has_deadline = timeout.count() > 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int round = 0;; ++round) {
    const bool reused = fd_ >= 0;
    if (!reused) {
      already_sent = false;
      if (auto reason = connect_to_api(); !reason.empty()) return reason;
    }
    bool nothing_received = true;
    answer = Answer{};
    auto reason = attempt(request, !already_sent, max_body, deadline, has_deadline, answer,
                          nothing_received);
    if (reason.empty()) return reason;
    disconnect();
    // A kept-alive connection the API closed meanwhile fails before any answer: once more, on a
    // new connection (as HTTP clients do; the request was not read).
    if (!(reused && nothing_received && round == 0)) return reason;
  }
}

std::string RuntimeApiClient::attempt(std::initializer_list<std::string_view> request, bool send,
                                      std::size_t max_body,
                                      std::chrono::steady_clock::time_point deadline,
                                      bool has_deadline, Answer& answer, bool& nothing_received) {
  auto timed_out = [&] { return has_deadline && std::chrono::steady_clock::now() >= deadline; };
  auto timeout_text = [&] {
    return "Operation timed out after " + std::to_string(kPostTimeout.count()) + " milliseconds";
  };

  // Send the request, all pieces in one write where the kernel takes them at once.
  iovec parts[4];
  std::size_t count = 0;
  for (auto piece : request) {
    if (!piece.empty() && count < std::size(parts))
      parts[count++] = {const_cast<char*>(piece.data()), piece.size()};
  }
  for (std::size_t first = 0; send && first < count;) {
    msghdr message{};
    message.msg_iov = parts + first;
    message.msg_iovlen = count - first;
    ssize_t sent = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (timed_out()) return timeout_text();
        continue;
      }
      return "Send failure: " + errno_text(errno);
    }
    auto done = static_cast<std::size_t>(sent);
    while (first < count && done >= parts[first].iov_len) done -= parts[first++].iov_len;
    if (first < count) {
      parts[first].iov_base = static_cast<char*>(parts[first].iov_base) + done;
      parts[first].iov_len -= done;
    }
  }

  // Read until one whole answer is in: more bytes into pending_ as needed.
  bool closed = false;
  auto read_more = [&]() -> std::string {
    if (!chunk_) chunk_.reset(new char[kReadChunk]);  // once, and not zeroed
    for (;;) {
      ssize_t n = ::recv(fd_, chunk_.get(), kReadChunk, 0);
      if (n > 0) {
        nothing_received = false;
        pending_.append(chunk_.get(), static_cast<std::size_t>(n));
        return "";
      }
      if (n == 0) {
        closed = true;
        return "";
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (timed_out()) return timeout_text();
        continue;  // no limit (GET next), or not yet reached
      }
      return "Recv failure: " + errno_text(errno);
    }
  };

  for (;;) {  // one head per round: interim 1xx answers are skipped
    std::size_t head_end;
    while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (pending_.size() > kMaxHeadBytes) return "the answer's headers exceed 64 KiB";
      if (auto reason = read_more(); !reason.empty()) return reason;
      if (closed)
        return pending_.empty() ? "Empty reply from server"
                                : "the connection closed in the middle of the answer's headers";
    }
    std::string_view text(pending_.data(), head_end);
    auto line_end = text.find("\r\n");
    std::string_view status_line = text.substr(0, line_end);
    // "HTTP/1.1 202 Accepted"
    if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/" || status_line[8] != ' ')
      return "not an HTTP answer: " + std::string(status_line.substr(0, 80));
    const bool http10 = status_line.substr(5, 3) == "1.0";
    long status = 0;
    auto digits = status_line.substr(9, 3);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), status);
    if (error != std::errc() || end != digits.data() + 3)
      return "not an HTTP status line: " + std::string(status_line.substr(0, 80));
    answer.headers.clear();
    std::string_view rest = line_end == std::string_view::npos ? std::string_view()
                                                               : text.substr(line_end + 2);
    while (!rest.empty()) {
      auto next = rest.find("\r\n");
      auto line = rest.substr(0, next);
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 2);
      auto colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      answer.headers[lower(trim(line.substr(0, colon)))] = std::string(trim(line.substr(colon + 1)));
    }
    pending_.erase(0, head_end + 4);
    if (status >= 100 && status < 200) continue;  // 100 Continue and the like: the answer follows
    answer.status = status;

    auto connection = header_of(answer, "connection");
    bool keep = http10 ? has_token(connection, "keep-alive") : !has_token(connection, "close");
    const auto transfer = header_of(answer, "transfer-encoding");
    const auto length_text = header_of(answer, "content-length");
    auto too_large = [&] {
      return "the answer's body exceeds " + std::to_string(max_body) + " bytes";
    };
    if (status == 204 || status == 304) {
      // No body.
    } else if (!transfer.empty() && has_token(transfer, "chunked")) {
      for (;;) {
        std::size_t size_end;
        while ((size_end = pending_.find("\r\n")) == std::string::npos) {
          if (pending_.size() > kMaxHeadBytes) return "a malformed chunked answer";
          if (auto reason = read_more(); !reason.empty()) return reason;
          if (closed) return "the connection closed in the middle of a chunked answer";
        }
        std::size_t size = 0;
        std::string_view size_text(pending_.data(), size_end);
        size_text = size_text.substr(0, size_text.find(';'));
        size_text = trim(size_text);
        auto [size_stop, size_error] =
            std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
        if (size_error != std::errc() || size_stop != size_text.data() + size_text.size())
          return "a malformed chunk size in a chunked answer";
        if (size == 0) {
          // Trailers (ignored) up to the blank line.
          pending_.erase(0, size_end + 2);
          std::size_t blank;
          while ((blank = pending_.find("\r\n")) != 0) {
            if (blank != std::string::npos) {
              pending_.erase(0, blank + 2);
              continue;
            }
            if (auto reason = read_more(); !reason.empty()) return reason;
            if (closed) return "the connection closed in the middle of a chunked answer";
          }
          pending_.erase(0, 2);
          break;
        }
        if (answer.body.size() + size > max_body) return too_large();
        while (pending_.size() < size_end + 2 + size + 2) {
          if (auto reason = read_more(); !reason.empty()) return reason;
          if (closed) return "the connection closed in the middle of a chunked answer";
        }
        answer.body.append(pending_, size_end + 2, size);
        pending_.erase(0, size_end + 2 + size + 2);
      }
    } else if (!length_text.empty()) {
      std::size_t length = 0;
      auto [length_end, length_error] =
          std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
      if (length_error != std::errc() || length_end != length_text.data() + length_text.size())
        return "a malformed Content-Length: " + length_text;
      if (length > max_body) return too_large();
      while (pending_.size() < length) {
        if (auto reason = read_more(); !reason.empty()) return reason;
        if (closed) return "the connection closed before the answer's body was complete";
      }
      answer.body.assign(pending_, 0, length);
      pending_.erase(0, length);
    } else {
      // Neither length nor chunks: the body ends with the connection.
      keep = false;
      while (!closed) {
        if (pending_.size() > max_body) return too_large();
        if (auto reason = read_more(); !reason.empty()) return reason;
      }
      if (pending_.size() > max_body) return too_large();
      answer.body = std::move(pending_);
      pending_.clear();
    }
    if (!keep || closed) disconnect();
    return "";
  }
}

std::variant<Invocation, ApiFailure> RuntimeApiClient::next() {
  static constexpr std::string_view path = "/runtime/invocation/next";
  const bool in_flight = next_in_flight_;
  next_in_flight_ = false;
  Answer answer;
  if (auto reason = exchange({next_request()}, in_flight, kMaxEventBytes,
                             std::chrono::milliseconds(0), answer);
      !reason.empty())
    return ApiFailure{0, "GET " + base_url_ + std::string(path) + " failed: " + reason};
  const auto what = [&] { return "GET " + base_url_ + std::string(path); };
  if (answer.status != 200) return refused(what(), answer);

  Invocation invocation;
  invocation.request_id = header_of(answer, "lambda-runtime-aws-request-id");
  if (invocation.request_id.empty())
    return ApiFailure{200, what() + " answered without Lambda-Runtime-Aws-Request-Id"};
  auto deadline_text = header_of(answer, "lambda-runtime-deadline-ms");
  auto deadline = parse_epoch_ms(deadline_text);
  if (!deadline)
    return ApiFailure{200, what() + " answered request " + invocation.request_id +
                               " without a Lambda-Runtime-Deadline-Ms in epoch milliseconds ('" +
                               deadline_text + "')"};
  invocation.deadline = *deadline;
  invocation.invoked_function_arn = header_of(answer, "lambda-runtime-invoked-function-arn");
  invocation.trace_id = header_of(answer, "lambda-runtime-trace-id");
  invocation.event = std::move(answer.body);
  return invocation;
}

std::optional<ApiFailure> RuntimeApiClient::post_response(const std::string& request_id,
                                                          const std::string& body,
                                                          bool then_next) {
  return post("/runtime/invocation/" + percent_encode(request_id) + "/response", body, "",
              then_next);
}

std::optional<ApiFailure> RuntimeApiClient::post_error(const std::string& request_id,
                                                       const ErrorReport& error) {
  return post("/runtime/invocation/" + percent_encode(request_id) + "/error",
              error.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
              error.type);
}

std::optional<ApiFailure> RuntimeApiClient::post_init_error(const ErrorReport& error) {
  return post("/runtime/init/error",
              error.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
              error.type);
}

std::optional<ApiFailure> RuntimeApiClient::post(const std::string& path, const std::string& body,
                                                 const std::string& error_type, bool then_next) {
  next_in_flight_ = false;
  std::string head;
  head.reserve(200 + path.size() + host_.size() + error_type.size());
  head.append("POST /2018-06-01").append(path).append(" HTTP/1.1\r\nHost: ").append(host_);
  head.append("\r\nAccept: */*\r\nContent-Type: application/json\r\n");
  if (!error_type.empty())
    head.append("Lambda-Runtime-Function-Error-Type: ").append(header_safe(error_type)).append("\r\n");
  head.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n\r\n");
  Answer answer;
  std::string_view behind = then_next ? std::string_view(next_request()) : std::string_view();
  if (auto reason = exchange({head, body, behind}, false, kMaxErrorAnswerBytes, kPostTimeout,
                             answer);
      !reason.empty())
    return ApiFailure{0, "POST " + base_url_ + path + " failed: " + reason};
  // The GET behind it is answered next on this connection, if it stays open.
  next_in_flight_ = then_next && fd_ >= 0;
  if (answer.status < 200 || answer.status > 299) return refused("POST " + base_url_ + path, answer);
  return std::nullopt;
}

}  // namespace lambda_runtime
