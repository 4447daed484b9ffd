#include "emulator/lambda/in_process/builtin_code.h"

#include "emulator/core/base64.h"
#include "emulator/core/sha256.h"

namespace emu::lambda {

CodeResolver builtin_code_resolver(lambda_runtime::HandlerRegistry handlers) {
  return [handlers](const tmpl::Stack&, const tmpl::FunctionSpec& spec) -> Result<CodeIdentity> {
    CodeIdentity code;
    code.package = package_name(spec.code_uri);
    const auto* builtin = lambda_runtime::find_handler(handlers, code.package);
    if (builtin == nullptr) {
      return Error{"TemplateError",
                   spec.code_uri_where.to_string() + ": Resources." + spec.logical_id +
                       ".Properties.CodeUri: no handler named \"" + code.package + "\" (from \"" +
                       spec.code_uri + "\") is built into this emulator. In-process mode runs " +
                       "the handler whose name is CodeUri's file name without .zip; built in: " +
                       lambda_runtime::handler_names(handlers) + ". To run the package itself, " +
                       "leave --invoke-mode at its default (auto)."};
    }
    code.handler = builtin->handler;
    // The code is the emulator's own, so its identity is the handler's name.
    auto digest = sha256("in-process:" + code.package);
    code.code_sha256 = base64::encode(bytes_of(digest));
    code.code_size = static_cast<long long>(code.package.size());
    return code;
  };
}

}  // namespace emu::lambda
