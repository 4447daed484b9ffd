// AwsEndpoint: the RequestHandler of --aws-port. Sends each request to the AWS service it is
// for, the way AWS tells them apart: a JSON 1.1 request names its service in X-Amz-Target
// ("CodeDeploy_20141006.GetDeployment"); a rest-json request by its path ("/2015-03-31/..." is
// Lambda). Anything else gets a 404 that names what was asked for.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "emulator/server/request_handler.h"

namespace emu::server {

// One AWS service on the endpoint.
class AwsService {
 public:
  virtual ~AwsService() = default;
  // True when this service handles `request` (by target prefix or path prefix).
  virtual bool accepts(const HttpRequest& request) const = 0;
  virtual void handle(HttpRequest request, const ClientInfo& client, Respond respond) = 0;
};

class AwsEndpoint final : public RequestHandler {
 public:
  explicit AwsEndpoint(std::vector<std::shared_ptr<AwsService>> services)
      : services_(std::move(services)) {}

  void handle(HttpRequest request, const ClientInfo& client, Respond respond) override;
  HttpResponse rejection(Rejection reason, unsigned http_version) override;

 private:
  std::vector<std::shared_ptr<AwsService>> services_;
};

}  // namespace emu::server
