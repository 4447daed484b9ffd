#include "emulator/app/startup_report.h"

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
    std::string method = "[" + route.method + "]";
    lines.push_back("Mounting " + route.function_logical_id + " at " + base_url +
                    route.resource_path + " " + method);
    lines.push_back("Mounting " + route.function_logical_id + " at " + base_url + "/" +
                    route.stage + route.resource_path + " " + method + " (stage " +
                    route.stage + " of " + route.api_logical_id + ")");
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

}  // namespace emu::app
