#include "emulator/control/control_api.h"

#include <boost/asio/ip/address.hpp>

#include "emulator/aws/aws_protocol.h"
#include "emulator/control/status_report.h"

namespace emu::control {
namespace {

namespace http = boost::beast::http;
using Json = nlohmann::json;

constexpr std::string_view kPrefix = "/emulator/";
Json change_json(const FunctionChange& c) {
  Json change = {{"logicalId", c.logical_id},   {"functionName", c.function_name},
                 {"action", c.action},          {"fromVersion", c.from_version},
                 {"toVersion", c.to_version}};
  if (!c.deployment_id.empty()) {
    change["deploymentId"] = c.deployment_id;
    change["deploymentConfigName"] = c.deployment_config_name;
  }
  return change;
}

}  // namespace

bool ControlApi::accepts(const server::HttpRequest& request) const {
  return request.target().starts_with(kPrefix);
}

void ControlApi::handle(server::HttpRequest request, const server::ClientInfo& client,
                        server::Respond respond) {
  std::string_view target = request.target();
  target = target.substr(0, target.find('?'));
  if (target == "/emulator/status" && request.method() == http::verb::get)
    return respond(status(request.version()));
  if (target == "/emulator/deploy" && request.method() == http::verb::post)
    return respond(deploy(request, client));
  respond(aws::rest_json_error(
      Error{"UnknownOperationException",
            "The emulator's control API has GET /emulator/status and POST /emulator/deploy; not " +
                std::string(request.method_string()) + " " + std::string(request.target())},
      request.version()));
}

server::HttpResponse ControlApi::status(unsigned http_version) const {
  return aws::json_response(200, status_report(engine_, lambda_, time_scale_), http_version);
}

server::HttpResponse ControlApi::deploy(const server::HttpRequest& request,
                                        const server::ClientInfo& client) {
  unsigned version = request.version();
  Json body = request.body().empty() ? Json::object() : Json::parse(request.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return aws::rest_json_error(
        Error{"SerializationException", "the deploy request body must be a JSON object"}, version);
  DeployRequest deploy_request;
  if (auto path = body.find("templatePath"); path != body.end() && !path->is_null()) {
    if (!path->is_string())
      return aws::rest_json_error(
          Error{"ValidationException", "templatePath must be a string"}, version);
    deploy_request.template_path = path->get<std::string>();
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(client.address, ec);
    if (ec || !address.is_loopback()) {
      auto response = aws::rest_json_error(
          Error{"AccessDeniedException",
                "templatePath is accepted from loopback clients only; deploy from the machine "
                "the emulator runs on"},
          version);
      response.result(http::status::forbidden);
      return response;
    }
  }
  if (auto overrides = body.find("parameterOverrides");
      overrides != body.end() && !overrides->is_null()) {
    if (!overrides->is_object())
      return aws::rest_json_error(
          Error{"ValidationException", "parameterOverrides must be an object of strings"},
          version);
    for (const auto& [key, value] : overrides->items()) {
      if (!value.is_string())
        return aws::rest_json_error(
            Error{"ValidationException", "parameterOverrides." + key + " must be a string"},
            version);
      deploy_request.parameter_overrides[key] = value.get<std::string>();
    }
  }
  auto outcome = redeployer_.deploy(deploy_request);
  if (!outcome.ok()) {
    auto error = outcome.error();
    auto response = aws::rest_json_error(error, version);
    if (error.code == "DeploymentInProgressException")
      response.result(http::status::conflict);
    return response;
  }
  Json changes = Json::array();
  Json deployments = Json::array();
  for (const auto& change : outcome->changes) {
    changes.push_back(change_json(change));
    if (!change.deployment_id.empty()) deployments.push_back(change.deployment_id);
  }
  return aws::json_response(200,
                               {{"message", outcome->message},
                                {"changes", changes},
                                {"deployments", deployments},
                                {"routesChanged", outcome->routes_changed}},
                               version);
}

}  // namespace emu::control
