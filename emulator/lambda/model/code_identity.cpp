#include "emulator/lambda/model/code_identity.h"

namespace emu::lambda {

std::string package_name(const std::string& code_uri) {
  std::string name = code_uri;
  while (!name.empty() && name.back() == '/') name.pop_back();
  if (auto slash = name.rfind('/'); slash != std::string::npos) name.erase(0, slash + 1);
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".zip") == 0) name.resize(name.size() - 4);
  return name;
}

}  // namespace emu::lambda
