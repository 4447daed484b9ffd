#include "emulator/console/console_service.h"

#include "emulator/aws/aws_protocol.h"
#include "emulator/console/page_assets.h"
#include "emulator/core/uri.h"

namespace emu::console {
namespace {

namespace http = boost::beast::http;
using server::HttpResponse;

constexpr std::string_view kApi = "/console/api/";
constexpr std::string_view kInvocations = "/console/api/invocations/";

// What every console answer carries: not to be framed (clickjacking), no sniffing, nothing
// cached, and for the page a policy that runs only its own script (no inline script, no CDN).
void harden(HttpResponse& response) {
  response.set(http::field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Content-Security-Policy",
               "default-src 'self'; img-src 'self' data:; connect-src 'self'; "
               "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
}

HttpResponse not_found(std::string_view path, unsigned version) {
  auto response = aws::rest_json_error(
      Error{"ResourceNotFoundException",
            "The console has no " + std::string(path) + "; open " + std::string(kConsolePath)},
      version);
  response.result(http::status::not_found);
  harden(response);
  return response;
}

}  // namespace

bool ConsoleService::accepts(const server::HttpRequest& request) const {
  std::string_view target = request.target();
  return target == "/console" || target.starts_with("/console/") || target.starts_with("/console?");
}

void ConsoleService::handle(server::HttpRequest request, const server::ClientInfo&,
                            server::Respond respond) {
  const unsigned version = request.version();
  std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    auto response = aws::rest_json_error(
        Error{"UnknownOperationException",
              "The console's own paths are read with GET; its actions are POST /emulator/deploy, "
              "CodeDeploy StopDeployment and CloudWatch SetAlarmState"},
        version);
    response.result(http::status::method_not_allowed);
    response.set(http::field::allow, "GET, HEAD");
    harden(response);
    return respond(std::move(response));
  }
  if (path == "/console") {
    HttpResponse response(http::status::found, version);
    // Relative, so the fragment (the token) the browser keeps across the redirect stays.
    response.set(http::field::location, kConsolePath);
    harden(response);
    response.prepare_payload();
    return respond(std::move(response));
  }
  if (path == "/console/api/events") {
    if (!respond.can_stream())
      return respond(aws::rest_json_error(
          Error{"ServiceException", "this listener cannot stream"}, version));
    HttpResponse head(http::status::ok, version);
    head.set(http::field::content_type, "text/event-stream; charset=utf-8");
    harden(head);
    ConsoleFeed& feed = feed_;
    return respond.stream(std::move(head), [&feed](std::shared_ptr<server::StreamWriter> writer) {
      feed.subscribe(std::move(writer));
    });
  }
  if (path == "/console/api/state") {
    auto state = console_state(feed_.sources());
    state["timeline"] = feed_.sources().timeline.samples();
    auto response = aws::json_response(200, state, version);
    harden(response);
    return respond(std::move(response));
  }
  if (path.starts_with(kInvocations)) {
    const std::string id = uri::percent_decode(path.substr(kInvocations.size()), false);
    auto details = invocation_details(feed_.sources(), id);
    if (details.is_null()) {
      auto response = aws::rest_json_error(
          Error{"ResourceNotFoundException",
                "No invocation " + id + " is kept: the console keeps the most recent 200"},
          version);
      response.result(http::status::not_found);
      harden(response);
      return respond(std::move(response));
    }
    auto response = aws::json_response(200, details, version);
    harden(response);
    return respond(std::move(response));
  }
  if (path.starts_with(kApi)) return respond(not_found(path, version));
  std::string_view name = path.substr(kConsolePath.size());
  if (name.empty()) name = "index.html";
  for (const auto& asset : page_assets()) {
    if (asset.name != name) continue;
    HttpResponse response(http::status::ok, version);
    response.set(http::field::content_type, asset.content_type);
    response.body() = std::string(asset.body);
    harden(response);
    response.prepare_payload();
    return respond(std::move(response));
  }
  respond(not_found(path, version));
}

}  // namespace emu::console
