#include "emulator/lambda/runtime_api/execution_environment.h"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <poll.h>
#include <random>
#include <unistd.h>
#include <vector>

#include "emulator/core/log.h"
#include "emulator/lambda/invocation_log.h"
#include "emulator/lambda/runtime_api/runtime_api_handler.h"
#include "emulator/server/http_server.h"
#include "runtime/json_text.h"

namespace emu::lambda {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

// Lambda's limit on the INIT phase of an on-demand environment (developer guide, "Lambda
// execution environment lifecycle": "The Init phase is limited to 10 seconds").
constexpr auto kInitLimit = std::chrono::seconds(10);
// A line longer than this is cut into pieces, so a runtime that never writes '\n' cannot grow
// the emulator without bound (CloudWatch Logs' own event limit is 256 KB).
constexpr std::size_t kMaxLine = 256 * 1024;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string random_hex(std::size_t digits) {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(digits, '0');
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    if (i % 16 == 0) bits = engine();  // 16 digits from each 64-bit draw
    hex[i] = kHex[bits & 0xf];
    bits >>= 4;
  }
  return hex;
}

// X-Ray's trace header format (X-Ray developer guide, "Tracing header").
std::string new_trace_id() {
  char epoch[16];
  std::snprintf(epoch, sizeof epoch, "%08llx",
                static_cast<unsigned long long>(std::time(nullptr)));
  return "Root=1-" + std::string(epoch) + "-" + random_hex(24) + ";Parent=" + random_hex(16) +
         ";Sampled=0";
}

// Lambda's function-error payload from what a runtime posted to .../error or /init/error: its
// JSON body when that is an object with errorType or errorMessage, else one built from the
// Lambda-Runtime-Function-Error-Type header (the API's documented default).
nlohmann::json error_from_runtime(const RuntimeError& error) {
  auto body = nlohmann::json::parse(error.body, nullptr, false);
  if (body.is_object() && (body.contains("errorType") || body.contains("errorMessage"))) {
    if (!body.contains("errorType") && !error.type_header.empty())
      body["errorType"] = error.type_header;
    return body;
  }
  std::string type = error.type_header.empty() ? "Unhandled" : error.type_header;
  return {{"errorMessage", error.body.empty() ? type : error.body}, {"errorType", type}};
}

// Lambda's payload for an invocation whose runtime process ended: "RequestId: <id> Error:
// Runtime exited with error: exit status 3" (or "signal: aborted", ...).
nlohmann::json exit_error(const std::string& request_id, const std::string& reason) {
  return {
      {"errorMessage", "RequestId: " + request_id + " Error: Runtime exited with error: " + reason},
      {"errorType", "Runtime.ExitError"}};
}

}  // namespace

struct ExecutionEnvironment::State {
  State(asio::io_context& io)
      : out(io), err(io), exit(io), deadline_timer(io), init_timer(io), reap_timer(io) {}

  std::mutex mutex;
  std::unique_ptr<ChildProcess> child;
  std::unique_ptr<server::HttpServer> server;
  asio::posix::stream_descriptor out;
  asio::posix::stream_descriptor err;
  asio::posix::stream_descriptor exit;
  asio::steady_timer deadline_timer;
  asio::steady_timer init_timer;
  asio::steady_timer reap_timer;
  std::array<char, 16 * 1024> out_buffer{};
  std::array<char, 16 * 1024> err_buffer{};
  std::string out_line;
  std::string err_line;
  int open_streams = 2;

  Listener on_available;
  Listener on_ended;
  std::shared_ptr<RuntimeApiBackend> backend_keepalive;  // the listener holds it weakly

  Clock::time_point spawned = Clock::now();
  bool initialized = false;            // the runtime has asked for an event
  std::optional<double> init_ms;       // reported once, in the first REPORT
  std::optional<RuntimeError> init_error;
  std::optional<std::string> exit_status;  // "exit status 3", "signal: aborted", once reaped
  bool ended = false;
  std::size_t invocations = 0;
  std::optional<server::Respond> waiting_next;

  struct Current {
    PendingInvocation invocation;
    Clock::time_point started = Clock::now();
    bool delivered = false;
    std::string log;
  };
  std::optional<Current> current;
};

