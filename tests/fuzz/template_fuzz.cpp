// Fuzz target: template text -> load_stack_from_string (YAML with short-form tags, parameters,
// conditions, intrinsics, Globals, resources) (docs/testing.md). Bad input must give an Error
// with a message, never a crash, a hang or unbounded memory.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "emulator/template/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  emu::tmpl::LoadOptions options;
  options.stack_name = "fuzz";
  options.parameter_overrides = {{"Stage", "dev"}};
  auto stack = emu::tmpl::load_stack_from_string(text, "fuzz.yaml", options);
  if (!stack.ok() && stack.error().message.empty()) std::abort();
  return 0;
}
