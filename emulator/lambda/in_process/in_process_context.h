// The Context a handler gets when it runs inside the emulator: the invoked version's own
// environment (not the process's), its deadline, and logging into the emulator's output.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "emulator/lambda/model/function_version.h"
#include "runtime/handler.h"

namespace emu::lambda {

class InProcessContext final : public lambda_runtime::Context {
 public:
  using Clock = std::chrono::steady_clock;

  // Receives each line the function logs, besides the emulator's output.
  using LogSink = std::function<void(std::string_view line)>;

  // `version` must outlive the context (the invocation holds it).
  InProcessContext(const FunctionVersion& version, std::string request_id,
                   std::string invoked_arn, Clock::time_point deadline, LogSink sink = {})
      : version_(version),
        request_id_(std::move(request_id)),
        invoked_arn_(std::move(invoked_arn)),
        deadline_(deadline),
        sink_(std::move(sink)) {}

  std::string_view aws_request_id() const override { return request_id_; }
  std::string_view function_name() const override { return version_.function_name; }
  std::string_view function_version() const override { return version_.version; }
  std::string_view invoked_function_arn() const override { return invoked_arn_; }
  int memory_limit_mb() const override { return version_.memory_mb; }
  std::chrono::milliseconds remaining_time() const override;
  std::optional<std::string> env(std::string_view name) const override;
  void log(std::string_view line) const override;

 private:
  const FunctionVersion& version_;
  std::string request_id_;
  std::string invoked_arn_;
  Clock::time_point deadline_;
  LogSink sink_;
};

}  // namespace emu::lambda
