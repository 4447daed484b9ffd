// Lambda's invocation payload quotas (AWS Lambda developer guide, "Lambda quotas"): 6 MB for
// synchronous invocation requests and responses, 1 MB for asynchronous (Event) requests. API
// Gateway, the Lambda API and both invokers apply them.
#pragma once

#include <cstddef>

namespace emu::lambda {

inline constexpr std::size_t kSyncPayloadLimit = 6 * 1024 * 1024;
inline constexpr std::size_t kAsyncPayloadLimit = 1024 * 1024;

}  // namespace emu::lambda
