#include "emulator/cli/serve.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <thread>

#include "emulator/apigateway/gateway.h"
#include "emulator/cli/startup_report.h"
#include "emulator/core/log.h"
#include "emulator/core/random.h"
#include "emulator/lambda/function_store.h"
#include "emulator/lambda/lambda_service.h"
#include "emulator/lambda/in_process_invoker.h"
#include "emulator/server/http_server.h"
#include "emulator/template/loader.h"

namespace emu::cli {
namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitCannotServe = 1;
// Invocation workers: handlers may block (HTTP calls, sleeps), so more than the cores.
constexpr std::size_t kWorkers = 32;
// Beyond this many handlers stuck past their Timeout, no replacement threads are started.
constexpr std::size_t kMaxAbandonedWorkers = 256;

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

int serve(const Options& options) {
  auto overrides = tmpl::parse_parameter_overrides(options.parameter_overrides);
  if (!overrides.ok()) {
    log::error(overrides.error().message);
    return kExitBadInput;
  }
  tmpl::LoadOptions load_options;
  load_options.template_path = options.template_path;
  load_options.parameter_overrides = overrides.value();
  load_options.region = options.region;
  load_options.stack_name = options.stack_name;
  auto stack = tmpl::load_stack(load_options);
  if (!stack.ok()) {
    log::error(stack.error().message);
    return kExitBadInput;
  }

  lambda::StoreOptions store_options;
  store_options.aws_endpoint_url =
      "http://" + url_host(options.host) + ":" + std::to_string(options.aws_port);
  if (!options.env_vars_path.empty()) {
    auto env_vars = lambda::read_env_vars_file(options.env_vars_path);
    if (!env_vars.ok()) {
      log::error(env_vars.error().message);
      return kExitBadInput;
    }
    store_options.env_vars = std::move(env_vars).value();
  }
  auto functions = lambda::FunctionStore::build(stack.value(), store_options);
  if (!functions.ok()) {
    log::error(functions.error().message);
    return kExitBadInput;
  }

  std::vector<std::string> warnings = stack->warnings;
  auto routes = apigw::RouteTable::build(stack.value(), warnings);
  for (const auto& warning : warnings) log::warn(warning);

  boost::asio::io_context io;
  lambda::WorkerPool pool(kWorkers, kMaxAbandonedWorkers);
  lambda::InProcessInvoker invoker(io.get_executor(), pool);
  SeededRandom random(options.seed ? *options.seed : seed_from_clock());
  lambda::InvocationMetrics metrics;
  lambda::LambdaService lambda_service(*functions.value(), invoker, random, metrics);
  auto gateway = std::make_shared<apigw::Gateway>(routes, lambda_service);
  auto server = server::HttpServer::listen(io, options.host, options.port, gateway);
  if (!server.ok()) {
    log::error("cannot serve API Gateway on " + server.error().message +
               " (is another emulator running? pick another --port)");
    return kExitCannotServe;
  }

  std::string base_url = "http://" + url_host(options.host) + ":" +
                         std::to_string(server.value()->port());
  log::info("Loaded " + options.template_path + ": " + std::to_string(stack->functions.size()) +
            " functions, " + std::to_string(stack->apis.size()) + " APIs (stack " +
            stack->stack_name + ", region " + stack->region + ")");
  for (const auto& line : startup_lines(stack.value(), routes, base_url)) log::info(line);

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    log::info(std::string("Received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") +
              ", stopping");
    server.value()->stop();
    io.stop();
  });

  server.value()->start();
  log::info("API Gateway listening on " + base_url);

  unsigned thread_count = std::max(2u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < thread_count; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& thread : threads) thread.join();
  return 0;
}

}  // namespace emu::cli
