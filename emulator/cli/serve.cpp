#include "emulator/cli/serve.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdlib>
#include <functional>
#include <thread>

#include "emulator/apigateway/gateway.h"
#include "emulator/cli/startup_report.h"
#include "emulator/codedeploy/codedeploy_api.h"
#include "emulator/codedeploy/deployment_engine.h"
#include "emulator/codedeploy/deployment_groups.h"
#include "emulator/control/control_api.h"
#include "emulator/control/redeployer.h"
#include "emulator/core/clock.h"
#include "emulator/core/io_threads.h"
#include "emulator/core/log.h"
#include "emulator/core/random.h"
#include "emulator/lambda/code_artifacts.h"
#include "emulator/lambda/function_store.h"
#include "emulator/lambda/in_process_invoker.h"
#include "emulator/lambda/lambda_api.h"
#include "emulator/lambda/lambda_service.h"
#include "emulator/lambda/process_spawner.h"
#include "emulator/lambda/runtime_api_invoker.h"
#include "emulator/server/aws_endpoint.h"
#include "emulator/server/http_server.h"
#include "emulator/template/loader.h"

namespace emu::cli {
namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitCannotServe = 1;

std::string url_of(const std::string& host, std::uint16_t port) {
  bool ipv6 = host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<tmpl::LoadOptions> load_options_for(const Options& options) {
  auto overrides = tmpl::parse_parameter_overrides(options.parameter_overrides);
  if (!overrides.ok()) return overrides.error();
  tmpl::LoadOptions load_options;
  load_options.template_path = options.template_path;
  load_options.parameter_overrides = overrides.value();
  load_options.region = options.region;
  load_options.stack_name = options.stack_name;
  return load_options;
}

Result<std::unique_ptr<lambda::FunctionStore>> build_functions(const Options& options,
                                                               const tmpl::Stack& stack,
                                                               const std::string& aws_url,
                                                               lambda::CodeArtifacts& artifacts) {
  lambda::StoreOptions store_options;
  store_options.aws_endpoint_url = aws_url;
  if (options.invoke_mode == Options::InvokeMode::kRuntimeApi) {
    store_options.resolve_code = [&artifacts](const tmpl::Stack& s, const tmpl::FunctionSpec& f) {
      return artifacts.resolve(s, f);
    };
  }
  if (!options.env_vars_path.empty()) {
    auto env_vars = lambda::read_env_vars_file(options.env_vars_path);
    if (!env_vars.ok()) return env_vars.error();
    store_options.env_vars = std::move(env_vars).value();
  }
  return lambda::FunctionStore::build(stack, store_options);
}

bool is_loopback(const std::string& host) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

}  // namespace

int serve(const Options& options) {
  auto load_options = load_options_for(options);
  if (!load_options.ok()) {
    log::error(load_options.error().message);
    return kExitBadInput;
  }
  auto stack = tmpl::load_stack(load_options.value());
  if (!stack.ok()) {
    log::error(stack.error().message);
    return kExitBadInput;
  }

  // Bind both ports first: with port 0 the functions' AWS_ENDPOINT_URL needs the real one.
  boost::asio::io_context io;
  auto api_server = server::HttpServer::listen(io, options.host, options.port);
  if (!api_server.ok()) {
    log::error("cannot serve API Gateway on " + api_server.error().message +
               " (is another emulator running? pick another --port)");
    return kExitCannotServe;
  }
  server::ServerLimits aws_limits;
  aws_limits.body_limit = lambda::kSyncPayloadLimit;
  auto aws_server = server::HttpServer::listen(io, options.host, options.aws_port, aws_limits);
  if (!aws_server.ok()) {
    log::error("cannot serve the AWS-compatible endpoints on " + aws_server.error().message +
               " (is another emulator running? pick another --aws-port)");
    return kExitCannotServe;
  }
  if (!is_loopback(options.host)) {
    log::warn("--host " + options.host + ": the AWS-compatible endpoint (port " +
              std::to_string(aws_server.value()->port()) +
              "), which can redeploy functions and move aliases without any credentials, is "
              "reachable from the network. Use --host 127.0.0.1 unless that is what you want.");
  }
  std::string api_url = url_of(options.host, api_server.value()->port());
  std::string aws_url = url_of(options.host, aws_server.value()->port());

  const bool runtime_api = options.invoke_mode == Options::InvokeMode::kRuntimeApi;
  // Runtime API mode: packages unpacked into a private folder, removed at exit (after the
  // processes that run from it: declared before the invoker).
  lambda::CodeArtifacts artifacts(options.base_dir);
  if (runtime_api) artifacts.prefetch(stack.value());
  auto functions = build_functions(options, stack.value(), aws_url, artifacts);
  if (!functions.ok()) {
    log::error(functions.error().message);
    return kExitBadInput;
  }
  std::vector<std::string> warnings = stack->warnings;
  apigw::RouteTableHolder routes(
      std::make_shared<const apigw::RouteTable>(apigw::RouteTable::build(stack.value(), warnings)));
  for (const auto& warning : warnings) log::warn(warning);

  lambda::PosixSpawner spawner;
  std::unique_ptr<lambda::RuntimeApiInvoker> runtime_invoker;
  std::unique_ptr<lambda::Invoker> in_process_invoker;
  if (runtime_api) {
    runtime_invoker = std::make_unique<lambda::RuntimeApiInvoker>(io, spawner);
  } else {
    in_process_invoker = std::make_unique<lambda::InProcessInvoker>(io.get_executor());
  }
  lambda::Invoker& invoker =
      runtime_api ? static_cast<lambda::Invoker&>(*runtime_invoker) : *in_process_invoker;
  SeededRandom random(options.seed ? *options.seed : seed_from_clock());
  lambda::InvocationMetrics metrics;
  lambda::LambdaService lambda_service(*functions.value(), invoker, random, metrics);
  ScaledClock clock(io.get_executor(), options.time_scale);
  codedeploy::DeploymentEngine engine(clock, lambda_service);
  control::Redeployer redeployer(load_options.value(), stack.value(), routes, lambda_service,
                                 engine);

  log::info("Loaded " + options.template_path + ": " + std::to_string(stack->functions.size()) +
            " functions, " + std::to_string(stack->apis.size()) + " APIs (stack " +
            stack->stack_name + ", region " + stack->region + ")");
  if (runtime_api) {
    std::string unpacked = artifacts.private_dir();
    log::info(
        "Invoke mode runtime-api: each function's bootstrap runs as a child process over "
        "the Lambda Runtime API" +
        (unpacked.empty() ? std::string() : "; packages unpacked in " + unpacked));
  }
  for (const auto& line : startup_lines(stack.value(), *routes.load(), api_url)) log::info(line);

  // SIGINT / SIGTERM: stop accepting, let requests in flight finish (bounded by the longest
  // Timeout plus a second), then stop. A second signal exits at once.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::steady_timer drain_timer(io);
  int longest_timeout = 3;
  for (const auto& function : stack->functions)
    longest_timeout = std::max(longest_timeout, function.timeout_seconds);
  auto drain_deadline = std::chrono::steady_clock::now();
  std::function<void()> wait_for_drain = [&] {
    bool idle = api_server.value()->in_flight() == 0 && aws_server.value()->in_flight() == 0;
    if (idle || std::chrono::steady_clock::now() >= drain_deadline) return io.stop();
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([&](boost::system::error_code ec) {
      if (!ec) wait_for_drain();
    });
  };
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    std::size_t in_flight = api_server.value()->in_flight() + aws_server.value()->in_flight();
    log::info(std::string("Received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") +
              ": no new connections; finishing " + std::to_string(in_flight) +
              " request(s) in flight (send the signal again to exit at once)");
    api_server.value()->stop();
    aws_server.value()->stop();
    signals.async_wait([](boost::system::error_code second_ec, int) {
      if (second_ec) return;
      log::info("Second signal: exiting at once");
      std::_Exit(1);
    });
    drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(longest_timeout + 1);
    wait_for_drain();
  });

  aws_server.value()->start(
      std::make_shared<server::AwsEndpoint>(std::vector<std::shared_ptr<server::AwsService>>{
          std::make_shared<lambda::LambdaApi>(lambda_service),
          std::make_shared<codedeploy::CodeDeployApi>(
              engine, codedeploy::application_for(stack.value()),
              codedeploy::all_configs(stack.value()), stack->region, stack->account_id),
          std::make_shared<control::ControlApi>(redeployer, engine, lambda_service,
                                                options.time_scale)}));
  log::info("AWS endpoints (Lambda API) listening on " + aws_url);  // tests parse this line
  log::info("  also on it: the CodeDeploy API and the emulator control API (/emulator/)");
  api_server.value()->start(std::make_shared<apigw::Gateway>(routes, lambda_service));
  log::info("API Gateway listening on " + api_url);

  // One thread per core (at least two), more while handlers block; see IoThreads.
  IoThreads io_threads(io);
  io_threads.start();
  const std::size_t stuck = io_threads.join();
  std::size_t processes = runtime_invoker ? runtime_invoker->environments().size() : 0;
  runtime_invoker.reset();  // kills and reaps every bootstrap
  std::uint64_t invocations = 0;
  for (const auto& function : functions.value()->snapshot()->functions)
    invocations += metrics.function_counts(function->name).invocations;
  log::info("Stopped: served " +
            std::to_string(api_server.value()->served() + aws_server.value()->served()) +
            " HTTP responses, " + std::to_string(invocations) + " invocations, " +
            std::to_string(engine.list().size()) + " deployments" +
            (runtime_api ? ", " + std::to_string(processes) + " bootstrap process(es) stopped"
                         : std::string()));
  if (stuck > 0) {
    // Their threads are inside the io_context and the objects above: exit without destroying
    // them under those threads.
    log::warn(std::to_string(stuck) +
              " handler(s) still running past their Timeout are left "
              "behind: a handler in this process cannot be stopped");
    log::flush();
    std::_Exit(0);
  }
  return 0;
}

}  // namespace emu::cli
