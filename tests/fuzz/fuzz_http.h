// Shared by the fuzz targets that take an HTTP request: the fuzz bytes are parsed as a request
// the way HttpSession's parser reads one off a socket (Beast, the same body limit), so the
// targets see only what the server could hand to a RequestHandler.
#pragma once

#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace fuzz {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

inline std::optional<HttpRequest> parse_request(const std::uint8_t* data, std::size_t size) {
  namespace http = boost::beast::http;
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(10 * 1024 * 1024);
  parser.header_limit(64 * 1024);
  boost::beast::error_code error;
  std::size_t used = parser.put(boost::asio::buffer(data, size), error);
  if (!error && !parser.is_done()) {  // a body without Content-Length ends with the input
    parser.put_eof(error);
  }
  (void)used;
  if (error || !parser.is_done()) return std::nullopt;
  return parser.release();
}

}  // namespace fuzz
