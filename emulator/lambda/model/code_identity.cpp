#include "emulator/lambda/model/code_identity.h"

namespace emu::lambda {

std::string package_name(const std::string& code_uri) {
  std::string name = code_uri;
  while (!name.empty() && name.back() == '/') name.pop_back();
  if (auto slash = name.rfind('/'); slash != std::string::npos) name.erase(0, slash + 1);
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".zip") == 0) name.resize(name.size() - 4);
  return name;
}

std::string runtime_support_note(const std::string& runtime) {
  if (runtime.empty() || runtime.starts_with("provided")) return "";
  if (runtime.starts_with("python3") || runtime.starts_with("nodejs"))
    return " Runtime " + runtime + " runs through the emulator's own runtime loop, with no " +
           "`bootstrap`: leave --invoke-mode at its default (auto); see docs/runtimes.md.";
  return " Runtime " + runtime + " is not run by this emulator: it runs python3.x, nodejs18.x " +
         "and later, the `bootstrap` programs of provided.al2023 and provided.al2 functions, " +
         "and C++ handlers built into it; see docs/runtimes.md.";
}

}  // namespace emu::lambda
