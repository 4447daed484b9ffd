// Named factories for the Lambda API's errors (botocore model `lambda` 2015-03-31: each is an
// exception shape with Type and Message; the HTTP status comes from its "error" trait). The
// Error's code is the exception name, which the API layer sends as x-amzn-ErrorType.
#pragma once

#include <string>

#include "emulator/core/result.h"

namespace emu::lambda::errors {

// 404
inline Error resource_not_found(std::string message) {
  return Error{"ResourceNotFoundException", std::move(message)};
}
// 400
inline Error invalid_parameter(std::string message) {
  return Error{"InvalidParameterValueException", std::move(message)};
}
// 400: a value outside the API model's constraints ("1 validation error detected: ...")
inline Error validation(std::string message) {
  return Error{"ValidationException", std::move(message)};
}
// 409
inline Error resource_conflict(std::string message) {
  return Error{"ResourceConflictException", std::move(message)};
}
// 412
inline Error precondition_failed(std::string message) {
  return Error{"PreconditionFailedException", std::move(message)};
}

}  // namespace emu::lambda::errors
