// Gateway: API Gateway's request handling for the --port listener. For each request: find the
// route, build the proxy event, invoke the function's version (through its alias when it has
// one), map the result to HTTP or to API Gateway's error, stamp the ids every response carries,
// and write one access-log line. Does no socket I/O (server/ does) and never blocks: the
// invocation runs on the invoker's workers and answers through a callback.
#pragma once

#include <memory>

#include "emulator/apigateway/route_table_holder.h"
#include "emulator/lambda/lambda_service.h"
#include "emulator/server/request_handler.h"

namespace emu::apigw {

class Gateway final : public server::RequestHandler {
 public:
  // Both must outlive the gateway.
  Gateway(const RouteTableHolder& routes, lambda::LambdaService& lambda)
      : routes_(routes), lambda_(lambda) {}

  void handle(server::HttpRequest request, const server::ClientInfo& client,
              server::Respond respond) override;
  server::HttpResponse rejection(server::Rejection reason, unsigned http_version) override;

 private:
  const RouteTableHolder& routes_;
  lambda::LambdaService& lambda_;
};

}  // namespace emu::apigw
