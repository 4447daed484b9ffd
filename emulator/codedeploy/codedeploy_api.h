// CodeDeployApi: the CodeDeploy API (JSON 1.1, version 2014-10-06) on --aws-port, as the AWS CLI
// (`aws deploy ...`), the SDKs and the lifecycle hook functions call it, over the application,
// deployment groups and configurations SAM creates for the stack and the DeploymentEngine's
// deployments.
//
// Wire protocol (botocore model `codedeploy`, protocol "json"): POST / with
// X-Amz-Target: CodeDeploy_20141006.<Operation> and a JSON object body; answers are
// application/x-amz-json-1.1, errors {"__type": "<Exception>", "message": ...} with HTTP 400.
// The method, path and SigV4 signature are not checked.
//
// Operations: PutLifecycleEventHookExecutionStatus, GetDeployment, BatchGetDeployments,
// ListDeployments, StopDeployment, ListApplications, GetApplication, ListDeploymentGroups,
// GetDeploymentGroup, ListDeploymentConfigs, GetDeploymentConfig (docs/codedeploy-api.md).
// Anything else is UnknownOperationException.
//
// Thread-safe: the application and configurations are immutable; the engine is thread-safe.
// Never blocks: every operation answers synchronously from the engine's state.
#pragma once

#include <string>
#include <vector>

#include "emulator/codedeploy/deployment_config.h"
#include "emulator/codedeploy/deployment_engine.h"
#include "emulator/codedeploy/deployment_groups.h"
#include "emulator/aws/aws_endpoint.h"

namespace emu::codedeploy {

inline constexpr std::string_view kTargetPrefix = "CodeDeploy_20141006.";

// The most names a List* operation answers at once; the rest come with nextToken.
inline constexpr std::size_t kListPageSize = 100;

// BatchGetDeployments takes at most 25 ids (API reference, "BatchGetDeployments").
inline constexpr std::size_t kBatchGetLimit = 25;

class CodeDeployApi final : public aws::AwsService {
 public:
  // `engine` must outlive the API. `application`: application_for(stack) (it "exists" only when
  // it has deployment groups); `configs`: all_configs(stack). `region` and `account_id` are the
  // stack's; "does not exist" messages name them, so a person sees where the emulator looked.
  CodeDeployApi(DeploymentEngine& engine, Application application,
                std::vector<DeploymentConfig> configs, std::string region, std::string account_id);

  // True when X-Amz-Target starts with "CodeDeploy_20141006.".
  bool accepts(const server::HttpRequest& request) const override;
  // Answers synchronously, before returning.
  void handle(server::HttpRequest request, const server::ClientInfo& client,
              server::Respond respond) override;

 private:
  DeploymentEngine& engine_;
  Application application_;
  std::vector<DeploymentConfig> configs_;
  std::string region_;
  std::string account_id_;
};

}  // namespace emu::codedeploy
