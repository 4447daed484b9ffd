// AwsEndpoint: the RequestHandler of --aws-port. Sends each request to the AWS service it is
// for, the way AWS tells them apart: a JSON 1.1 request names its service in X-Amz-Target
// ("CodeDeploy_20141006.GetDeployment"); a rest-json request by its path ("/2015-03-31/..." is
// Lambda). Anything else gets a 404 that names what was asked for.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "emulator/aws/aws_protocol.h"

namespace emu::aws {

// One AWS service on the endpoint.
class AwsService {
 public:
  virtual ~AwsService() = default;
  // True when this service handles `request` (by target prefix or path prefix).
  virtual bool accepts(const HttpRequest& request) const = 0;
  virtual void handle(HttpRequest request, const ClientInfo& client, Respond respond) = 0;
};

class AwsEndpoint final : public server::RequestHandler {
 public:
  // `body_limit`: the listener's request body limit (server::ServerLimits), named in the 413.
  AwsEndpoint(std::vector<std::shared_ptr<AwsService>> services, std::size_t body_limit)
      : services_(std::move(services)), body_limit_(body_limit) {}

  void handle(HttpRequest request, const ClientInfo& client, Respond respond) override;
  HttpResponse rejection(server::Rejection reason, unsigned http_version) override;

 private:
  std::vector<std::shared_ptr<AwsService>> services_;
  std::size_t body_limit_;
};

}  // namespace emu::aws
