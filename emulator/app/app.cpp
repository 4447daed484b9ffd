#include "emulator/app/app.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdlib>
#include <optional>

#include "emulator/apigateway/gateway.h"
#include "emulator/app/drain.h"
#include "emulator/app/function_code.h"
#include "emulator/app/hot_reload.h"
#include "emulator/app/startup_report.h"
#include "emulator/app/template_choice.h"
#include "emulator/aws/aws_endpoint.h"
#include "emulator/app/template_alarms.h"
#include "emulator/cloudwatch/alarms.h"
#include "emulator/cloudwatch/api_gateway_metrics.h"
#include "emulator/cloudwatch/embedded_metrics.h"
#include "emulator/cloudwatch/api/cloudwatch_api.h"
#include "emulator/cloudwatch/lambda_metrics.h"
#include "emulator/cloudwatch/metric_store.h"
#include "emulator/codedeploy/codedeploy_api.h"
#include "emulator/console/console_feed.h"
#include "emulator/console/console_service.h"
#include "emulator/codedeploy/deployment_engine.h"
#include "emulator/codedeploy/deployment_groups.h"
#include "emulator/control/control_api.h"
#include "emulator/control/redeployer.h"
#include "emulator/aws/aws_protocol.h"
#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/core/io_threads.h"
#include "emulator/core/log.h"
#include "emulator/core/random.h"
#include "emulator/lambda/api/lambda_api.h"
#include "emulator/lambda/event_recycler.h"
#include "emulator/lambda/in_process/builtin_code.h"
#include "emulator/lambda/in_process/in_process_invoker.h"
#include "emulator/lambda/lambda_service.h"
#include "emulator/lambda/model/function_store.h"
#include "emulator/lambda/payload_limits.h"
#include "emulator/lambda/routing_invoker.h"
#include "emulator/lambda/runtime_api/code_artifacts.h"
#include "emulator/lambda/runtime_api/process_spawner.h"
#include "emulator/lambda/runtime_api/runtime_api_invoker.h"
#include "emulator/server/browser_guard.h"
#include "emulator/server/http_server.h"
#include "emulator/template/loader.h"
#include "emulator/template/pseudo_parameters.h"

namespace emu::app {
namespace {

Error bad_input(std::string message) { return Error{std::to_string(kExitBadInput), std::move(message)}; }
Error cannot_serve(std::string message) {
  return Error{std::to_string(kExitCannotServe), std::move(message)};
}

std::string url_of(const std::string& host, std::uint16_t port) {
  bool ipv6 = host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool is_loopback(const std::string& host) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
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

// The longest Timeout of the stack's functions (at least 3 s, Lambda's default).
int longest_timeout(const tmpl::Stack& stack) {
  int longest = 3;
  for (const auto& function : stack.functions) longest = std::max(longest, function.timeout_seconds);
  return longest;
}

}  // namespace

// Members are built in this order and destroyed in reverse: whatever runs functions goes before
// the code folders it runs from and after the services that call it.
struct App::Parts {
  Options options;
  tmpl::LoadOptions load_options;
  tmpl::Stack stack;
  boost::asio::io_context io;
  std::unique_ptr<server::HttpServer> api_listener;
  std::unique_ptr<server::HttpServer> aws_listener;
  std::string api_url;
  std::string aws_url;
  // Per-run secret a page served by the emulator sends with state changes (BrowserGuard).
  std::string console_token = ids::random_token();
  std::vector<std::string> template_notes;  // which template is served, when not the one named

  // How functions run, per function (Options::invoke_mode, function_code.h): packages unpacked
  // into their folders, the interpreters that run them; the processes are the invoker's.
  std::unique_ptr<lambda::CodeArtifacts> artifacts;  // unless --invoke-mode in-process
  RuntimeCommands commands;
  std::unique_ptr<lambda::FunctionStore> functions;
  lambda::PosixSpawner spawner;
  lambda::EventRecycler recycler;
  std::unique_ptr<lambda::RuntimeApiInvoker> runtime_invoker;
  std::unique_ptr<lambda::Invoker> in_process_invoker;
  std::unique_ptr<lambda::RoutingInvoker> router;  // each version to the one its code needs

