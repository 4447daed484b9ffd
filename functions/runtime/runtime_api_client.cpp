#include "runtime/runtime_api_client.h"

#include <cctype>
#include <charconv>
#include <map>
#include <string_view>
#include <utility>

#include "runtime/text.h"

namespace lambda_runtime {
namespace {

constexpr std::size_t kMaxErrorAnswerBytes = 64u << 10;  // the API's own error answers are small
constexpr std::size_t kMaxQuotedAnswer = 300;            // of an error answer, in a message

// One HTTP exchange as libcurl's callbacks fill it. `headers` are those of the final response
// (a header block after an interim 100 Continue starts over), names lower-cased.
struct Exchange {
  explicit Exchange(std::size_t body_limit) : max_body(body_limit) {}

  std::size_t max_body;
  long status = 0;
  std::string body;
  std::map<std::string, std::string, std::less<>> headers;

  std::string header(std::string_view lower_case_name) const {
    auto it = headers.find(lower_case_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  std::size_t bytes = size * count;
  if (exchange->body.size() + bytes > exchange->max_body) return 0;  // CURLE_WRITE_ERROR
  exchange->body.append(data, bytes);
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  std::size_t bytes = size * count;
  std::string_view line(data, bytes);
  if (line.rfind("HTTP/", 0) == 0) {
    exchange->headers.clear();
    return bytes;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  std::string name(trim(line.substr(0, colon)));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  exchange->headers[std::move(name)] = std::string(trim(line.substr(colon + 1)));
  return bytes;
}

// Percent-encodes every byte but RFC 3986's unreserved characters, so a request id is one path
// segment whatever it holds (Lambda's are UUIDs, which pass unchanged).
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0x0F];
    }
  }
  return encoded;
}

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

// Resets `curl` and points it at `url`, with the options every call shares.
void prepare(CURL* curl, const std::string& url, Exchange& exchange) {
  curl_easy_reset(curl);  // keeps the open connection, forgets the last call's options
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // The API is local; an http_proxy meant for the function's own calls must not capture it.
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(RuntimeApiClient::kConnectTimeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exchange);
}

// Runs the prepared call. A failure when no HTTP answer arrived; else nullopt, with
// exchange.status set.
std::optional<ApiFailure> perform(CURL* curl, const std::string& what, Exchange& exchange) {
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);  // error_buffer ends with this scope
  if (code != CURLE_OK) {
    std::string reason = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    if (code == CURLE_WRITE_ERROR)  // only on_body refuses to write
      reason = "the answer's body exceeds " + std::to_string(exchange.max_body) + " bytes";
    return ApiFailure{0, what + " failed: " + reason};
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &exchange.status);
  return std::nullopt;
}

ApiFailure refused(const std::string& what, const Exchange& exchange) {
  std::string message = what + " answered HTTP " + std::to_string(exchange.status);
  if (!exchange.body.empty()) message += ": " + exchange.body.substr(0, kMaxQuotedAnswer);
  return ApiFailure{exchange.status, std::move(message)};
}

}  // namespace

nlohmann::json ErrorReport::to_json() const {
  return {{"errorMessage", message}, {"errorType", type}, {"stackTrace", nlohmann::json::array()}};
}

RuntimeApiClient::RuntimeApiClient(std::string endpoint)
    : base_url_("http://" + std::move(endpoint) + "/2018-06-01") {}

std::variant<Invocation, ApiFailure> RuntimeApiClient::next() {
  const std::string url = base_url_ + "/runtime/invocation/next";
  const std::string what = "GET " + url;
  Exchange exchange(kMaxEventBytes);
  prepare(curl_.get(), url, exchange);
  curl_easy_setopt(curl_.get(), CURLOPT_HTTPGET, 1L);
  if (auto failure = perform(curl_.get(), what, exchange)) return *std::move(failure);
  if (exchange.status != 200) return refused(what, exchange);

  Invocation invocation;
  invocation.request_id = exchange.header("lambda-runtime-aws-request-id");
  if (invocation.request_id.empty())
    return ApiFailure{200, what + " answered without Lambda-Runtime-Aws-Request-Id"};
  auto deadline_text = exchange.header("lambda-runtime-deadline-ms");
  auto deadline = parse_epoch_ms(deadline_text);
  if (!deadline)
    return ApiFailure{200, what + " answered request " + invocation.request_id +
                               " without a Lambda-Runtime-Deadline-Ms in epoch milliseconds ('" +
                               deadline_text + "')"};
  invocation.deadline = *deadline;
  invocation.invoked_function_arn = exchange.header("lambda-runtime-invoked-function-arn");
  invocation.trace_id = exchange.header("lambda-runtime-trace-id");
  invocation.event = std::move(exchange.body);
  return invocation;
}

std::optional<ApiFailure> RuntimeApiClient::post_response(const std::string& request_id,
                                                          const std::string& body) {
  return post("/runtime/invocation/" + percent_encode(request_id) + "/response", body, "");
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
                                                 const std::string& error_type) {
  const std::string url = base_url_ + path;
  const std::string what = "POST " + url;
  Exchange exchange(kMaxErrorAnswerBytes);
  prepare(curl_.get(), url, exchange);
  CurlHeaderList headers;
  headers.append("Content-Type: application/json");
  headers.append("Expect:");  // send the body at once, without a 100-continue round trip
  if (!error_type.empty()) {
    std::string header = "Lambda-Runtime-Function-Error-Type: " + header_safe(error_type);
    headers.append(header.c_str());
  }
  curl_easy_setopt(curl_.get(), CURLOPT_POST, 1L);
  curl_easy_setopt(curl_.get(), CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl_.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl_.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl_.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(kPostTimeout.count()));
  auto failure = perform(curl_.get(), what, exchange);
  curl_easy_setopt(curl_.get(), CURLOPT_HTTPHEADER, nullptr);  // `headers` ends with this scope
  if (failure) return failure;
  if (exchange.status < 200 || exchange.status > 299) return refused(what, exchange);
  return std::nullopt;
}

}  // namespace lambda_runtime
