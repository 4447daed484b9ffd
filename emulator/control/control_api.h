// ControlApi: the emulator's own endpoints on --aws-port, under /emulator/, used by
// `emulator deploy` and `emulator watch` (docs/deployments.md). Not an AWS API.
//
//   POST /emulator/deploy
//     body {"templatePath": "<path>" (optional; default: the template being served),
//           "parameterOverrides": {"AppVersion": "v2", ...} (optional)}
//     200  {"message": "...", "changes": [Change...], "deployments": ["d-...", ...]}
//          Change = {"logicalId", "functionName", "action": "deployment" | "alias-moved" |
//                    "latest-replaced" | "added", "fromVersion", "toVersion",
//                    "deploymentId" (for "deployment"), "deploymentConfigName"}
//          An unchanged template gives "changes": [] and says so in "message".
//     400  {"Type": "User", "Message": "<template or override error, file:line:column>"}
//          x-amzn-ErrorType: TemplateError
//     409  {"Type": "User", "Message": "... deployment d-X of F is in progress ..."}
//          x-amzn-ErrorType: DeploymentInProgressException
//     403  templatePath from a client that is not on loopback (AccessDeniedException): a file
//          path from a request reaches the file system only for the local user.
//
//   GET /emulator/status
//     200  {"now": <virtual ms>, "timeScale": <number>, "generation": <number, grows on every
//           deployment change>,
//           "deployments": [Status...] (oldest first),
//           "aliases": [{"functionName", "logicalId", "alias", "weights": {"1": 0.9, "2": 0.1},
//                        "observed": {"1": 90, "2": 10}}]}
//          Status = {"deploymentId", "functionName", "alias", "deploymentConfigName",
//                    "fromVersion", "toVersion", "status", "creator",
//                    "events": [{"name", "status", "hookFunction", "diagnostics"}],
//                    "newVersionWeight", "nextShiftAt" (virtual ms or null), "nextWeight",
//                    "createTime", "completeTime" (virtual ms or null),
//                    "errorCode", "errorMessage", "rollbackDeploymentId", "alarms" (names)}
//          "observed" counts invocations per version over the last 10 seconds (real time).
#pragma once

#include "emulator/control/redeployer.h"
#include "emulator/aws/aws_endpoint.h"

namespace emu::control {

class ControlApi final : public aws::AwsService {
 public:
  // All must outlive the API. `time_scale` is shown in the status.
  ControlApi(Redeployer& redeployer, codedeploy::DeploymentEngine& engine,
             lambda::LambdaService& lambda, double time_scale)
      : redeployer_(redeployer), engine_(engine), lambda_(lambda), time_scale_(time_scale) {}

  bool accepts(const server::HttpRequest& request) const override;
  void handle(server::HttpRequest request, const server::ClientInfo& client,
              server::Respond respond) override;

 private:
  server::HttpResponse status(unsigned http_version) const;
  server::HttpResponse deploy(const server::HttpRequest& request, const server::ClientInfo& client);

  Redeployer& redeployer_;
  codedeploy::DeploymentEngine& engine_;
  lambda::LambdaService& lambda_;
  double time_scale_;
};

}  // namespace emu::control
