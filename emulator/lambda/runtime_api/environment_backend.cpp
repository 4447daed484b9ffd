#include "emulator/lambda/runtime_api/environment_backend.h"

#include <cstdio>

#include "emulator/lambda/runtime_api/environment_state.h"
#include "runtime/json_text.h"

namespace emu::lambda {
namespace {

using namespace environment;

class Backend final : public RuntimeApiBackend {
 public:
  explicit Backend(std::weak_ptr<Env> env) : env_(std::move(env)) {}

  void next(server::Respond respond) override {
    auto env = env_.lock();
    if (!env) return respond(runtime_api_error(500, "Runtime.ContainerError", "exit", 11));
    auto& s = env->state();
    std::lock_guard lock(s.mutex);
    if (s.ended)
      return respond(runtime_api_error(500, "Runtime.ContainerError",
                                       "the execution environment has ended; exit", 11));
    if (!s.initialized) {
      s.initialized = true;
      s.init_ms = ms_since(s.spawned);
      s.init_timer.cancel();
    }
    if (s.waiting_next) {
      // A second long poll replaces the first (the runtime gave up on it).
      (*s.waiting_next)(runtime_api_error(400, "InvalidRequest",
                                          "another GET next replaced this one", 11));
    }
    s.waiting_next = std::move(respond);
    if (s.current && !s.current->delivered) deliver(env, s);
  }

  bool response(const std::string& request_id, std::string body) override {
    return settle_current(request_id, [&](Env&, State& s) {
      InvokeResult result;
      result.duration_ms = ms_since(s.current->started);
      auto payload = lambda_runtime::parse_json(body);
      if (payload.is_discarded()) {
        result.raw_payload = std::move(body);
      } else {
        result.payload = std::move(payload);
      }
      return result;
    });
  }

  bool error(const std::string& request_id, RuntimeError error) override {
    return settle_current(request_id, [&](Env& env, State& s) {
      auto payload = error_from_runtime(error);
      emit_line(env, s, request_id + " ERROR " + payload.dump());
      return failure(InvokeResult::Outcome::kFunctionError, std::move(payload),
                     ms_since(s.current->started));
    });
  }

  void init_error(RuntimeError error) override {
    auto env = env_.lock();
    if (!env) return;
    auto& s = env->state();
    Deferred deferred;
    {
      std::lock_guard lock(s.mutex);
      if (s.ended) return;
      drain_output(*env, s);
      auto payload = error_from_runtime(error);
      char line[160];
      std::snprintf(line, sizeof line,
                    "INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: error\tError Type: ",
                    ms_since(s.spawned));
      emit_line(*env, s, line + payload.value("errorType", std::string("Unknown")));
      s.init_error = std::move(error);
      // Lambda ends an environment whose INIT failed; the next invocation starts a new one.
      end(env, s, payload, deferred);
    }
    run_all(deferred);
  }

  void response_too_large() override {
    auto env = env_.lock();
    if (!env) return;
    auto& s = env->state();
    Deferred deferred;
    {
      std::lock_guard lock(s.mutex);
      if (!s.current || !s.current->delivered || s.ended) return;
      auto payload = nlohmann::json{
          {"errorMessage",
           "Response payload size exceeded maximum allowed payload size (6291556 bytes)."},
          {"errorType", "Function.ResponseSizeTooLarge"}};
      emit_line(*env, s, s.current->invocation.request_id + " ERROR " + payload.dump());
      deferred.push_back([env, listener = s.on_available] { listener(env); });
      settle(*env, s,
             failure(InvokeResult::Outcome::kFunctionError, payload, ms_since(s.current->started)),
             deferred);
    }
    run_all(deferred);
  }

 private:
  template <class MakeResult>
  bool settle_current(const std::string& request_id, MakeResult make_result) {
    auto env = env_.lock();
    if (!env) return false;
    auto& s = env->state();
    Deferred deferred;
    {
      std::lock_guard lock(s.mutex);
      if (s.ended || !s.current || !s.current->delivered ||
          s.current->invocation.request_id != request_id)
        return false;
      drain_output(*env, s);
      // Available again before the caller hears back, so that its next call finds it warm.
      deferred.push_back([env, listener = s.on_available] { listener(env); });
      settle(*env, s, make_result(*env, s), deferred);
    }
    run_all(deferred);
    return true;
  }

  std::weak_ptr<Env> env_;
};

}  // namespace

std::shared_ptr<RuntimeApiBackend> make_environment_backend(
    std::weak_ptr<ExecutionEnvironment> environment) {
  return std::make_shared<Backend>(std::move(environment));
}

}  // namespace emu::lambda
