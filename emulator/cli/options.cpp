#include "emulator/cli/options.h"

#include <charconv>
#include <cstdlib>

namespace emu::cli {
namespace {

bool parse_port(const std::string& text, std::uint16_t& port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

std::string usage() {
  return R"(usage: emulator [TEMPLATE] [options]

Runs a SAM template locally: API Gateway routes, Lambda functions with versions and aliases,
CodeDeploy deployments, and the AWS-compatible endpoints (Lambda, CodeDeploy).

  TEMPLATE                       SAM template to serve (default: .aws-sam/build/template.yaml
                                 when sam build made one, else template.yaml|yml|json here)
  --ignore-sam-build             serve TEMPLATE's sources even when .aws-sam/build/ holds
                                 sam build's output beside it
  --port N                       API Gateway port (default 3000; 0 picks a free port)
  --aws-port N                   AWS-compatible endpoints' port (default 3001; 0 = free port)
  --host ADDR                    address to bind (default 127.0.0.1)
  --parameter-overrides K=V ...  template parameter values; also ParameterKey=K,ParameterValue=V
  --env-vars FILE.json           SAM CLI's environment-variable overrides file
  --region R                     AWS::Region (default us-east-1)
  --stack-name S                 AWS::StackName (default: the template's folder name)
  --seed N                       makes weighted alias routing reproducible (default: from clock)
  --time-scale N                 virtual seconds per real second for deployments (default 1)
  --invoke-mode MODE             auto (default: per function, from its Runtime: python3.x and
                                 nodejs through the emulator's runtime loops, provided.* through
                                 its bootstrap, C++ handlers built in run in process),
                                 in-process (only built-in handlers) or runtime-api (provided
                                 functions' own bootstraps, never the built-in handlers)
  --base-dir DIR                 resolve relative CodeUris from DIR (default: the template's folder)
  --watch                        hot reload: a saved change to the template or a function's code
                                 deploys again, live at once (as sam sync --watch)
  --watch-deploy                 the same, through each function's DeploymentPreference (canary,
                                 hooks, rollback)
  --help                         this text
  --version                      the emulator's version
)";
}

Result<Options> parse_options(const std::vector<std::string>& arguments) {
  Options options;
  bool have_template = false;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    auto value = [&](const char* flag) { return flag_value(arguments, i, flag); };
    auto port_value = [&](const char* flag, std::uint16_t& port) -> Result<bool> {
      auto text = value(flag);
      if (!text.ok()) return text.error();
      if (!parse_port(text.value(), port))
        return usage_error(std::string(flag) + " " + text.value() +
                           ": expected a port number from 0 to 65535");
      return true;
    };
    if (argument == "--help" || argument == "-h") {
      options.help = true;
    } else if (argument == "--version") {
      options.version = true;
    } else if (argument == "--watch") {
      if (options.watch == Options::Watch::kOff) options.watch = Options::Watch::kLive;
    } else if (argument == "--watch-deploy") {
      options.watch = Options::Watch::kDeploy;
    } else if (argument == "--ignore-sam-build") {
      options.use_sam_build = false;
    } else if (argument == "--port") {
      if (auto r = port_value("--port", options.port); !r.ok()) return r.error();
    } else if (argument == "--aws-port") {
      if (auto r = port_value("--aws-port", options.aws_port); !r.ok()) return r.error();
    } else if (argument == "--host" || argument == "--env-vars" || argument == "--region" ||
               argument == "--stack-name") {
      auto text = value(argument.c_str());
      if (!text.ok()) return text.error();
      if (argument == "--host") options.host = text.value();
      if (argument == "--env-vars") options.env_vars_path = text.value();
      if (argument == "--region") options.region = text.value();
      if (argument == "--stack-name") options.stack_name = text.value();
    } else if (argument == "--invoke-mode") {
      auto text = value("--invoke-mode");
      if (!text.ok()) return text.error();
      if (text.value() == "auto") {
        options.invoke_mode = Options::InvokeMode::kAuto;
      } else if (text.value() == "in-process") {
        options.invoke_mode = Options::InvokeMode::kInProcess;
      } else if (text.value() == "runtime-api") {
        options.invoke_mode = Options::InvokeMode::kRuntimeApi;
      } else {
        return usage_error("--invoke-mode " + text.value() +
                           ": expected auto, in-process or runtime-api");
      }
    } else if (argument == "--base-dir" || argument == "-s") {
      auto text = value("--base-dir");
      if (!text.ok()) return text.error();
      options.base_dir = text.value();
    } else if (argument == "--seed") {
      auto text = value("--seed");
      if (!text.ok()) return text.error();
      std::uint64_t seed = 0;
      const auto& digits = text.value();
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seed);
      if (ec != std::errc() || end != digits.data() + digits.size())
        return usage_error("--seed " + digits + ": expected a non-negative whole number");
      options.seed = seed;
    } else if (argument == "--time-scale") {
      auto text = value("--time-scale");
      if (!text.ok()) return text.error();
      char* end = nullptr;
      double scale = std::strtod(text.value().c_str(), &end);
      if (end == text.value().c_str() || *end != '\0' || !(scale > 0) || scale > 1e6)
        return usage_error("--time-scale " + text.value() +
                           ": expected a number of virtual seconds per real second, "
                           "greater than 0 (e.g. 60 plays a 5-minute canary in 5 s)");
      options.time_scale = scale;
    } else if (argument == "--parameter-overrides") {
      auto taken = take_parameter_overrides(arguments, i, options.parameter_overrides);
      if (!taken.ok()) return taken.error();
    } else if (is_flag(argument) || (argument.size() > 1 && argument[0] == '-')) {
      return usage_error("unknown option " + argument);
    } else if (!have_template) {
      options.template_path = argument;
      options.template_given = true;
      have_template = true;
    } else {
      return usage_error("unexpected argument " + argument + " (only one TEMPLATE is served)");
    }
  }
  return options;
}

Error usage_error(const std::string& what) { return Error{"UsageError", what}; }

bool is_flag(const std::string& argument) { return argument.rfind("--", 0) == 0; }

Result<std::string> flag_value(const std::vector<std::string>& arguments, std::size_t& i,
                               const std::string& flag) {
  if (i + 1 >= arguments.size() || is_flag(arguments[i + 1]))
    return usage_error(flag + " needs a value");
  return arguments[++i];
}

Result<bool> take_parameter_overrides(const std::vector<std::string>& arguments, std::size_t& i,
                                      std::vector<std::string>& overrides) {
  std::size_t before = overrides.size();
  while (i + 1 < arguments.size() && !is_flag(arguments[i + 1]))
    overrides.push_back(arguments[++i]);
  if (overrides.size() == before)
    return usage_error("--parameter-overrides needs at least one Key=Value");
  return true;
}

}  // namespace emu::cli
