// The events an HTTP API's Lambda integration receives (API Gateway developer guide, "Working with
// AWS Lambda proxy integrations for HTTP APIs"): payload format 2.0, and 1.0 as an HTTP API sends
// it. Pure functions, like proxy_event.h: the ids and the time come in RequestFacts.
//
// 2.0, as recorded events from AWS show it (aws-lambda-go events/testdata/apigw-v2-request-*,
// the Lambda developer guide's nodejs-apig event-v2.json): header names lower case, repeated
// headers and query parameters joined with ",", the Cookie header moved to `cookies`, rawPath and
// requestContext.http.path with the stage ("/dev/items") on a named stage, and empty members
// (cookies, queryStringParameters, pathParameters, stageVariables, body) left out, not null.
// requestContext.requestId is the short id of the apigw-requestid header.
#pragma once

#include <nlohmann/json.hpp>

#include "emulator/apigateway/proxy_event.h"
#include "emulator/apigateway/route_table.h"

namespace emu::apigw {

// Precondition: match.status is kMatched and match.route is an HTTP API's route.
nlohmann::json build_http_event(const HttpRequest& request, const RouteMatch& match,
                                const RequestFacts& facts);

// Payload format 1.0 on an HTTP API: the REST shape (proxy_event.h) with AWS's differences, as
// recorded events show them: "version": "1.0"; resource and resourcePath the route's path
// ("$default" for the default route); resourceId the route key; path (top level and in
// requestContext) with the stage on a named stage; requestId the short id, as
// extendedRequestId; no deploymentId; identity with cognitoAmr; Content-Length passed on; bodies
// base64 by the HTTP API rule.
nlohmann::json build_http_v1_event(const HttpRequest& request, const RouteMatch& match,
                                   const RequestFacts& facts);

}  // namespace emu::apigw
