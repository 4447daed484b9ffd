#include "emulator/aws/aws_endpoint.h"

#include "emulator/aws/aws_protocol.h"
#include "emulator/core/log.h"

#include <exception>
#include <memory>

namespace emu::aws {

void AwsEndpoint::handle(HttpRequest request, const ClientInfo& client, Respond respond) {
  for (const auto& service : services_) {
    if (!service->accepts(request)) continue;
    // A service bug (an exception, or memory running out on a huge input) answers 500 and
    // leaves the emulator serving, instead of ending it.
    const unsigned version = request.version();
    auto answered = std::make_shared<bool>(false);
    auto once = [answered, respond](HttpResponse response) {
      *answered = true;
      respond(std::move(response));
    };
    try {
      service->handle(std::move(request), client, respond.wrapped(once));
    } catch (const std::exception& error) {
      log::error(std::string("AWS endpoint: a request failed inside the emulator: ") + error.what());
      if (!*answered)
        once(rest_json_error(Error{"ServiceException",
                                   std::string("The emulator failed on this request: ") +
                                       error.what()},
                             version));
    }
    return;
  }
  auto target = request.find("X-Amz-Target");
  std::string what = target != request.end()
                         ? "X-Amz-Target " + std::string(target->value())
                         : std::string(request.method_string()) + " " + std::string(request.target());
  respond(rest_json_error(
      Error{"UnknownOperationException",
            "The emulator serves no AWS operation for " + what +
                ". Supported here: the Lambda API (rest-json, paths under /2015-03-31/), the "
                "CodeDeploy API (JSON 1.1, X-Amz-Target CodeDeploy_20141006.*) and the "
                "CloudWatch API (query, JSON 1.0 GraniteServiceVersion20100801.*, CBOR)."},
      request.version()));
}

HttpResponse AwsEndpoint::rejection(server::Rejection reason, unsigned http_version) {
  if (reason == server::Rejection::kBodyTooLarge)
    return rest_json_error(
        Error{"RequestTooLargeException",
              "Request must be smaller than " + std::to_string(body_limit_) + " bytes"},
        http_version);
  if (reason == server::Rejection::kTooManyConnections)
    return rest_json_error(
        Error{"ServiceException", "The emulator has too many open connections; retry later"},
        http_version);
  auto response = rest_json_error(Error{"SerializationException",
                                        reason == server::Rejection::kHeaderTooLarge
                                            ? "A request header value is over 10240 bytes"
                                            : "The request is not valid HTTP/1.1"},
                                  http_version);
  if (reason == server::Rejection::kHeaderTooLarge)
    response.result(boost::beast::http::status::request_header_fields_too_large);
  return response;
}

}  // namespace emu::aws
