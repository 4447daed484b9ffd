#include "emulator/aws/aws_protocol.h"

#include "emulator/core/ids.h"

namespace emu::aws {

namespace http = boost::beast::http;

unsigned status_for(std::string_view code) {
  if (code == "ResourceNotFoundException" || code == "UnknownOperationException") return 404;
  if (code == "AccessDeniedException") return 403;
  if (code == "ResourceConflictException") return 409;
  if (code == "PreconditionFailedException") return 412;
  if (code == "RequestTooLargeException") return 413;
  if (code == "UnsupportedMediaTypeException") return 415;
  if (code == "TooManyRequestsException") return 429;
  if (code == "ServiceException" || code == "InternalFailure") return 500;
  return 400;
}

HttpResponse json_response(unsigned status, const nlohmann::json& body, unsigned http_version) {
  HttpResponse response(static_cast<http::status>(status), http_version);
  response.set("x-amzn-RequestId", new_aws_request_id());
  if (!body.is_null()) {
    response.set(http::field::content_type, "application/json");
    // Messages quote what the client sent (an operation name, a function name from the path),
    // which need not be UTF-8: replace bad bytes (U+FFFD) instead of throwing (found by fuzzing).
    response.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  response.prepare_payload();
  return response;
}

HttpResponse rest_json_error(const Error& error, unsigned http_version) {
  unsigned status = status_for(error.code);
  auto response = json_response(
      status, {{"Type", status >= 500 ? "Service" : "User"}, {"Message", error.message}},
      http_version);
  response.set("x-amzn-ErrorType", error.code);
  return response;
}

std::string new_aws_request_id() { return ids::new_request_id(); }

}  // namespace emu::aws
