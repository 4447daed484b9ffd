// ConsoleService: the console on --aws-port (docs/console.md), behind the port's BrowserGuard
// like everything there (docs/security.md):
//   GET /console/                     the page (index.html; /console answers a redirect)
//   GET /console/<asset>              its script and style
//   GET /console/api/state            the state with the timeline (console_state.h), JSON
//   GET /console/api/events           the live feed (ConsoleFeed): text/event-stream
//   GET /console/api/invocations/<id> one invocation with its log
// The page's actions are the emulator's own APIs, as the CLI uses them: POST /emulator/deploy,
// CodeDeploy's StopDeployment, CloudWatch's SetAlarmState; BrowserGuard lets them through only
// with the per-run token, which the page has from the URL's fragment (#token=...), never sent in
// a request line or a Referer.
#pragma once

#include "emulator/aws/aws_endpoint.h"
#include "emulator/console/console_feed.h"

namespace emu::console {

inline constexpr std::string_view kConsolePath = "/console/";

class ConsoleService final : public aws::AwsService {
 public:
  // `feed` must outlive the service.
  explicit ConsoleService(ConsoleFeed& feed) : feed_(feed) {}

  bool accepts(const server::HttpRequest& request) const override;
  void handle(server::HttpRequest request, const server::ClientInfo& client,
              server::Respond respond) override;

 private:
  ConsoleFeed& feed_;
};

}  // namespace emu::console
