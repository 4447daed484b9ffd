#include "runtime/runtime_api_loop.h"

#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <typeinfo>
#include <variant>

#include "runtime/json_text.h"
#include "runtime/runtime_api_client.h"
#include "runtime/runtime_api_context.h"

namespace lambda_runtime {
namespace {

constexpr int kExitServed = 0;
constexpr int kExitFailure = 1;
constexpr std::size_t kMaxQuotedEvent = 100;  // of an event that is not JSON, in the message

void runtime_log(const std::string& line) {
  std::fprintf(stderr, "lambda_runtime: %s\n", line.c_str());
  std::fflush(stderr);
}

// "std::runtime_error" for a std::runtime_error, as the emulator's in-process invoker names it.
std::string type_name(const std::exception& e) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(typeid(e).name());
}

void set_trace_id(const std::string& trace_id) {
  if (trace_id.empty()) {
    unsetenv("_X_AMZN_TRACE_ID");
  } else {
    setenv("_X_AMZN_TRACE_ID", trace_id.c_str(), 1);
  }
}

// What one invocation produced: the response body, or the error to report.
using Outcome = std::variant<std::string, ErrorReport>;

Outcome invoke(Handler handler, const FunctionSettings& settings, const Invocation& invocation) {
  nlohmann::json event = nlohmann::json::object();
  if (!invocation.event.empty()) {
    event = parse_json(invocation.event);
    if (event.is_discarded())
      return ErrorReport{"Runtime.UnmarshalError",
                         "the event is not JSON: " + invocation.event.substr(0, kMaxQuotedEvent)};
  }
  RuntimeApiContext context(settings, invocation);
  nlohmann::json result;
  try {
    result = handler(event, context);
  } catch (const FunctionError& e) {
    return ErrorReport{e.type(), e.what()};
  } catch (const std::exception& e) {
    return ErrorReport{type_name(e), e.what()};
  } catch (...) {
    return ErrorReport{"Unknown", "the handler threw something that is not a std::exception"};
  }
  try {
    return dump_json(result);
  } catch (const nlohmann::json::exception& e) {
    return ErrorReport{"Runtime.MarshalError",
                       std::string("the handler's result cannot be written as JSON: ") + e.what()};
  }
}

}  // namespace

int run(Handler handler, const RunOptions& options) {
  const char* endpoint = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (endpoint == nullptr || *endpoint == '\0') {
    runtime_log(
        "AWS_LAMBDA_RUNTIME_API is not set: this program is a Lambda function's bootstrap and "
        "runs under the Lambda Runtime API");
    return kExitFailure;
  }
  std::optional<RuntimeApiClient> client;
  try {
    client.emplace(endpoint);
  } catch (const std::exception& e) {
    runtime_log(e.what());
    return kExitFailure;
  }

  FunctionSettings settings;
  try {
    settings = FunctionSettings::from_environment();
  } catch (const std::exception& e) {
    ErrorReport report{"Runtime.InvalidEnvironment", e.what()};
    runtime_log("start-up failed: " + report.message);
    if (auto failure = client->post_init_error(report)) runtime_log(failure->message);
    return kExitFailure;
  }

  if (options.init != nullptr) {
    std::optional<ErrorReport> init_failure;
    try {
      options.init();
    } catch (const FunctionError& e) {
      init_failure = ErrorReport{e.type(), e.what()};
    } catch (const std::exception& e) {
      init_failure = ErrorReport{type_name(e), e.what()};
    } catch (...) {
      init_failure = ErrorReport{"Unknown", "the init function threw something that is not a "
                                            "std::exception"};
    }
    if (init_failure) {
      runtime_log("init failed: " + init_failure->type + ": " + init_failure->message);
      if (auto failure = client->post_init_error(*init_failure)) runtime_log(failure->message);
      return kExitFailure;
    }
  }

  std::size_t served = 0;
  int failures_in_a_row = 0;
  while (!options.max_invocations || served < *options.max_invocations) {
    auto next = client->next();
    if (const auto* failure = std::get_if<ApiFailure>(&next)) {
      runtime_log(failure->message);
      if (failure->fatal()) return kExitFailure;
      if (++failures_in_a_row >= options.max_consecutive_failures) {
        runtime_log("giving up after " + std::to_string(failures_in_a_row) +
                    " failed requests for the next invocation in a row");
        return kExitFailure;
      }
      std::this_thread::sleep_for(options.retry_pause);
      continue;
    }
    failures_in_a_row = 0;
    const auto& invocation = std::get<Invocation>(next);
    set_trace_id(invocation.trace_id);

    auto outcome = invoke(handler, settings, invocation);
    std::optional<ApiFailure> failure;
    if (const auto* body = std::get_if<std::string>(&outcome)) {
      // Ask for the next event in the same write when there will be one to ask for.
      const bool more = !options.max_invocations || served + 1 < *options.max_invocations;
      failure = client->post_response(invocation.request_id, *body, more);
    } else {
      const auto& error = std::get<ErrorReport>(outcome);
      runtime_log("invocation " + invocation.request_id + " failed: " + error.type + ": " +
                  error.message);
      failure = client->post_error(invocation.request_id, error);
    }
    ++served;
    if (failure) {
      runtime_log(failure->message);
      if (failure->fatal()) return kExitFailure;
    }
  }
  return kExitServed;
}

}  // namespace lambda_runtime