namespace {

// Work to do once the mutex is released: callbacks and the like.
using Deferred = std::vector<std::function<void()>>;

void run_all(Deferred& deferred) {
  for (auto& action : deferred) action();
}

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
  return env;
}

// ---- the implementation, as free functions over the shared environment ------------------------
namespace {

using Env = ExecutionEnvironment;
using State = ExecutionEnvironment::State;

// What an invocation gets from an environment whose process ended: the INIT error the runtime
// posted, if it did, else Lambda's Runtime.ExitError with `reason`.
nlohmann::json ended_payload(const State& s, const std::string& request_id,
                             const std::string& reason) {
  return s.init_error ? error_from_runtime(*s.init_error) : exit_error(request_id, reason);
}

void emit_line(Env& env, State& s, std::string_view line) {
  log::info_soon(function_line(*env.version(), line));
  if (s.current && s.current->delivered) s.current->log.append(line).push_back('\n');
}

void take_output(Env& env, State& s, std::string& partial, const char* data, std::size_t size) {
  partial.append(data, size);
  std::size_t start = 0;
  for (std::size_t newline; (newline = partial.find('\n', start)) != std::string::npos;
       start = newline + 1) {
    emit_line(env, s, std::string_view(partial).substr(start, newline - start));
  }
  partial.erase(0, start);
  while (partial.size() > kMaxLine) {
    emit_line(env, s, std::string_view(partial).substr(0, kMaxLine));
    partial.erase(0, kMaxLine);
  }
}

// Reads whatever the process has written so far, so lines it wrote before answering belong to
// the invocation they came from. One poll() asks both pipes at once; a pipe is read only when it
// has something (most invocations write nothing).
void drain_output(Env& env, State& s) {
  pollfd fds[2];
  asio::posix::stream_descriptor* streams[2];
  nfds_t count = 0;
  for (auto* stream : {&s.out, &s.err}) {
    if (!stream->is_open()) continue;
    fds[count] = {stream->native_handle(), POLLIN, 0};
    streams[count++] = stream;
  }
  if (count == 0 || ::poll(fds, count, 0) <= 0) return;
  char buffer[16 * 1024];
  for (nfds_t i = 0; i < count; ++i) {
    if ((fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
    auto& partial = streams[i] == &s.out ? s.out_line : s.err_line;
    for (;;) {
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) break;
      take_output(env, s, partial, buffer, static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < sizeof buffer) break;  // drained, as far as was written
    }
  }
}

// Settles the current invocation with `result`; END and REPORT close its log.
void settle(Env&, State& s, InvokeResult result, Deferred& deferred) {
  auto current = std::move(*s.current);
  s.current.reset();
  s.deadline_timer.cancel();
  const auto& version = *current.invocation.version;
  const auto& id = current.invocation.request_id;
  auto report = report_line(version, id, result.duration_ms);
  if (s.init_ms) {
    char init[48];
    std::snprintf(init, sizeof init, "\tInit Duration: %.2f ms", *s.init_ms);
    report += init;
    s.init_ms.reset();
  }
  const std::size_t prefix = line_prefix_length(version);  // "[LogicalId] "
  auto lines = end_line(version, id);
  current.log.append(lines, prefix).push_back('\n');
  current.log.append(report, prefix).push_back('\n');
  lines.append(1, '\n').append(report);
  log::info_soon(lines);  // both in one append to the batching writer
  result.request_id = id;
  result.executed_version = version.version;
  result.log = std::move(current.log);
  deferred.push_back([done = std::move(current.invocation.done), result = std::move(result)]() mutable {
    done(std::move(result));
  });
}

InvokeResult failure(InvokeResult::Outcome outcome, nlohmann::json payload, double duration_ms) {
  InvokeResult result;
  result.outcome = outcome;
  result.payload = std::move(payload);
  result.duration_ms = duration_ms;
  return result;
}

// Ends the environment: kills the process, closes the listener, fails the current invocation
// with `payload` (if any), tells the owner (unless `quiet`).
void end(const std::shared_ptr<Env>& self, State& s, const nlohmann::json& payload,
         Deferred& deferred, bool quiet = false) {
  if (s.ended) return;
  s.ended = true;
  if (s.current) {
    double duration = s.current->delivered ? ms_since(s.current->started) : 0;
    settle(*self, s, failure(InvokeResult::Outcome::kFunctionError, payload, duration), deferred);
  }
  if (s.waiting_next) {
    auto respond = std::move(*s.waiting_next);
    s.waiting_next.reset();
    respond(runtime_api_error(500, "Runtime.ContainerError",
                              "the execution environment has ended; exit", 11));
  }
  s.child->kill();
  s.server->stop();
  s.init_timer.cancel();
  s.deadline_timer.cancel();
  if (!quiet) deferred.push_back([self, listener = s.on_ended] { listener(self); });
}

void deliver(const std::shared_ptr<Env>& self, State& s) {
  auto& current = *s.current;
  const auto& version = *current.invocation.version;
  auto respond = std::move(*s.waiting_next);
  s.waiting_next.reset();
  current.delivered = true;
  current.started = Clock::now();
  ++s.invocations;
  auto start = start_line(version, current.invocation.request_id);
  log::info_soon(start);
  current.log.append(start, line_prefix_length(version)).push_back('\n');

  auto timeout = std::chrono::seconds(version.timeout_seconds);
  auto deadline_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         (std::chrono::system_clock::now() + timeout).time_since_epoch())
                         .count();
  server::HttpResponse response(http::status::ok, 11);
  response.set(http::field::content_type, "application/json");
  response.set("Lambda-Runtime-Aws-Request-Id", current.invocation.request_id);
  response.set("Lambda-Runtime-Deadline-Ms", std::to_string(deadline_ms));
  response.set("Lambda-Runtime-Invoked-Function-Arn", current.invocation.invoked_arn);
  response.set("Lambda-Runtime-Trace-Id", new_trace_id());
  response.body() = std::move(current.invocation.event);
  response.prepare_payload();

  s.deadline_timer.expires_after(timeout);
  s.deadline_timer.async_wait([weak = std::weak_ptr<Env>(self),
                               id = current.invocation.request_id](boost::system::error_code ec) {
    auto env = weak.lock();
    if (ec || !env) return;
    auto& st = env->state();
    Deferred deferred;
    {
      std::lock_guard lock(st.mutex);
      if (!st.current || st.current->invocation.request_id != id || st.ended) return;
      const auto& v = *st.current->invocation.version;
      auto message = timeout_message(v.timeout_seconds);
      emit_line(*env, st, id + " " + message);
      auto payload = error_payload("Sandbox.Timedout", message);
      settle(*env, st,
             failure(InvokeResult::Outcome::kTimeout, payload, v.timeout_seconds * 1000.0),
             deferred);
      log::warn(v.logical_id + ": bootstrap (pid " + std::to_string(st.child->pid()) +
                ") passed its Timeout of " + std::to_string(v.timeout_seconds) +
                " s and was killed; the next invocation starts a new one");
      end(env, st, payload, deferred);
    }
    run_all(deferred);
  });
  respond(std::move(response));
}

}  // namespace

