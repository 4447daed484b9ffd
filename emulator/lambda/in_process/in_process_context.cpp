#include "emulator/lambda/in_process/in_process_context.h"

#include "emulator/core/log.h"
#include "emulator/lambda/invocation_log.h"

namespace emu::lambda {

std::chrono::milliseconds InProcessContext::remaining_time() const {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

std::optional<std::string> InProcessContext::env(std::string_view name) const {
  auto it = version_.runtime_environment.find(std::string(name));
  if (it == version_.runtime_environment.end()) return std::nullopt;
  return it->second;
}

void InProcessContext::log(std::string_view line) const {
  emu::log::info(function_line(version_, line));
  if (version_.output_tap) (*version_.output_tap)(version_, line);
  if (sink_) sink_(line);
}

}  // namespace emu::lambda
