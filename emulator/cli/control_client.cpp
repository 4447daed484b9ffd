#include "emulator/cli/control_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace emu::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// The status of a busy emulator is a few hundred kilobytes at most.
constexpr std::uint64_t kResponseBodyLimit = std::uint64_t{16} * 1024 * 1024;
// What part of a body that is not JSON is quoted in the error.
constexpr std::size_t kQuotedBodyChars = 200;

Error usage_error(const std::string& what) { return Error{"UsageError", what}; }

bool all_digits(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

std::string seconds_text(std::chrono::milliseconds timeout) {
  auto tenths = (timeout.count() + 50) / 100;
  std::string text = std::to_string(tenths / 10);
  if (tenths % 10 != 0) text += "." + std::to_string(tenths % 10);
  return text + " s";
}

}  // namespace

Result<ControlEndpoint> parse_endpoint(const std::string& text) {
  const std::string scheme = "http://";
  auto bad = [&](const std::string& why) {
    return usage_error("--endpoint " + text + ": " + why + " (expected http://HOST:PORT, e.g. " +
                       kDefaultControlEndpoint + ")");
  };
  if (text.rfind("https://", 0) == 0) return bad("the emulator serves plain http");
  if (text.rfind(scheme, 0) != 0) return bad("not an http:// URL");
  std::string rest = text.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('/') != std::string::npos) return bad("a path is not allowed");

  ControlEndpoint endpoint;
  std::string port_text;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    auto close = rest.find(']');
    if (close == std::string::npos) return bad("unclosed '['");
    endpoint.host = rest.substr(1, close - 1);
    std::string after = rest.substr(close + 1);
    if (!after.empty() && after.front() != ':') return bad("unexpected text after ']'");
    if (!after.empty())
      port_text = after.substr(1);
    else
      port_text = "80";
  } else {
    auto colon = rest.rfind(':');
    endpoint.host = rest.substr(0, colon);
    port_text = colon == std::string::npos ? "80" : rest.substr(colon + 1);
    if (endpoint.host.find(':') != std::string::npos) return bad("an IPv6 address needs brackets");
  }
  if (endpoint.host.empty()) return bad("no host");
  if (!all_digits(port_text) || port_text.size() > 5 || std::stoul(port_text) == 0 ||
      std::stoul(port_text) > 65535)
    return bad("the port must be a number from 1 to 65535");
  endpoint.port = port_text;
  bool ipv6 = endpoint.host.find(':') != std::string::npos;
  endpoint.url = scheme + (ipv6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" + port_text;
  return endpoint;
}

Result<ControlResponse> ControlClient::get_json(const std::string& path,
                                                std::chrono::milliseconds timeout) const {
  return exchange("GET", path, nullptr, timeout);
}

Result<ControlResponse> ControlClient::post_json(const std::string& path,
                                                 const nlohmann::json& body,
                                                 std::chrono::milliseconds timeout) const {
  std::string text = body.dump();
  return exchange("POST", path, &text, timeout);
}

// Runs resolve, connect, write and read as asynchronous operations on a private io_context,
// because only Beast's asynchronous operations honour tcp_stream's deadline; run() returns when
// the chain ends, so the call as a whole is blocking.
Result<ControlResponse> ControlClient::exchange(const std::string& method, const std::string& path,
                                                const std::string* json_body,
                                                std::chrono::milliseconds timeout) const {
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(path);
  request.version(11);
  bool ipv6 = endpoint_.host.find(':') != std::string::npos;
  request.set(http::field::host,
              (ipv6 ? "[" + endpoint_.host + "]" : endpoint_.host) + ":" + endpoint_.port);
  request.set(http::field::user_agent, std::string("emulator-cli/") + EMULATOR_VERSION);
  request.set(http::field::accept, "application/json");
  request.set(http::field::connection, "close");
  if (json_body) {
    request.set(http::field::content_type, "application/json");
    request.body() = *json_body;
  }
  request.prepare_payload();

  asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kResponseBodyLimit);
  beast::error_code failure;
  enum class Stage { kResolve, kConnect, kExchange, kDone } stage = Stage::kResolve;

  resolver.async_resolve(
      endpoint_.host, endpoint_.port,
      [&](beast::error_code ec, const tcp::resolver::results_type& results) {
        if (ec) {
          failure = ec;
          return;
        }
        stage = Stage::kConnect;
        stream.expires_after(timeout);
        stream.async_connect(results, [&](beast::error_code connect_ec, const tcp::endpoint&) {
          if (connect_ec) {
            failure = connect_ec;
            return;
          }
          stage = Stage::kExchange;
          http::async_write(stream, request, [&](beast::error_code write_ec, std::size_t) {
            if (write_ec) {
              failure = write_ec;
              return;
            }
            http::async_read(stream, buffer, parser, [&](beast::error_code read_ec, std::size_t) {
              if (read_ec)
                failure = read_ec;
              else
                stage = Stage::kDone;
            });
          });
        });
      });
  io.run();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);

  const std::string& url = endpoint_.url;
  if (stage != Stage::kDone) {
    if (failure == beast::error::timeout)
      return Error{"Timeout", "the emulator at " + url + " did not answer " + method + " " + path +
                                  " within " + seconds_text(timeout)};
    if (stage == Stage::kResolve || stage == Stage::kConnect)
      return Error{"Unreachable", "cannot reach the emulator at " + url + ": " + failure.message() +
                                      " — is it running? (start it with ./run.sh or "
                                      "emulator template.yaml; --endpoint names its --aws-port)"};
    return Error{"ProtocolError", "the emulator at " + url + " broke off " + method + " " + path +
                                      ": " + failure.message()};
  }

  auto& response = parser.get();
  ControlResponse result;
  result.status = response.result_int();
  if (auto type = response.find("x-amzn-ErrorType"); type != response.end())
    result.error_type = std::string(type->value());
  const std::string& text = response.body();
  if (!text.empty()) {
    result.body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (result.body.is_discarded())
      return Error{
          "BadResponse",
          url + path + " answered " + std::to_string(result.status) +
              " with a body that is not JSON (is --endpoint the emulator's --aws-port?): " +
              text.substr(0, kQuotedBodyChars)};
  }
  return result;
}

}  // namespace emu::cli
