#include "runtime/http_get.h"

#include "runtime/curl_handle.h"

namespace lambda_runtime {
namespace {

constexpr std::size_t kMaxBody = 1 << 20;  // a check-IP answer is a few bytes; refuse floods

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  std::size_t bytes = size * count;
  if (body->size() + bytes > kMaxBody) return 0;  // makes curl fail with CURLE_WRITE_ERROR
  body->append(data, bytes);
  return bytes;
}

}  // namespace

HttpGetResult http_get(const std::string& url, std::chrono::milliseconds timeout) {
  HttpGetResult result;
  CurlEasy curl;
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);  // required for timeouts in threads
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error_buffer);
  CURLcode code = curl_easy_perform(curl.get());
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &result.status);
  if (code != CURLE_OK) {
    result.error = "GET " + url + " failed: " +
                   (error_buffer[0] != '\0' ? std::string(error_buffer) : curl_easy_strerror(code));
  } else if (result.status < 200 || result.status > 299) {
    result.error = "GET " + url + " answered HTTP " + std::to_string(result.status);
  } else {
    result.ok = true;
  }
  return result;
}

}  // namespace lambda_runtime
