// The whodis function as a standalone `bootstrap` program for the Lambda Runtime API
// (provided.al2023): the same handler the emulator runs in process, inside the runtime loop.
// Packaged by functions/package.sh into build/package/whodis.zip.
#include "runtime/runtime_api_loop.h"
#include "whodis/whodis.h"

int main() { return lambda_runtime::run(functions::whodis_handler); }
