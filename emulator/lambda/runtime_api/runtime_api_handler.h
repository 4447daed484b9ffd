// RuntimeApiHandler: the Lambda Runtime API (version 2018-06-01) as a RequestHandler, served on
// loopback to one execution environment's `bootstrap`. It only parses and routes; the
// environment (RuntimeApiBackend) decides. Routes and answers follow the API's OpenAPI document
// (Lambda developer guide, "Using the Lambda runtime API for custom runtimes"):
//
//   GET  /2018-06-01/runtime/invocation/next            200 + event and Lambda-Runtime-* headers
//                                                       (long poll: answered when work arrives)
//   POST /2018-06-01/runtime/invocation/{id}/response   202 {"status":"OK"}
//   POST /2018-06-01/runtime/invocation/{id}/error      202; Lambda-Runtime-Function-Error-Type
//   POST /2018-06-01/runtime/init/error                 202
//
// Errors are {"errorMessage", "errorType"}: 400 InvalidRequestID for an id that is not the
// current invocation's, 404 for an unknown path, 405 for a wrong method, 413 for a response
// over 6 MB (the invocation then fails with Function.ResponseSizeTooLarge).
#pragma once

#include <memory>
#include <string>

#include "emulator/server/request_handler.h"

namespace emu::lambda {

// An error a runtime reports: the Lambda-Runtime-Function-Error-Type header and the body.
struct RuntimeError {
  std::string type_header;  // "" when absent
  std::string body;         // normally {"errorMessage","errorType","stackTrace"}
};

class RuntimeApiBackend {
 public:
  virtual ~RuntimeApiBackend() = default;
  // The runtime asks for its next event; `respond` answers when one is assigned.
  virtual void next(server::Respond respond) = 0;
  // False when `request_id` is not the invocation in progress.
  virtual bool response(const std::string& request_id, std::string body) = 0;
  virtual bool error(const std::string& request_id, RuntimeError error) = 0;
  virtual void init_error(RuntimeError error) = 0;
  // The runtime sent a response body over the limit: the current invocation fails.
  virtual void response_too_large() = 0;
};

class RuntimeApiHandler final : public server::RequestHandler {
 public:
  // The backend must outlive every request; the handler holds it weakly so that a listener
  // outliving its environment answers 500 instead of touching freed memory.
  explicit RuntimeApiHandler(std::weak_ptr<RuntimeApiBackend> backend)
      : backend_(std::move(backend)) {}

  void handle(server::HttpRequest request, const server::ClientInfo& client,
              server::Respond respond) override;
  server::HttpResponse rejection(server::Rejection reason, unsigned http_version) override;

 private:
  std::weak_ptr<RuntimeApiBackend> backend_;
};

// Lambda's response limit for a synchronous invocation's result (AWS Lambda developer guide,
// "Lambda quotas": 6 MB), which the Runtime API enforces on .../response.
inline constexpr std::size_t kRuntimeResponseLimit = 6 * 1024 * 1024;

// The JSON answers, shared with the environment's /next reply.
server::HttpResponse runtime_api_status(unsigned http_version);  // 202 {"status":"OK"}
server::HttpResponse runtime_api_error(unsigned status, const std::string& type,
                                       const std::string& message, unsigned http_version);

}  // namespace emu::lambda
