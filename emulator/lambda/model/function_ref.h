// Parsing the ways the Lambda API lets a caller name a function (botocore model: FunctionName,
// NamespacedFunctionName; API reference, "Invoke": "Name formats"):
//   my-function                                  name
//   my-function:v1                               name with qualifier (version or alias)
//   123456789012:function:my-function[:v1]       partial ARN
//   arn:aws:lambda:us-west-2:123456789012:function:my-function[:v1]   full ARN
#pragma once

#include <string>
#include <string_view>

#include "emulator/core/result.h"

namespace emu::lambda {

struct FunctionRef {
  std::string name;       // the function's name (or logical id; the store accepts both)
  std::string qualifier;  // "" when none
};

// Splits `text`; `query_qualifier` is the ?Qualifier= value ("" when absent). A qualifier given
// both ways must agree, as AWS requires. Errors are InvalidParameterValueException.
Result<FunctionRef> parse_function_ref(std::string_view text, std::string_view query_qualifier);

}  // namespace emu::lambda
