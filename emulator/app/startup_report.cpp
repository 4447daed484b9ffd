#include "emulator/app/startup_report.h"

#include <algorithm>

namespace emu::app {

std::string local_url_for(const tmpl::Stack& stack, const std::string& value,
                          const std::string& base_url) {
  for (const auto& api : stack.apis) {
    std::string prefix = "https://" + api.api_id + ".execute-api.";
    auto start = value.find(prefix);
    if (start == std::string::npos) continue;
    auto path = value.find('/', start + prefix.size());
    return base_url + (path == std::string::npos ? "/" : value.substr(path));
  }
  return "";
}

std::vector<std::string> startup_lines(const tmpl::Stack& stack, const apigw::RouteTable& routes,
                                       const std::string& base_url) {
  std::vector<std::string> lines;
  for (const auto& other : stack.not_emulated)
    lines.push_back("Not emulated (kept as is): " + other.logical_id + " (" + other.type + ")");
  for (const auto& route : routes.routes()) {
    if (route.function_logical_id.empty()) continue;  // a REST API's CORS OPTIONS method
    const bool default_route = route.route_key == tmpl::kDefaultRoute;
    const std::string method = default_route ? "[$default: any method and path no other route "
                                               "takes]"
                                             : "[" + route.method + "]";
    const std::string path = default_route ? "/" : route.resource_path;
    if (route.stage == tmpl::kDefaultStage) {  // an HTTP API's root stage: no stage URL
      lines.push_back("Mounting " + route.function_logical_id + " at " + base_url + path + " " +
                      method + " (HTTP API " + route.api_logical_id + ", stage $default)");
      continue;
    }
    // The authorizer that guards the route (docs/auth.md), so a 401 is no surprise.
    const std::string guard =
        route.authorizer ? "; authorizer " + route.authorizer->name : std::string();
    lines.push_back("Mounting " + route.function_logical_id + " at " + base_url + path + " " +
                    method + (guard.empty() ? "" : " (" + guard.substr(2) + ")"));
    lines.push_back("Mounting " + route.function_logical_id + " at " + base_url + "/" +
                    route.stage + (path == "/" ? "" : path) + " " + method + " (stage " +
                    route.stage + " of " + route.api_logical_id + guard + ")");
  }
  if (!stack.outputs.empty()) lines.push_back("Outputs:");
  for (const auto& output : stack.outputs) {
    std::string line = "  " + output.key + " = " + output.value;
    if (auto local = local_url_for(stack, output.value, base_url); !local.empty())
      line += "  (local: " + local + ")";
    lines.push_back(line);
  }
  return lines;
}

std::string no_routes_warning(const std::string& base_url) {
  return "no API Gateway route: the template has no Api event this emulator serves, so every "
         "request to " + base_url + " gets API Gateway's 403 Missing Authentication Token (the "
         "warnings above say what was left out). The functions still run through the Lambda API.";
}

std::string counted(std::size_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

std::vector<std::string> next_steps(const tmpl::Stack& stack, const apigw::RouteTable& routes,
                                    const std::string& base_url, bool watching) {
  std::vector<std::string> lines;
  if (!routes.routes().empty()) {
    const auto& first = routes.routes().front();
    std::string path = first.route_key == tmpl::kDefaultRoute ? "/" : first.resource_path;
    for (char& c : path)  // a path parameter's placeholder, as a value a person would try
      if (c == '{' || c == '}') c = '_';
    lines.push_back("Try: curl " + base_url + path);
  }
  std::string overrides = "KEY=VALUE";
  if (!stack.parameters.empty()) overrides = stack.parameters.begin()->first + "=NEW_VALUE";
  if (watching)
    lines.push_back("Deploy a change: save it (--watch), or emulator deploy "
                    "--parameter-overrides " + overrides + "; stop with Ctrl-C");
  else
    lines.push_back("Deploy a change: emulator deploy --parameter-overrides " + overrides +
                    " (after editing the template or rebuilding code: emulator deploy); "
                    "stop with Ctrl-C");
  return lines;
}

std::optional<std::string> runtime_line(const lambda::FunctionStore::Snapshot& functions,
                                        const std::string& unpacked) {
  // "python3.11 with /usr/bin/python3" -> its functions, in template order.
  std::vector<std::pair<std::string, std::string>> groups;
  for (const auto& function : functions.functions) {
    const auto& latest = *function->latest;
    if (latest.handler || !latest.unavailable.empty()) continue;
    std::string how = latest.runtime.empty() ? std::string("provided") : latest.runtime;
    how += latest.command.empty() ? " with its bootstrap" : " with " + latest.command.front();
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& g) { return g.first == how; });
    if (group == groups.end())
      groups.emplace_back(how, function->logical_id);
    else
      group->second += ", " + function->logical_id;
  }
  if (groups.empty()) return std::nullopt;
  std::string line = "Runtime API (a process per warm environment): ";
  for (std::size_t i = 0; i < groups.size(); ++i)
    line += (i ? "; " : "") + groups[i].first + " for " + groups[i].second;
  if (!unpacked.empty()) line += "; packages unpacked in " + unpacked;
  return line;
}

}  // namespace emu::app
