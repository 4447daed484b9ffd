// Timestamps as AWS writes and reads them: ISO 8601 in UTC with milliseconds, in the two
// spellings AWS uses ("2026-12-07T10:01:00.000Z" in query-protocol XML, Smithy's date-time
// format; "2026-12-07T10:01:00.000+0000" in Lambda's LastModified and CloudWatch's
// StateReasonData), and parsing of what clients send (ISO 8601 with or without fraction and
// offset, or epoch seconds as the JSON protocols send them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace emu {

// "2026-12-07T10:01:00.000Z"
std::string iso8601_z(std::int64_t epoch_ms);
// "2026-12-07T10:01:00.000+0000"
std::string iso8601_offset(std::int64_t epoch_ms);

// Epoch milliseconds of "2026-12-07T10:01:00Z", "2026-12-07T10:01:00.123+01:00",
// "2026-12-07T10:01:00" (UTC), "2026-12-07", or a number of epoch seconds ("1796637660.5").
// None when it is none of these.
std::optional<std::int64_t> parse_timestamp(std::string_view text);

}  // namespace emu