namespace {

// The Runtime API's view of one environment. The listener holds it weakly; it holds the
// environment weakly, so neither keeps the other alive.
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

void read_stream(const std::shared_ptr<Env>& env, bool is_stdout) {
  auto& s = env->state();
  std::lock_guard lock(s.mutex);  // shut_down may close the stream from another thread
  auto& stream = is_stdout ? s.out : s.err;
  if (!stream.is_open()) return;
  auto& buffer = is_stdout ? s.out_buffer : s.err_buffer;
  stream.async_read_some(asio::buffer(buffer), [env, is_stdout](boost::system::error_code ec,
                                                                std::size_t n) {
    auto& st = env->state();
    bool closed = false;
    {
      std::lock_guard guard(st.mutex);
      auto& partial = is_stdout ? st.out_line : st.err_line;
      if (n > 0) take_output(*env, st, partial, (is_stdout ? st.out_buffer : st.err_buffer).data(), n);
      if (ec) {
        if (!partial.empty()) emit_line(*env, st, partial);
        partial.clear();
        closed = --st.open_streams == 0 && !st.exit.is_open();
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
  spec.program = version->code_dir + "/bootstrap";
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
  auto backend = std::make_shared<Backend>(env);
  s.server->start(std::make_shared<RuntimeApiHandler>(backend));
  s.backend_keepalive = backend;
  log::info(function_line(*version, "started bootstrap (pid " + std::to_string(s.child->pid()) +
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
