// A small blocking HTTP client over libcurl, for talking to the emulator from tests. Each call
// uses its own easy handle, so calls from many threads at once are safe. Proxies from the
// environment are ignored: the tests only talk to 127.0.0.1.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace it {

// Orders header names without regard to ASCII case ("Content-Type" == "content-type").
struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

struct HttpResponse {
  long status = 0;
  std::multimap<std::string, std::string, CaseInsensitiveLess> headers;  // of the final response
  std::string body;

  bool has_header(const std::string& name) const { return headers.count(name) > 0; }
  // The first value of `name`, or "" when absent.
  std::string header(const std::string& name) const;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Sends one request and reads the whole response. A header with an empty value is sent empty.
// No "Expect: 100-continue" is sent unless `headers` has it. Throws std::runtime_error naming the URL and
// libcurl's message when no HTTP response arrives (refused, reset, timed out after `timeout`).
HttpResponse request(const std::string& method, const std::string& url,
                     const HeaderList& headers = {}, const std::string& body = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

inline HttpResponse get(const std::string& url, const HeaderList& headers = {}) {
  return request("GET", url, headers);
}

}  // namespace it
