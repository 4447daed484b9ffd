#include "emulator/aws/json_protocol.h"

#include "emulator/aws/aws_protocol.h"

namespace emu::aws {

namespace http = boost::beast::http;

std::string_view target_of(const server::HttpRequest& request) {
  auto it = request.find("X-Amz-Target");
  if (it == request.end()) return {};
  return std::string_view(it->value().data(), it->value().size());
}

bool JsonProtocol::accepts(const server::HttpRequest& request) const {
  return target_of(request).starts_with(target_prefix);
}

std::string_view JsonProtocol::operation(const server::HttpRequest& request) const {
  std::string_view target = target_of(request);
  return target.substr(std::min(target.size(), target_prefix.size()));
}

server::HttpResponse JsonProtocol::ok(const nlohmann::json& body, unsigned http_version) const {
  auto response = json_response(200, body, http_version);
  response.set(http::field::content_type, content_type);
  return response;
}

server::HttpResponse JsonProtocol::error(const Error& error, unsigned http_version) const {
  auto response = json_response(status_for(error.code),
                                {{"__type", error.code}, {"message", error.message}}, http_version);
  response.set(http::field::content_type, content_type);
  response.set("x-amzn-ErrorType", error.code);
  return response;
}

server::HttpResponse JsonProtocol::unknown_operation(const server::HttpRequest& request,
                                                     const std::string& supported,
                                                     unsigned http_version) const {
  auto response = error(
      Error{"UnknownOperationException",
            "The " + std::string(service) + " API of this emulator has no operation '" +
                std::string(target_of(request)) + "'; supported: " + supported + " (see " +
                std::string(docs) + ")"},
      http_version);
  response.result(http::status::bad_request);  // status_for gives rest-json's 404 for this name
  return response;
}

}  // namespace emu::aws
