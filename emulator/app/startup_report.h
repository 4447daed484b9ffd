// The lines printed at start: what is not emulated, each route as SAM CLI prints it
// ("Mounting WhoDisFunction at http://127.0.0.1:3000/whodis [GET]") plus its stage URL, and the
// template's Outputs with the local URL beside each API Gateway URL.
#pragma once

#include <string>
#include <vector>

#include "emulator/apigateway/route_table.h"
#include "emulator/template/stack.h"

namespace emu::app {

std::vector<std::string> startup_lines(const tmpl::Stack& stack, const apigw::RouteTable& routes,
                                       const std::string& base_url);

// `value` with an execute-api URL of one of the stack's APIs
// (https://<api-id>.execute-api.<region>.<suffix>/<stage>/...) rewritten to `base_url`/<stage>/...;
// "" when `value` holds no such URL.
std::string local_url_for(const tmpl::Stack& stack, const std::string& value,
                          const std::string& base_url);

}  // namespace emu::app