  std::unique_ptr<apigw::RouteTableHolder> routes;
  std::unique_ptr<SeededRandom> random;
  lambda::InvocationMetrics metrics;
  lambda::InvocationJournal journal;  // recent invocations with their logs, for the console
  std::unique_ptr<lambda::LambdaService> lambda;
  std::unique_ptr<ScaledClock> clock;
  std::unique_ptr<codedeploy::DeploymentEngine> engine;
  std::unique_ptr<control::Redeployer> redeployer;
  // CloudWatch (docs/alarms.md): each invocation queued by InvocationMetrics' observer and
  // aggregated every second into the metric store; the alarms evaluated on the clock every
  // virtual minute, an alarm in ALARM stopping the deployments it guards.
  cloudwatch::MetricStore metric_store;
  std::unique_ptr<cloudwatch::LambdaMetrics> lambda_metrics;
  std::unique_ptr<cloudwatch::ApiGatewayMetrics> api_metrics;
  std::unique_ptr<boost::asio::steady_timer> metrics_timer;
  std::unique_ptr<cloudwatch::Alarms> alarms;
  std::unique_ptr<HotReload> hot_reload;  // --watch; stopped before the services it deploys to
  // The console (docs/console.md): what it keeps besides the services' own state, and its feed.
  console::ApiRequestLog api_requests;
  std::unique_ptr<console::TrafficTimeline> timeline;
  std::unique_ptr<console::ConsoleFeed> console_feed;

  bool runtime_api() const { return options.invoke_mode == Options::InvokeMode::kRuntimeApi; }
  lambda::Invoker& invoker() { return *router; }

  // The services of --aws-port, told apart as AWS does (aws::AwsEndpoint). One entry a service.
  std::vector<std::shared_ptr<aws::AwsService>> aws_services() {
    return {
        std::make_shared<lambda::LambdaApi>(*lambda),
        std::make_shared<codedeploy::CodeDeployApi>(*engine, codedeploy::application_for(stack),
                                                    codedeploy::all_configs(stack), stack.region,
                                                    stack.account_id),
        std::make_shared<control::ControlApi>(*redeployer, *engine, *lambda, options.time_scale),
        std::make_shared<cloudwatch::CloudWatchApi>(*alarms, metric_store, *clock,
                                                    [this] { flush_metrics(); }),
        std::make_shared<console::ConsoleService>(*console_feed),
    };
  }

  // Aggregates the queued invocations and requests into the metric store: now, and every
  // second while serving.
  void flush_metrics() {
    lambda_metrics->flush();
    api_metrics->flush();
  }
  void flush_metrics_every_second();
  // A function's log line in CloudWatch's embedded metric format becomes metrics.
  void record_embedded_metrics(const lambda::FunctionVersion& version, std::string_view line);

  // Each returns what went wrong, or nothing.
  std::optional<Error> bind(const Options& o);
  std::optional<Error> build_functions(lambda_runtime::HandlerRegistry handlers);
};

std::optional<Error> App::Parts::bind(const Options& o) {
  auto api = server::HttpServer::listen(io, o.host, o.port);
  if (!api.ok())
    return cannot_serve("cannot serve API Gateway on " + api.error().message +
                        " (is another emulator running? pick another --port)");
  server::ServerLimits aws_limits;
  aws_limits.body_limit = lambda::kSyncPayloadLimit;
  aws_limits.streams = true;  // the console's live feed
  auto aws = server::HttpServer::listen(io, o.host, o.aws_port, aws_limits);
  if (!aws.ok())
    return cannot_serve("cannot serve the AWS-compatible endpoints on " + aws.error().message +
                        " (is another emulator running? pick another --aws-port)");
  api_listener = std::move(api).value();
  aws_listener = std::move(aws).value();
  api_url = url_of(o.host, api_listener->port());
  aws_url = url_of(o.host, aws_listener->port());
  return std::nullopt;
}

std::optional<Error> App::Parts::build_functions(lambda_runtime::HandlerRegistry handlers) {
  lambda::StoreOptions store_options;
  store_options.aws_endpoint_url = aws_url;
  store_options.output_tap = [this](const lambda::FunctionVersion& version, std::string_view line) {
    if (cloudwatch::looks_like_emf(line)) record_embedded_metrics(version, line);
  };
  if (options.invoke_mode == Options::InvokeMode::kInProcess) {
    store_options.resolve_code = lambda::builtin_code_resolver(handlers);
  } else {
    artifacts = std::make_unique<lambda::CodeArtifacts>(options.base_dir);
    artifacts->prefetch(stack, [&](const tmpl::FunctionSpec& spec) {
      return runs_from_artifacts(options.invoke_mode, handlers, spec);
    });
    store_options.resolve_code =
        function_code_resolver(options.invoke_mode, handlers, *artifacts, commands);
  }
  if (!options.env_vars_path.empty()) {
    auto env_vars = lambda::read_env_vars_file(options.env_vars_path);
    if (!env_vars.ok()) return bad_input(env_vars.error().message);
    store_options.env_vars = std::move(env_vars).value();
  }
  auto built = lambda::FunctionStore::build(stack, store_options);
  if (!built.ok()) return bad_input(built.error().message);
  functions = std::move(built).value();
  runtime_invoker = std::make_unique<lambda::RuntimeApiInvoker>(
      io, spawner, lambda::RuntimeApiLimits{}, &recycler);
  in_process_invoker = std::make_unique<lambda::InProcessInvoker>(io.get_executor(), &recycler);
  router = std::make_unique<lambda::RoutingInvoker>(*in_process_invoker, *runtime_invoker);
  return std::nullopt;
}

void App::Parts::flush_metrics_every_second() {
  metrics_timer->expires_after(std::chrono::seconds(1));
  metrics_timer->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    flush_metrics();
    flush_metrics_every_second();
  });
}

