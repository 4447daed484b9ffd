#include "emulator/apigateway/proxy_response.h"

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/core/base64.h"

namespace emu::apigw {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

constexpr std::string_view kAllowedKeys =
    "statusCode, headers, multiValueHeaders, body and isBase64Encoded";
constexpr std::size_t kMaxQuotedValue = 80;

Error malformed(std::string message) {
  // The reason API Gateway logs for this 502: "Execution failed due to configuration error:
  // Malformed Lambda proxy response".
  return Error{"MalformedLambdaProxyResponse", std::move(message)};
}

std::string_view describe_type(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    case json::value_t::binary:
      return "binary data";
    case json::value_t::discarded:
      break;
  }
  return "nothing";
}

// `value` as JSON for a message, cut short when long.
std::string quote(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > kMaxQuotedValue) {
    text.resize(kMaxQuotedValue);
    text += "...";
  }
  return text;
}

// RFC 9110 section 5.6.2: a field name is a token.
bool is_token(std::string_view name) {
  static constexpr std::string_view kTokenSymbols = "!#$%&'*+-.^_`|~";
  if (name.empty()) return false;
  for (const char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && kTokenSymbols.find(c) == std::string_view::npos) return false;
  }
  return true;
}

// A header value, as API Gateway renders the scalar: strings as they are, numbers as JSON writes
// them, booleans as "true" / "false". nullopt for null, arrays and objects.
std::optional<std::string> scalar_text(const json& value) {
  switch (value.type()) {
    case json::value_t::string:
      return value.get<std::string>();
    case json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return value.dump();
    default:
      return std::nullopt;
  }
}

// Checks one header and gives its value text, or the Error that names what is wrong. `where()`
// says which value it is, e.g. `headers "X-Id"` or `multiValueHeaders "X-Id"[1]` (made only for
// an error).
template <typename Where>
Result<std::string> header_value(std::string_view name, const json& value, const Where& where) {
  if (!is_token(name))
    return malformed("header name \"" + std::string(name) +
                     "\" is not a valid HTTP field name (RFC 9110 token characters only)");
  std::optional<std::string> text = scalar_text(value);
  if (!text)
    return malformed(where() + " must be a string, number or boolean, got " + quote(value));
  if (text->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
    return malformed(where() + " contains a CR, LF or NUL character, which HTTP does not allow");
  return std::move(*text);
}

Result<unsigned> status_code(const json& value) {
  if (value.is_null()) return 200u;
  double number = 0;
  if (value.is_number_integer()) {
    number = value.is_number_unsigned() ? static_cast<double>(value.get<std::uint64_t>())
                                        : static_cast<double>(value.get<std::int64_t>());
  } else if (value.is_number_float()) {
    number = value.get<double>();
  } else {
    number = -1;  // not a number: reported below
  }
  if (number < 100 || number > 599 || std::floor(number) != number)
    return malformed("statusCode must be an integer between 100 and 599, got " + quote(value));
  return static_cast<unsigned>(number);
}

// RFC 9110 sections 15.2, 15.3.5 and 15.4.5: these responses have no content.
bool forbids_body(unsigned status) { return status < 200 || status == 204 || status == 304; }

}  // namespace

Result<HttpResponse> map_proxy_response(const nlohmann::json& result, unsigned http_version,
                                        const ProxyResponseRules& rules) {
  if (!result.is_object())
    return malformed("the handler returned " + std::string(describe_type(result)) +
                     ", not a proxy response object");

  static const json absent;
  const json* status = &absent;
  const json* headers = &absent;
  const json* multi_value_headers = &absent;
  const json* body = &absent;
  const json* is_base64_encoded = &absent;
  for (auto it = result.begin(); it != result.end(); ++it) {
    const std::string& key = it.key();
    if (key == "statusCode") {
      status = &it.value();
    } else if (key == "headers") {
      headers = &it.value();
    } else if (key == "multiValueHeaders") {
      multi_value_headers = &it.value();
    } else if (key == "body") {
      body = &it.value();
    } else if (key == "isBase64Encoded") {
      is_base64_encoded = &it.value();
    } else if (!rules.other_keys_allowed) {
      return malformed("unexpected key \"" + key +
                       "\" in the proxy response; the allowed keys are " +
                       std::string(kAllowedKeys));
    }
  }

  if (rules.status_code_required && status->is_null())
    return malformed("statusCode is missing; with payload format 1.0 an HTTP API needs it");
  Result<unsigned> code = status_code(*status);
  if (!code) return code.error();

  if (!body->is_null() && !body->is_string())
    return malformed("body must be a string; got " + std::string(describe_type(*body)) +
                     " — serialize it with JSON first");
  if (!is_base64_encoded->is_null() && !is_base64_encoded->is_boolean())
    return malformed("isBase64Encoded must be a boolean, got " + quote(*is_base64_encoded));
  if (!headers->is_null() && !headers->is_object())
    return malformed("headers must be an object of header names to values, got " + quote(*headers));
  if (!multi_value_headers->is_null() && !multi_value_headers->is_object())
    return malformed(
        "multiValueHeaders must be an object of header names to arrays of values, got " +
        quote(*multi_value_headers));

  HttpResponse response;
  response.version(http_version);
  response.result(code.value());
  if (http::int_to_status(code.value()) == http::status::unknown) response.reason("Unknown");

  if (headers->is_object()) {
    for (auto it = headers->begin(); it != headers->end(); ++it) {
      Result<std::string> value =
          header_value(it.key(), it.value(), [&] { return "headers \"" + it.key() + "\""; });
      if (!value) return value.error();
      response.set(it.key(), value.value());
    }
  }
  if (multi_value_headers->is_object()) {
    // "If the same key-value pair is specified in both, only the values from multiValueHeaders
    // will appear in the merged list" (Output format of a Lambda function for proxy integration).
    for (auto it = multi_value_headers->begin(); it != multi_value_headers->end(); ++it) {
      if (!it.value().is_array())
        return malformed("multiValueHeaders \"" + it.key() +
                         "\" must be an array of strings, numbers or booleans, got " +
                         quote(it.value()));
      response.erase(it.key());
    }
    for (auto it = multi_value_headers->begin(); it != multi_value_headers->end(); ++it) {
      const json& values = it.value();
      for (std::size_t i = 0; i < values.size(); ++i) {
        Result<std::string> value = header_value(it.key(), values[i], [&] {
          return "multiValueHeaders \"" + it.key() + "\"[" + std::to_string(i) + "]";
        });
        if (!value) return value.error();
        response.insert(it.key(), value.value());
      }
    }
  }
  if (response.find(http::field::content_type) == response.end())
    response.set(http::field::content_type, rules.default_content_type);

  if (body->is_string()) {
    const auto& text = body->get_ref<const std::string&>();
    if (rules.decode_base64 && is_base64_encoded->is_boolean() && is_base64_encoded->get<bool>()) {
      std::optional<std::string> bytes = base64::decode(text);
      if (!bytes)
        return malformed("isBase64Encoded is true but body is not valid base64 (" + quote(*body) +
                         ")");
      response.body() = std::move(*bytes);
    } else {
      response.body() = text;
    }
  }
  if (forbids_body(code.value())) {
    // RFC 9110 sections 8.6 and 15.4.5: no Content-Length in a 1xx or 204 response, and a 304
    // has no content of its own to measure.
    response.body().clear();
    response.erase(http::field::content_length);
    response.erase(http::field::transfer_encoding);
  } else {
    response.prepare_payload();
  }
  return response;
}

}  // namespace emu::apigw
