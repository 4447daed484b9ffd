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
  return " Runtime " + runtime + " is not run by this emulator yet: it runs C++ handlers built "
         "into it (in-process mode) and the `bootstrap` programs of provided.al2023 and "
         "provided.al2 functions (--invoke-mode runtime-api); see docs/runtime-api.md.";
}

}  // namespace emu::lambda