void App::Parts::record_embedded_metrics(const lambda::FunctionVersion& version,
                                         std::string_view line) {
  auto record = cloudwatch::parse_emf(line);
  if (!record.ok()) {
    log::warn(version.logical_id + ": a log line in the embedded metric format gives no metric: " +
              record.error().message + " (docs/alarms.md, \"Custom metrics\")");
    return;
  }
  if (!clock) return;  // not serving yet
  // _aws.Timestamp is real time: the metric lands as far from the virtual now as it was from the
  // real one (CloudWatchApi does the same with PutMetricData).
  const std::int64_t wall_now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
  // The window PutMetricData accepts (two weeks back, two hours ahead): a timestamp far off (in
  // microseconds, say) would otherwise push every metric out of the store's retention.
  if (record->timestamp_ms < wall_now - 14LL * 86'400'000 ||
      record->timestamp_ms > wall_now + 2LL * 3'600'000) {
    log::warn(version.logical_id + ": a log line in the embedded metric format gives no metric: "
              "_aws.Timestamp " + std::to_string(record->timestamp_ms) +
              " is more than two weeks back or two hours ahead (epoch milliseconds expected)");
    return;
  }
  const std::int64_t at = clock->epoch_ms(clock->now()) + (record->timestamp_ms - wall_now);
  for (const auto& datum : record->data) {
    cloudwatch::StatisticSet values;
    for (double value : datum.values) values.add(value);
    if (!metric_store.record_set(datum.metric, at, values, datum.unit)) {
      log::warn(version.logical_id + ": metric " + datum.metric.metric_name +
                " from its log is not kept: the emulator keeps at most 5000 metrics");
      return;
    }
  }
}

int exit_code_of(const Error& error) {
  return error.code == std::to_string(kExitCannotServe) ? kExitCannotServe : kExitBadInput;
}

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
App::~App() = default;

