// LambdaApi: the AWS Lambda API (rest-json, version 2015-03-31) on --aws-port, as the AWS CLI and
// SDKs call it: Invoke, GetFunction, GetFunctionConfiguration, ListFunctions,
// UpdateFunctionConfiguration, PublishVersion, ListVersionsByFunction, CreateAlias, GetAlias,
// ListAliases, UpdateAlias, DeleteAlias. Shapes, status codes and error names follow botocore's
// `lambda` service model. Requests may be SigV4-signed or not; signatures are not checked.
#pragma once

#include "emulator/lambda/lambda_service.h"
#include "emulator/lambda/payload_limits.h"
#include "emulator/aws/aws_endpoint.h"

namespace emu::lambda {

class LambdaApi final : public aws::AwsService {
 public:
  // `service` must outlive the API.
  explicit LambdaApi(LambdaService& service) : service_(service) {}

  bool accepts(const server::HttpRequest& request) const override;
  void handle(server::HttpRequest request, const server::ClientInfo& client,
              server::Respond respond) override;

 private:
  LambdaService& service_;
};

// X-Amz-Log-Result carries the last 4 KB of the invocation's log (API reference, "Invoke").
inline constexpr std::size_t kLogTailBytes = 4096;

}  // namespace emu::lambda
