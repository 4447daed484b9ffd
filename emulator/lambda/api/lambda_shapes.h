// The Lambda API's response shapes as JSON (botocore model `lambda` 2015-03-31:
// FunctionConfiguration, AliasConfiguration, GetFunctionResponse).
#pragma once

#include <nlohmann/json.hpp>

#include "emulator/lambda/model/lambda_function.h"

namespace emu::lambda {

// FunctionConfiguration of `version`. `qualified_arn`: FunctionArn ends in ":<version>" (as
// ListVersionsByFunction and published versions show it); $LATEST elsewhere is unqualified.
nlohmann::json function_configuration(const LambdaFunction& function,
                                      const FunctionVersion& version, bool qualified_arn);

nlohmann::json alias_configuration(const LambdaFunction& function, const Alias& alias);

}  // namespace emu::lambda
