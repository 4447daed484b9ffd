// `emulator watch [--endpoint URL] [--once]` (docs/cli.md): shows the running emulator's
// deployments (the newest few) and every alias with its weights and observed traffic, polling
// GET /emulator/status. On a terminal the view is redrawn in place until Ctrl-C; otherwise one
// plain line per change is printed. --once prints the view once, as plain text, and exits.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

#include "emulator/cli/control_client.h"
#include "emulator/cli/deployment_view.h"
#include "emulator/core/result.h"

namespace emu::cli {

// How often the commands poll the status, and how long one status request may take (real time).
inline constexpr std::chrono::milliseconds kStatusPollInterval{200};
inline constexpr std::chrono::milliseconds kStatusTimeout{5000};
// Consecutive failed status requests after which a command gives up (about 2 s when refused).
inline constexpr int kStatusAttempts = 10;

struct WatchOptions {
  ControlEndpoint endpoint;  // parsed from --endpoint (default kDefaultControlEndpoint)
  bool once = false;
  bool help = false;
};

// Parses the arguments after "watch". An Error (code "UsageError") has a one-line reason; the
// caller prints it with watch_usage() and exits 2.
Result<WatchOptions> parse_watch_options(const std::vector<std::string>& arguments);
std::string watch_usage();

// Runs the command; `terminal` says whether `out` is a terminal (redrawn view) or not (plain
// lines). Returns the exit code: 0 when stopped by SIGINT / SIGTERM or after --once, 1 when the
// emulator cannot be reached or answers unexpectedly.
int run_watch(const WatchOptions& options, std::ostream& out, std::ostream& err, bool terminal);

// One GET /emulator/status, decoded. Errors: the client's, or "BadResponse" when the answer is
// not a 200 status (e.g. --endpoint names the API Gateway port) or does not decode.
Result<StatusSnapshot> fetch_status(const ControlClient& client);

// While an instance lives, SIGINT and SIGTERM only set a flag, so that a polling loop can stop
// cleanly (restore the cursor, say where it stopped); the previous handlers come back on
// destruction. One instance at a time, on the main thread.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  bool requested() const;
  // Sleeps for `duration` or until a stop is requested; false when one was.
  bool sleep_for(std::chrono::milliseconds duration) const;
};

}  // namespace emu::cli
