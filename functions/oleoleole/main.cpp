// The oleoleole function as a standalone `bootstrap` program for the Lambda Runtime API
// (provided.al2023): the same handler the emulator runs in process, inside the runtime loop.
// Packaged by functions/package.sh into build/package/oleoleole.zip.
#include "oleoleole/oleoleole.h"
#include "runtime/runtime_api_loop.h"

int main() { return lambda_runtime::run(functions::oleoleole_handler); }
