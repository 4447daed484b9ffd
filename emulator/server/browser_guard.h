// BrowserGuard: what a port that can change the emulator refuses from web browsers (docs/
// security.md). It wraps the port's RequestHandler and lets a request through only when
//   - its Host names this emulator: an IP address, "localhost" (or a name under .localhost), or
//     one of the policy's host names (the --host given); or it has none (HTTP/1.0 clients: a
//     browser always sends one). A DNS-rebinding page reaches the port under its own name, so
//     its requests are refused;
//   - it has no Origin, or its Origin is the port's own ("http://" + Host: a page the emulator
//     served itself). The AWS CLI, the SDKs and `emulator deploy` send no Origin; a browser sends
//     one with every cross-origin request, including the "simple" POSTs it sends without a
//     preflight;
//   - it is not marked cross-site by the browser (Sec-Fetch-Site: cross-site or same-site), which
//     also covers requests a page makes without an Origin (an <img> or <script> GET);
//   - a state change (any method but GET, HEAD, OPTIONS) coming from a page (with an Origin)
//     carries the per-run token in X-Emulator-Token, which only the page the emulator served
//     knows (from the URL printed at start).
// Everything else goes to the wrapped handler unchanged. Thread-safe; the policy is immutable.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emulator/server/request_handler.h"

namespace emu::server {

struct BrowserPolicy {
  std::vector<std::string> host_names;  // allowed besides IP addresses and localhost
  std::string token;                    // required with state changes from a page; "" = none may
};

// The reason `request` is refused ("Host 'evil.example:3001' ..."), or nullopt when it may pass.
std::optional<std::string> browser_refusal(const HttpRequest& request, const BrowserPolicy& policy);

class BrowserGuard final : public RequestHandler {
 public:
  // `refuse` builds the answer to a refused request from its reason (the port's own error shape).
  using Refuse = std::function<HttpResponse(const std::string& reason, unsigned http_version)>;

  BrowserGuard(std::shared_ptr<RequestHandler> inner, BrowserPolicy policy, Refuse refuse)
      : inner_(std::move(inner)), policy_(std::move(policy)), refuse_(std::move(refuse)) {}

  void handle(HttpRequest request, const ClientInfo& client, Respond respond) override;
  HttpResponse rejection(Rejection reason, unsigned http_version) override {
    return inner_->rejection(reason, http_version);
  }

 private:
  std::shared_ptr<RequestHandler> inner_;
  BrowserPolicy policy_;
  Refuse refuse_;
};

}  // namespace emu::server
