// RAII owners for libcurl's C handles, and the one place libcurl is initialised.
#pragma once

#include <curl/curl.h>

namespace lambda_runtime {

// Initialises libcurl once per process (curl_global_init is not thread-safe; this is).
void ensure_curl_initialized();

class CurlEasy {
 public:
  CurlEasy();                      // throws std::runtime_error if libcurl cannot make a handle
  ~CurlEasy() { curl_easy_cleanup(handle_); }
  CurlEasy(const CurlEasy&) = delete;
  CurlEasy& operator=(const CurlEasy&) = delete;
  CURL* get() const { return handle_; }

 private:
  CURL* handle_;
};

class CurlHeaderList {
 public:
  CurlHeaderList() = default;
  ~CurlHeaderList() { curl_slist_free_all(list_); }
  CurlHeaderList(const CurlHeaderList&) = delete;
  CurlHeaderList& operator=(const CurlHeaderList&) = delete;
  void append(const char* header) { list_ = curl_slist_append(list_, header); }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

}  // namespace lambda_runtime