Result<std::unique_ptr<App>> App::build(const Options& options,
                                        lambda_runtime::HandlerRegistry handlers) {
  auto parts = std::make_unique<Parts>();
  auto& p = *parts;
  p.options = options;
  auto choice = choose_template(options);
  p.options.template_path = choice.path;
  // sam build's output lives in .aws-sam/build: the stack keeps the name of the sources' folder,
  // so function names, ARNs and API ids do not change with whether sam build ran.
  if (!choice.source.empty() && p.options.stack_name.empty())
    p.options.stack_name = tmpl::stack_name_for_template(choice.source);
  p.template_notes = choice.notes;
  for (const auto& warning : choice.warnings) log::warn(warning);
  auto load_options = load_options_for(p.options);
  if (!load_options.ok()) return bad_input(load_options.error().message);
  p.load_options = std::move(load_options).value();
  std::vector<std::string> warnings_before_error;
  auto stack = tmpl::load_stack(p.load_options, &warnings_before_error);
  if (!stack.ok()) {
    for (const auto& warning : warnings_before_error) log::warn(warning);  // they may explain it
    return bad_input(stack.error().message);
  }
  p.stack = std::move(stack).value();

  // Bind both ports first: with port 0 the functions' AWS_ENDPOINT_URL needs the real one.
  if (auto failed = p.bind(options)) return *failed;
  if (!is_loopback(options.host)) {
    log::warn("--host " + options.host + ": the AWS-compatible endpoint (port " +
              std::to_string(p.aws_listener->port()) +
              "), which can redeploy functions and move aliases without any credentials, is "
              "reachable from the network. Use --host 127.0.0.1 unless that is what you want.");
  }
  if (auto failed = p.build_functions(handlers)) return *failed;

  std::vector<std::string> warnings = p.stack.warnings;
  p.routes = std::make_unique<apigw::RouteTableHolder>(
      std::make_shared<const apigw::RouteTable>(apigw::RouteTable::build(p.stack, warnings)));
  for (const auto& warning : warnings) log::warn(warning);

  p.random = std::make_unique<SeededRandom>(options.seed ? *options.seed : seed_from_clock());
  p.lambda = std::make_unique<lambda::LambdaService>(*p.functions, p.invoker(), *p.random,
                                                     p.metrics);
  p.lambda->set_journal(&p.journal);
  p.clock = std::make_unique<ScaledClock>(p.io.get_executor(), options.time_scale);
  p.engine = std::make_unique<codedeploy::DeploymentEngine>(*p.clock, *p.lambda);
  p.lambda_metrics = std::make_unique<cloudwatch::LambdaMetrics>(p.metric_store);
  p.metrics.set_observer([&p](const std::string& function, const std::string& version,
                              const std::string& alias, bool error, double duration_ms) {
    p.lambda_metrics->add(
        {function, alias, version, error, duration_ms, p.clock->epoch_ms(p.clock->now()),
         std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
             .count()});
  });
  p.metrics_timer = std::make_unique<boost::asio::steady_timer>(p.io);
  p.alarms = std::make_unique<cloudwatch::Alarms>(*p.clock, p.metric_store, p.stack.region,
                                                  p.stack.account_id);
  p.api_metrics = std::make_unique<cloudwatch::ApiGatewayMetrics>(p.metric_store);
  p.alarms->set_before_evaluation([&p] { p.flush_metrics(); });
  p.alarms->set_listener([&p](const cloudwatch::AlarmStatus& alarm, cloudwatch::AlarmState) {
    if (alarm.state == cloudwatch::AlarmState::kAlarm)
      p.engine->alarm_fired(alarm.definition.name, alarm.reason);
  });
  p.engine->set_alarm_check([&p](const std::vector<std::string>& names)
                                -> std::optional<std::pair<std::string, std::string>> {
    for (const auto& name : names)
      if (auto alarm = p.alarms->get(name); alarm && alarm->state == cloudwatch::AlarmState::kAlarm)
        return std::pair(name, alarm->reason);
    return std::nullopt;
  });
  p.timeline = std::make_unique<console::TrafficTimeline>(*p.functions, p.metrics);
  p.console_feed = std::make_unique<console::ConsoleFeed>(
      console::ConsoleSources{*p.engine, *p.lambda, p.journal, *p.alarms, p.api_requests,
                              *p.timeline, options.time_scale, ids::new_short_id(12),
                              p.stack.stack_name, p.stack.region},
      *p.clock, p.io.get_executor());
  p.redeployer = std::make_unique<control::Redeployer>(p.load_options, p.stack, *p.routes,
                                                       *p.lambda, *p.engine);
  // A deploy updates the template's alarms before its deployments start, as CloudFormation
  // updates the alarm resources of a stack; alarms the template no longer has are deleted.
  p.redeployer->set_on_stack_change([&p](const tmpl::Stack& before, const tmpl::Stack& after) {
    std::vector<std::string> gone;
    for (const auto& old : before.alarms) {
      bool kept = false;
      for (const auto& now : after.alarms) kept = kept || now.name == old.name;
      if (!kept && p.alarms->get(old.name)) gone.push_back(old.name);
    }
    if (!gone.empty() && p.alarms->remove(gone).ok())
      for (const auto& name : gone) log::info("Alarm " + name + " is no longer in the template: deleted");
    for (const auto& note : put_template_alarms(after, *p.alarms)) log::warn(note);
  });
  if (options.watch != Options::Watch::kOff) {
    auto mode = options.invoke_mode;
    p.hot_reload = std::make_unique<HotReload>(
        *p.redeployer, p.artifacts.get(),
        [mode, handlers](const tmpl::FunctionSpec& spec) {
          return runs_from_artifacts(mode, handlers, spec);
        },
        options.watch == Options::Watch::kLive ? HotReload::Mode::kLive
                                               : HotReload::Mode::kDeploy);
  }
  return std::unique_ptr<App>(new App(std::move(parts)));
}

