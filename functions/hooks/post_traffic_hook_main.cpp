// The post-traffic-hook function as a standalone `bootstrap` program for the Lambda Runtime API
// (provided.al2023): the same handler the emulator runs in process, inside the runtime loop.
// Packaged by functions/package.sh into build/package/post-traffic-hook.zip.
#include "hooks/traffic_hooks.h"
#include "runtime/runtime_api_loop.h"

int main() { return lambda_runtime::run(functions::post_traffic_hook_handler); }
