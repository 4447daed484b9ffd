#include "runtime/curl_handle.h"

#include <mutex>
#include <stdexcept>

namespace lambda_runtime {

void ensure_curl_initialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlEasy::CurlEasy() {
  ensure_curl_initialized();
  handle_ = curl_easy_init();
  if (handle_ == nullptr) throw std::runtime_error("libcurl could not create a handle");
}

}  // namespace lambda_runtime