int App::run() {
  auto& p = *parts_;
  const auto& stack = p.stack;
  for (const auto& note : p.template_notes) log::info(note);
  log::info("Loaded " + p.options.template_path + ": " +
            counted(stack.functions.size(), "function", "functions") + ", " +
            counted(stack.apis.size(), "API", "APIs") + " (stack " + stack.stack_name +
            ", region " + stack.region + ")");
  if (p.runtime_api()) {
    std::string unpacked = p.artifacts->private_dir();
    log::info(
        "Invoke mode runtime-api: each function's bootstrap runs as a child process over "
        "the Lambda Runtime API" +
        (unpacked.empty() ? std::string() : "; packages unpacked in " + unpacked));
  } else if (p.artifacts) {
    if (auto line = runtime_line(*p.functions->snapshot(), p.artifacts->private_dir()))
      log::info(*line);
  }
  for (const auto& line : startup_lines(stack, *p.routes->load(), p.api_url)) log::info(line);
  for (const auto& line : alarm_lines(stack)) log::info(line);
  // Created (and evaluated once) now, before anything is served, so their first state change
  // follows these lines.
  for (const auto& note : put_template_alarms(stack, *p.alarms)) log::warn(note);

  Drain drain(p.io, {p.api_listener.get(), p.aws_listener.get()},
              std::chrono::seconds(longest_timeout(stack) + 1));

  // Closed to other web pages (DNS rebinding, cross-site requests): docs/security.md.
  p.aws_listener->start(std::make_shared<server::BrowserGuard>(
      std::make_shared<aws::AwsEndpoint>(p.aws_services(), lambda::kSyncPayloadLimit),
      server::BrowserPolicy{{p.options.host}, p.console_token},
      [](const std::string& reason, unsigned http_version) {
        return aws::rest_json_error(Error{"AccessDeniedException", reason}, http_version);
      }));
  log::info("AWS endpoints (Lambda API) listening on " + p.aws_url);  // tests parse this line
  log::info("  also on it: the CodeDeploy and CloudWatch APIs and the emulator control API "
            "(/emulator/)");
  // The token is in the fragment: the browser keeps it in the page, never sends it in a request
  // line (so no access log or Referer carries it). docs/console.md
  log::info("Console: " + p.aws_url + std::string(console::kConsolePath) + "#token=" +
            p.console_token);
  // Before "listening": a change saved once the emulator answers is seen.
  if (p.hot_reload) log::info(p.hot_reload->start());
  p.api_listener->start(std::make_shared<apigw::Gateway>(
      *p.routes, *p.lambda, &p.recycler, [&p](const apigw::ServedRequest& served) {
        p.api_metrics->add({std::string(served.api_name), std::string(served.stage), served.status,
                            served.latency_ms, served.integration_latency_ms,
                            p.clock->epoch_ms(p.clock->now())});
        p.api_requests.record({std::string(served.invocation_id), std::string(served.method),
                               std::string(served.target), served.status});
      },
      p.io.get_executor()));
  log::info("API Gateway listening on " + p.api_url);
  if (p.routes->load()->routes().empty()) log::warn(no_routes_warning(p.api_url));
  for (const auto& line : next_steps(stack, *p.routes->load(), p.api_url, p.hot_reload != nullptr))
    log::info(line);

  p.flush_metrics_every_second();
  p.console_feed->start();
  p.alarms->start();
  // One thread per core (at least two), more while handlers block; see IoThreads.
  IoThreads io_threads(p.io);
  io_threads.start();
  const std::size_t stuck = io_threads.join();
  p.hot_reload.reset();  // no deploy from here on
  std::size_t processes = p.runtime_invoker->environments().size();
  p.runtime_invoker.reset();  // kills and reaps every bootstrap
  std::uint64_t invocations = 0;
  for (const auto& function : p.functions->snapshot()->functions)
    invocations += p.metrics.function_counts(function->name).invocations;
  log::info("Stopped: served " +
            std::to_string(p.api_listener->served() + p.aws_listener->served()) +
            " HTTP responses, " + std::to_string(invocations) + " invocations, " +
            std::to_string(p.engine->list().size()) + " deployments" +
            (processes > 0 || p.runtime_api()
                 ? ", " + std::to_string(processes) + " runtime process(es) stopped"
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

}  // namespace emu::app
