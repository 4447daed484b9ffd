// FakeContext: a lambda_runtime::Context for handler tests. Its environment is a map, its log a
// vector of lines, its remaining time a fixed value. Like every Context, used by one thread at a
// time.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/handler.h"

namespace test_support {

class FakeContext final : public lambda_runtime::Context {
 public:
  explicit FakeContext(std::map<std::string, std::string, std::less<>> env,
                       std::chrono::milliseconds remaining = std::chrono::seconds(60))
      : env_(std::move(env)), remaining_(remaining) {}

  std::string_view aws_request_id() const override {
    return "00000000-0000-0000-0000-000000000000";
  }
  std::string_view function_name() const override { return "test-function"; }
  std::string_view function_version() const override { return "1"; }
  std::string_view invoked_function_arn() const override {
    return "arn:aws:lambda:us-east-1:123456789012:function:test-function";
  }
  int memory_limit_mb() const override { return 128; }
  std::chrono::milliseconds remaining_time() const override { return remaining_; }
  std::optional<std::string> env(std::string_view name) const override {
    auto it = env_.find(name);
    if (it == env_.end()) return std::nullopt;
    return it->second;
  }
  void log(std::string_view line) const override { log_lines_.emplace_back(line); }

  const std::vector<std::string>& log_lines() const { return log_lines_; }
  // All log lines, one per line, for messages and substring checks.
  std::string log_text() const {
    std::string text;
    for (const auto& line : log_lines_) text += line + "\n";
    return text;
  }

 private:
  std::map<std::string, std::string, std::less<>> env_;
  std::chrono::milliseconds remaining_;
  mutable std::vector<std::string> log_lines_;
};

}  // namespace test_support
