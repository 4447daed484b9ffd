#include "emulator/lambda/runtime_api/execution_environment.h"

#include <unistd.h>

#include "emulator/core/log.h"
#include "emulator/lambda/invocation_log.h"
#include "emulator/lambda/runtime_api/environment_backend.h"
#include "emulator/lambda/runtime_api/environment_state.h"

namespace emu::lambda {
namespace {

namespace asio = boost::asio;
using namespace environment;

// Lambda's limit on the INIT phase of an on-demand environment (developer guide, "Lambda
// execution environment lifecycle": "The Init phase is limited to 10 seconds").
constexpr auto kInitLimit = std::chrono::seconds(10);

void read_stream(const std::shared_ptr<Env>& env, bool is_stdout);

// The process has exited (or its output closed): reap it and end the environment.
void on_exit(const std::shared_ptr<Env>& env) {
  auto& s = env->state();
  Deferred deferred;
  {
    std::lock_guard lock(s.mutex);
    auto status = s.child->try_reap();
    if (!status) {
      // Output closed but the process has not exited yet (no pidfd): look again shortly.
      s.reap_timer.expires_after(std::chrono::milliseconds(20));
      s.reap_timer.async_wait([env](boost::system::error_code ec) {
        if (!ec) on_exit(env);
      });
      return;
    }
    drain_output(*env, s);
    s.exit_status = *status;
    if (s.ended) return;
    const auto& version = *env->version();
    std::string id = s.current ? s.current->invocation.request_id : std::string("-");
    nlohmann::json payload = ended_payload(s, id, *status);
    if (!s.init_error && s.current) {
      emit_line(*env, s, payload["errorMessage"].get<std::string>());
      emit_line(*env, s, "Runtime.ExitError");
    }
    std::string what = s.current ? "during an invocation" : "while idle";
    log::warn(version.logical_id + ": bootstrap (pid " + std::to_string(s.child->pid()) +
              ") exited " + what + " (" + *status + "); the next invocation starts a new one");
    end(env, s, payload, deferred);
  }
  run_all(deferred);
}

// The reactor only says that a pipe has something; the bytes are read under the mutex
// (read_available), never by a completion handler that could run after the invocation settled.
void read_stream(const std::shared_ptr<Env>& env, bool is_stdout) {
  auto& s = env->state();
  std::lock_guard lock(s.mutex);  // shut_down may close the stream from another thread
  auto& stream = is_stdout ? s.out : s.err;
  if (!stream.is_open()) return;
  stream.async_wait(asio::posix::descriptor_base::wait_read, [env, is_stdout](
                                                                 boost::system::error_code ec) {
    auto& st = env->state();
    bool closed = false;
    {
      std::lock_guard guard(st.mutex);
      if (!ec && !(is_stdout ? st.out : st.err).is_open()) return;  // closed by shut_down
      if (!ec && read_available(*env, st, is_stdout)) {
        // More to come: wait again (after the lock is released).
      } else {
        auto& partial = is_stdout ? st.out_line : st.err_line;
        if (!partial.empty()) emit_line(*env, st, partial);
        partial.clear();
        closed = --st.open_streams == 0 && !st.exit.is_open();
        ec = boost::asio::error::eof;
      }
    }
    if (!ec) return read_stream(env, is_stdout);
    if (closed) on_exit(env);  // no pidfd: both streams closed is the best sign of an exit
  });
}

void watch_exit(const std::shared_ptr<Env>& env) {
  auto& s = env->state();
  if (!s.exit.is_open()) return;
  s.exit.async_wait(asio::posix::stream_descriptor::wait_read,
                    [env](boost::system::error_code ec) {
                      if (ec != asio::error::operation_aborted) on_exit(env);
                    });
}

void on_init_limit(const std::shared_ptr<Env>& env) {
  auto& s = env->state();
  Deferred deferred;
  {
    std::lock_guard lock(s.mutex);
    if (s.initialized || s.ended) return;
    emit_line(*env, s,
              "INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: timeout");
    auto payload = error_payload(
        "Sandbox.Timedout",
        "Task timed out after 10.00 seconds: the bootstrap did not ask for an event (GET "
        "/2018-06-01/runtime/invocation/next) within Lambda's 10 s INIT limit");
    end(env, s, payload, deferred);
  }
  run_all(deferred);
}

int duplicate(int fd) { return fd < 0 ? -1 : ::dup(fd); }

}  // namespace

std::map<std::string, std::string> bootstrap_environment(const FunctionVersion& version,
                                                         const std::string& runtime_api) {
  auto env = version.runtime_environment;
  env["AWS_LAMBDA_RUNTIME_API"] = runtime_api;
  env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
  env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  env["LANG"] = "en_US.UTF-8";
  const std::string& root = env["LAMBDA_TASK_ROOT"];
  env["LD_LIBRARY_PATH"] = root + ":" + root + "/lib";
  // The runtime's own (layers on the search paths, ...): app/function_code.cpp.
  for (const auto& [name, value] : version.command_environment) env[name] = value;
  return env;
}


ExecutionEnvironment::ExecutionEnvironment(FunctionVersionPtr version, std::unique_ptr<State> state)
    : version_(std::move(version)), state_(std::move(state)) {}

ExecutionEnvironment::~ExecutionEnvironment() {
  if (state_->server) state_->server->stop();
  // state_->child's destructor kills the process group and reaps it.
}

Result<std::shared_ptr<ExecutionEnvironment>> ExecutionEnvironment::start(
    asio::io_context& io, ProcessSpawner& spawner, FunctionVersionPtr version,
    Listener on_available, Listener on_ended) {
  server::ServerLimits limits;
  limits.body_limit = kRuntimeResponseLimit;
  limits.max_connections = 64;
  limits.idle_timeout = std::chrono::hours(24);  // a warm runtime may wait long for work
  auto server = server::HttpServer::listen(io, "127.0.0.1", 0, limits);
  if (!server.ok()) return server.error();

  auto state = std::make_unique<State>(io);
  state->server = std::move(server).value();
  state->on_available = std::move(on_available);
  state->on_ended = std::move(on_ended);
  const std::string api = "127.0.0.1:" + std::to_string(state->server->port());

  SpawnSpec spec;
  // A provided runtime's own `bootstrap`, or the emulator's loop of a managed runtime
  // (app/function_code.h) in the task root.
  if (version->command.empty()) {
    spec.program = version->code_dir + "/bootstrap";
  } else {
    spec.program = version->command.front();
    spec.arguments.assign(version->command.begin() + 1, version->command.end());
  }
  spec.working_directory = version->code_dir;
  spec.environment = bootstrap_environment(*version, api);
  auto child = spawner.spawn(spec);
  if (!child.ok()) return child.error();
  state->child = std::move(child).value();
  if (int fd = duplicate(state->child->stdout_fd()); fd >= 0) state->out.assign(fd);
  if (int fd = duplicate(state->child->stderr_fd()); fd >= 0) state->err.assign(fd);
  if (int fd = duplicate(state->child->exit_fd()); fd >= 0) state->exit.assign(fd);
  state->open_streams = (state->out.is_open() ? 1 : 0) + (state->err.is_open() ? 1 : 0);

  std::shared_ptr<ExecutionEnvironment> env(new ExecutionEnvironment(version, std::move(state)));
  auto& s = env->state();
  auto backend = make_environment_backend(env);
  s.server->start(std::make_shared<RuntimeApiHandler>(backend));
  s.backend_keepalive = backend;
  const std::string what = version->command.empty() ? "bootstrap" : version->runtime + " runtime";
  log::info(function_line(*version, "started " + what + " (pid " + std::to_string(s.child->pid()) +
                                        ") for version " + version->version + ", Runtime API " +
                                        api + ", code " + version->code_dir));
  if (s.out.is_open()) read_stream(env, true);
  if (s.err.is_open()) read_stream(env, false);
  watch_exit(env);
  s.init_timer.expires_after(kInitLimit);
  s.init_timer.async_wait([weak = std::weak_ptr<ExecutionEnvironment>(env)](
                              boost::system::error_code ec) {
    if (auto locked = weak.lock(); locked && !ec) on_init_limit(locked);
  });
  return env;
}

void ExecutionEnvironment::assign(PendingInvocation invocation) {
  auto& s = *state_;
  Deferred deferred;
  {
    std::lock_guard lock(s.mutex);
    if (s.ended) {
      // Ended between the owner's choice and now (a bootstrap that fails its INIT may exit
      // before its first invocation is handed over): fail with the reason, as Lambda reports an
      // INIT that ends the process, rather than lose the invocation.
      s.current = State::Current{std::move(invocation), Clock::now(), false, {}};
      auto payload = ended_payload(s, s.current->invocation.request_id,
                                   s.exit_status.value_or("the process ended"));
      settle(*this, s, failure(InvokeResult::Outcome::kFunctionError, std::move(payload), 0),
             deferred);
    } else {
      s.current = State::Current{std::move(invocation), Clock::now(), false, {}};
      if (s.waiting_next) deliver(shared_from_this(), s);
    }
  }
  run_all(deferred);
}

void ExecutionEnvironment::shut_down(const std::string& why) {
  auto& s = *state_;
  Deferred deferred;
  {
    std::lock_guard lock(s.mutex);
    end(shared_from_this(), s,
        exit_error(s.current ? s.current->invocation.request_id : std::string("-"),
                   "signal: killed (" + why + ")"),
        deferred, /*quiet=*/true);
    boost::system::error_code ignored;
    s.out.close(ignored);
    s.err.close(ignored);
    s.exit.close(ignored);
    s.reap_timer.cancel();
  }
  run_all(deferred);
}

pid_t ExecutionEnvironment::pid() const { return state_->child->pid(); }

std::uint16_t ExecutionEnvironment::runtime_api_port() const { return state_->server->port(); }

std::size_t ExecutionEnvironment::invocations() const {
  std::lock_guard lock(state_->mutex);
  return state_->invocations;
}


}  // namespace emu::lambda
