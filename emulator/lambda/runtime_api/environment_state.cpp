#include "emulator/lambda/runtime_api/environment_state.h"

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <poll.h>
#include <random>
#include <unistd.h>

#include "emulator/core/log.h"
#include "emulator/lambda/invocation_log.h"

namespace emu::lambda::environment {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// A line longer than this is cut into pieces, so a runtime that never writes '\n' cannot grow
// the emulator without bound (CloudWatch Logs' own event limit is 256 KB).
constexpr std::size_t kMaxLine = 256 * 1024;

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

}  // namespace

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

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

nlohmann::json exit_error(const std::string& request_id, const std::string& reason) {
  return {
      {"errorMessage", "RequestId: " + request_id + " Error: Runtime exited with error: " + reason},
      {"errorType", "Runtime.ExitError"}};
}

nlohmann::json ended_payload(const State& s, const std::string& request_id,
                             const std::string& reason) {
  return s.init_error ? error_from_runtime(*s.init_error) : exit_error(request_id, reason);
}

void emit_line(Env& env, State& s, std::string_view line) {
  const auto& version = *env.version();
  log::info_soon(function_line(version, line));
  if (version.output_tap) (*version.output_tap)(version, line);
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

bool read_available(Env& env, State& s, bool is_stdout) {
  auto& stream = is_stdout ? s.out : s.err;
  if (!stream.is_open()) return false;
  auto& partial = is_stdout ? s.out_line : s.err_line;
  char buffer[16 * 1024];
  for (int round = 0; round < 16; ++round) {
    ssize_t n = ::read(stream.native_handle(), buffer, sizeof buffer);
    if (n > 0) {
      take_output(env, s, partial, buffer, static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < sizeof buffer) return true;  // drained, as far as written
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);  // 0 is the end of the pipe
  }
  return true;
}

// One poll() asks both pipes at once; a pipe is read only when it has something (most
// invocations write nothing).
void drain_output(Env& env, State& s) {
  pollfd fds[2];
  bool is_stdout[2];
  nfds_t count = 0;
  for (bool out : {true, false}) {
    auto& stream = out ? s.out : s.err;
    if (!stream.is_open()) continue;
    fds[count] = {stream.native_handle(), POLLIN, 0};
    is_stdout[count++] = out;
  }
  if (count == 0 || ::poll(fds, count, 0) <= 0) return;
  for (nfds_t i = 0; i < count; ++i) {
    // The end of a pipe is left to its reader (read_stream), which counts the closed streams.
    if ((fds[i].revents & POLLIN) != 0) read_available(env, s, is_stdout[i]);
  }
}

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

void end(const std::shared_ptr<Env>& self, State& s, const nlohmann::json& payload,
         Deferred& deferred, bool quiet) {
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

}  // namespace emu::lambda::environment
