// The lines printed at start: what is not emulated, each route as SAM CLI prints it
// ("Mounting WhoDisFunction at http://127.0.0.1:3000/whodis [GET]") plus its stage URL, and the
// template's Outputs with the local URL beside each API Gateway URL.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "emulator/apigateway/route_table.h"
#include "emulator/lambda/model/function_store.h"
#include "emulator/template/stack.h"

namespace emu::app {

std::vector<std::string> startup_lines(const tmpl::Stack& stack, const apigw::RouteTable& routes,
                                       const std::string& base_url);

// The last lines printed at start: what to try first (a request to the first route, a
// redeploy with a parameter override; with --watch, saving a change) and how to stop.
std::vector<std::string> next_steps(const tmpl::Stack& stack, const apigw::RouteTable& routes,
                                    const std::string& base_url, bool watching = false);

// The warning printed when there is no route at all: why every request will be refused.
std::string no_routes_warning(const std::string& base_url);

// How the functions that do not run in process run, grouped by runtime: "Runtime API (a
// process per warm environment): python3.11 with /usr/bin/python3 for WhoDisFunction,
// OleOleOleFunction; provided.al2023 with its bootstrap for EchoFunction; packages unpacked in
// DIR". nullopt when every function runs in process. `unpacked`: "" when no zip was unpacked.
std::optional<std::string> runtime_line(const lambda::FunctionStore::Snapshot& functions,
                                        const std::string& unpacked);

// "1 function", "2 functions".
std::string counted(std::size_t count, const char* one, const char* many);

// `value` with an execute-api URL of one of the stack's APIs
// (https://<api-id>.execute-api.<region>.<suffix>/<stage>/...) rewritten to `base_url`/<stage>/...;
// "" when `value` holds no such URL.
std::string local_url_for(const tmpl::Stack& stack, const std::string& value,
                          const std::string& base_url);

}  // namespace emu::app
