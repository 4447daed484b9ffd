// Fuzz target: HTTP request -> RouteTable::match -> build_proxy_event -> the event's JSON text,
// as apigw::Gateway does for every request (docs/testing.md). The event must serialise (the
// invoker sends it as text) and carry the request's method.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "emulator/apigateway/proxy_event.h"
#include "emulator/apigateway/route_table.h"
#include "emulator/template/loader.h"
#include "fuzz_http.h"

namespace {

// Literal, {param}, greedy {proxy+} and ANY routes on the implicit API and on an explicit one
// with stage variables.
constexpr const char* kTemplate = R"(AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  ItemsApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Variables:
        color: blue
  Items:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: build/package/whodis.zip
      Handler: bootstrap
      Runtime: provided.al2023
      Events:
        Get: {Type: Api, Properties: {Path: "/items/{id}", Method: get}}
        Put: {Type: Api, Properties: {Path: "/items/{id}/tags/{tag}", Method: put}}
        Root: {Type: Api, Properties: {Path: "/", Method: any}}
        Mine: {Type: Api, Properties: {Path: "/mine/{proxy+}", Method: any, RestApiId: !Ref ItemsApi}}
  Whodis:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: build/package/whodis.zip
      Handler: bootstrap
      Runtime: provided.al2023
      Events:
        Get: {Type: Api, Properties: {Path: "/whodis", Method: get}}
        Proxy: {Type: Api, Properties: {Path: "/{proxy+}", Method: post}}
)";

const emu::apigw::RouteTable& table() {
  static const emu::apigw::RouteTable routes = [] {
    emu::tmpl::LoadOptions options;
    options.stack_name = "fuzz";
    auto stack = emu::tmpl::load_stack_from_string(kTemplate, "fuzz.yaml", options);
    if (!stack.ok()) {
      std::fprintf(stderr, "%s\n", stack.error().message.c_str());
      std::abort();
    }
    std::vector<std::string> warnings;
    return emu::apigw::RouteTable::build(stack.value(), warnings);
  }();
  return routes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto request = fuzz::parse_request(data, size);
  if (!request) return 0;
  std::string_view target = request->target();
  std::string path(target.substr(0, target.find('?')));  // as Gateway::handle splits it
  auto match = table().match(request->method_string(), path);
  if (match.status != emu::apigw::RouteMatch::Status::kMatched) return 0;

  emu::apigw::RequestFacts facts;
  facts.request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";
  facts.extended_request_id = "AbCdEfGhIjKlMnO=";
  facts.epoch_ms = 1519166937665;
  facts.source_ip = "127.0.0.1";
  auto host = request->find(boost::beast::http::field::host);
  facts.domain_name = host != request->end() ? std::string(host->value()) : "localhost";
  nlohmann::json event = emu::apigw::build_proxy_event(*request, match, facts);
  // Throws (and so crashes the target) if any string in the event is not valid UTF-8.
  std::string text = event.dump();
  if (event.at("httpMethod") != std::string(request->method_string())) std::abort();
  return 0;
}
