#include "emulator/cli/watch_command.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

#include "emulator/cli/options.h"

namespace emu::cli {
namespace {

// Set by the signal handler only; read by StopSignals.
volatile std::sig_atomic_t g_stop_requested = 0;
struct sigaction g_previous_int {};
struct sigaction g_previous_term {};

extern "C" void on_stop_signal(int) { g_stop_requested = 1; }

// Sleeps are cut into slices this long so that a stop is noticed quickly.
constexpr std::chrono::milliseconds kSleepSlice{20};
constexpr std::size_t kWatchedDeployments = 5;

std::string scale_text(double scale) {
  std::ostringstream text;
  text << scale;
  return text.str();
}

std::vector<std::string> header(const WatchOptions& options, const StatusSnapshot& status,
                                bool live) {
  std::string line = "emulator watch · " + options.endpoint.url + " · virtual time " +
                     format_duration(status.now) + " (time scale " + scale_text(status.time_scale) +
                     ")";
  if (live) line += " · Ctrl-C to stop";
  return {line};
}

// The terminal's height in lines, less one for the cursor's line; 0 when unknown (no limit).
std::size_t terminal_rows() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_row < 2) return 0;
  return static_cast<std::size_t>(size.ws_row) - 1;
}

}  // namespace

StopSignals::StopSignals() {
  g_stop_requested = 0;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked call returns early and the flag is seen
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

bool StopSignals::requested() const { return g_stop_requested != 0; }

bool StopSignals::sleep_for(std::chrono::milliseconds duration) const {
  auto deadline = std::chrono::steady_clock::now() + duration;
  while (!requested()) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::milliseconds(0)) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, kSleepSlice));
  }
  return false;
}

std::string watch_usage() {
  return R"(usage: emulator watch [--endpoint URL] [--once]

Shows a running emulator's deployments (the newest five) and every alias, live: per deployment
its function, id, configuration, versions and lifecycle events, the alias weights, a progress
bar to the next traffic shift and the observed split of real invocations per version. On a
terminal the view is redrawn in place until Ctrl-C; otherwise one line per change is printed.

  --endpoint URL   the emulator's --aws-port endpoint (default http://127.0.0.1:3001)
  --once           print the view once, as plain text, and exit
  --help           this text
)";
}

Result<WatchOptions> parse_watch_options(const std::vector<std::string>& arguments) {
  WatchOptions options;
  std::string endpoint = kDefaultControlEndpoint;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    if (argument == "--help" || argument == "-h") {
      options.help = true;
    } else if (argument == "--once") {
      options.once = true;
    } else if (argument == "--endpoint") {
      auto text = flag_value(arguments, i, "--endpoint");
      if (!text.ok()) return text.error();
      endpoint = text.value();
    } else if (!argument.empty() && argument[0] == '-') {
      return usage_error("unknown option " + argument);
    } else {
      return usage_error("unexpected argument " + argument);
    }
  }
  auto parsed = parse_endpoint(endpoint);
  if (!parsed.ok()) return parsed.error();
  options.endpoint = std::move(parsed).value();
  return options;
}

Result<StatusSnapshot> fetch_status(const ControlClient& client) {
  auto response = client.get_json("/emulator/status", kStatusTimeout);
  if (!response.ok()) return response.error();
  if (response->status != 200) {
    std::string message = response->body.is_object()
                              ? response->body.value("Message", response->body.value("message", ""))
                              : "";
    return Error{"BadResponse", client.endpoint().url + "/emulator/status answered " +
                                    std::to_string(response->status) +
                                    (message.empty() ? "" : ": " + message) +
                                    " (is --endpoint the emulator's --aws-port?)"};
  }
  return parse_status(response->body);
}

int run_watch(const WatchOptions& options, std::ostream& out, std::ostream& err, bool terminal) {
  ControlClient client(options.endpoint);
  ViewScope scope;
  scope.newest = kWatchedDeployments;
  scope.all_aliases = true;

  auto first = fetch_status(client);
  if (!first.ok()) {
    err << "emulator watch: " << first.error().message << "\n";
    return 1;
  }
  if (options.once) {
    for (const auto& line :
         render_frame(first.value(), scope, {}, header(options, first.value(), false)))
      out << line << "\n";
    return 0;
  }

  StopSignals stop;
  std::optional<StatusSnapshot> previous;
  ShiftMarks marks;
  Result<StatusSnapshot> status = std::move(first);
  int failures = 0;
  int exit_code = 0;
  if (terminal)
    out << "\x1b[?25l\x1b[2J";  // hide the cursor while redrawing; clear once
  else
    out << "Watching " << options.endpoint.url << " (one line per change; Ctrl-C to stop)\n";
  while (!stop.requested()) {
    if (status.ok()) {
      failures = 0;
      const StatusSnapshot* before = previous ? &*previous : nullptr;
      update_shift_marks(before, status.value(), marks);
      if (terminal) {
        scope.max_lines = terminal_rows();  // read again each time: the terminal may be resized
        out << to_screen(
            render_frame(status.value(), scope, marks, header(options, status.value(), true)));
      } else {
        for (const auto& line : render_changes(before, status.value(), scope)) out << line << "\n";
      }
      out.flush();
      previous = std::move(status).value();
    } else if (++failures >= kStatusAttempts) {
      if (terminal) out << "\n";
      err << "emulator watch: lost the emulator: " << status.error().message << "\n";
      exit_code = 1;
      break;
    }
    if (!stop.sleep_for(kStatusPollInterval)) break;
    status = fetch_status(client);
  }
  if (terminal) out << "\x1b[?25h";
  out.flush();
  return exit_code;
}

}  // namespace emu::cli
