#include "runtime/curl_handle.h"

#include <mutex>
#include <stdexcept>
#include <sys/stat.h>

namespace lambda_runtime {

void ensure_curl_initialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

namespace {

// The CA bundle of the system the program runs on. The libcurl bundled into a Lambda package was
// built on Debian and looks at Debian's path; Amazon Linux 2023 keeps the bundle elsewhere.
const char* ca_bundle() {
  static const char* found = [] {
    for (const char* path : {"/etc/ssl/certs/ca-certificates.crt",   // Debian, Ubuntu
                             "/etc/pki/tls/certs/ca-bundle.crt",     // Amazon Linux, RHEL
                             "/etc/ssl/cert.pem"}) {
      struct stat info {};
      if (::stat(path, &info) == 0) return path;
    }
    return static_cast<const char*>(nullptr);
  }();
  return found;
}

}  // namespace

CurlEasy::CurlEasy() {
  ensure_curl_initialized();
  handle_ = curl_easy_init();
  if (handle_ == nullptr) throw std::runtime_error("libcurl could not create a handle");
  if (const char* bundle = ca_bundle()) curl_easy_setopt(handle_, CURLOPT_CAINFO, bundle);
}

}  // namespace lambda_runtime
