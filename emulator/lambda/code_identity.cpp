#include "emulator/lambda/code_identity.h"

#include "emulator/core/base64.h"
#include "emulator/core/sha256.h"
#include "registry.h"

namespace emu::lambda {
namespace {

std::string known_handlers() {
  std::string names;
  for (const auto& entry : functions::builtin_handlers()) {
    if (!names.empty()) names += ", ";
    names += entry.name;
  }
  return names;
}

}  // namespace

std::string package_name(const std::string& code_uri) {
  std::string name = code_uri;
  while (!name.empty() && name.back() == '/') name.pop_back();
  if (auto slash = name.rfind('/'); slash != std::string::npos) name.erase(0, slash + 1);
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".zip") == 0) name.resize(name.size() - 4);
  return name;
}

Result<CodeIdentity> builtin_code(const tmpl::Stack&, const tmpl::FunctionSpec& spec) {
  CodeIdentity code;
  code.package = package_name(spec.code_uri);
  const auto* builtin = functions::find_builtin_handler(code.package);
  if (builtin == nullptr) {
    return Error{"TemplateError",
                 spec.code_uri_where.to_string() + ": Resources." + spec.logical_id +
                     ".Properties.CodeUri: no handler named \"" + code.package + "\" (from \"" +
                     spec.code_uri + "\") is built into this emulator. In-process mode runs " +
                     "the handler whose name is CodeUri's file name without .zip; built in: " +
                     known_handlers() + ". To run the package itself, use --invoke-mode " +
                     "runtime-api."};
  }
  code.handler = builtin->handler;
  // The code is the emulator's own, so its identity is the handler's name.
  auto digest = sha256("in-process:" + code.package);
  code.code_sha256 = base64::encode(bytes_of(digest));
  code.code_size = static_cast<long long>(code.package.size());
  return code;
}

}  // namespace emu::lambda
