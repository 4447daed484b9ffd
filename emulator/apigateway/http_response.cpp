#include "emulator/apigateway/http_response.h"

namespace emu::apigw {

namespace http = boost::beast::http;

Result<HttpResponse> map_http_response(const nlohmann::json& result, unsigned http_version) {
  if (!result.is_object() || !result.contains("statusCode")) {
    HttpResponse response{http::status::ok, http_version};
    response.set(http::field::content_type, "application/json");
    response.body() = result.is_string()
                          ? result.get<std::string>()
                          : result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    response.prepare_payload();
    return response;
  }
  ProxyResponseRules rules;
  rules.other_keys_allowed = true;
  rules.default_content_type = "text/plain; charset=utf-8";
  auto mapped = map_proxy_response(result, http_version, rules);
  if (!mapped) return mapped;
  const auto cookies = result.find("cookies");
  if (cookies == result.end() || cookies->is_null()) return mapped;
  if (!cookies->is_array())
    return Error{"MalformedLambdaProxyResponse",
                 "cookies must be an array of strings, got " + cookies->dump()};
  for (const auto& cookie : *cookies) {
    if (!cookie.is_string())
      return Error{"MalformedLambdaProxyResponse",
                   "cookies must be an array of strings; an item is " + cookie.dump()};
    const auto& text = cookie.get_ref<const std::string&>();
    if (text.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
      return Error{"MalformedLambdaProxyResponse",
                   "a cookie contains a CR, LF or NUL character, which HTTP does not allow"};
    mapped.value().insert(http::field::set_cookie, text);
  }
  return mapped;
}

}  // namespace emu::apigw
