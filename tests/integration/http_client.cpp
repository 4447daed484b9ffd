#include "http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>

namespace it {
namespace {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// curl_global_init is not thread-safe on every libcurl build; a function-local static runs it
// exactly once, before any handle exists.
void ensure_curl_initialised() {
  static const bool initialised = [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("curl_global_init failed");
    return true;
  }();
  (void)initialised;
}

std::string trim(std::string text) {
  const char* space = " \t\r\n";
  auto first = text.find_first_not_of(space);
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

size_t write_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Called once per header line, including each status line; a new status line (after a 100
// Continue, say) starts the headers afresh so only the final response's remain.
size_t write_header(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();
  } else if (auto colon = line.find(':'); colon != std::string::npos) {
    response->headers.emplace(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  return size * count;
}

}  // namespace

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
  });
}

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse request(const std::string& method, const std::string& url, const HeaderList& headers,
                     const std::string& body, std::chrono::milliseconds timeout) {
  ensure_curl_initialised();
  CurlEasy curl(curl_easy_init());
  if (!curl) throw std::runtime_error("curl_easy_init failed");

  // Unless the caller asks for it, no "Expect: 100-continue": libcurl would otherwise wait up to
  // a second for a 100 Continue before sending a large body.
  HeaderList all_headers = headers;
  bool caller_sets_expect = std::any_of(headers.begin(), headers.end(), [](const auto& header) {
    return !CaseInsensitiveLess{}(header.first, "Expect") &&
           !CaseInsensitiveLess{}("Expect", header.first);
  });
  if (!caller_sets_expect) all_headers.emplace_back("Expect", "");

  CurlSlist header_list;
  for (const auto& [name, value] : all_headers) {
    // "Name:" removes a header libcurl would add; "Name;" sends it with an empty value.
    std::string line = !value.empty() ? name + ": " + value
                       : name == "Expect" ? name + ":" : name + ";";
    curl_slist* appended = curl_slist_append(header_list.get(), line.c_str());
    if (appended == nullptr) throw std::runtime_error("curl_slist_append failed");
    header_list.release();  // now owned through `appended`
    header_list.reset(appended);
  }

  HttpResponse response;
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(handle, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &response);

  CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK)
    throw std::runtime_error(method + " " + url + ": " + curl_easy_strerror(code));
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace it
