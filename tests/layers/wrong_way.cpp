// Compiled as part of the test "layers: a wrong-way include fails to build": the Lambda model may
// not use API Gateway (docs/architecture.md, "Layers"), so with the model's include roots this
// include must not be found. The test passes only on that compiler error.
#include "emulator/lambda/model/function_store.h"  // allowed: the layer's own header
#include "emulator/apigateway/gateway.h"           // not allowed: must not be found
