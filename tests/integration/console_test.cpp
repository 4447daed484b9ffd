// The console (docs/console.md) in a real browser: Debian's headless Chromium, driven over the
// DevTools protocol (headless_chromium.h), loads the page from the URL the emulator prints, sees
// the functions, starts a deployment from the page, follows the canary to 100 % in the numbers and
// the chart, opens an invocation's log, and sees a failing hook roll a deployment back; stops a
// deployment and forces an alarm from the page; reconnects to a restarted emulator. The
// screenshots are kept in build/test-artifacts/.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <memory>
#include <thread>

#include "aws_cli.h"
#include "headless_chromium.h"
#include "http_client.h"
#include "templates.h"

namespace {

using namespace std::chrono_literals;

std::string console_url(it::EmulatorProcess& emulator) {
  auto line = emulator.child().wait_for_stdout_line("Console: ", 2s);
  REQUIRE(line);
  auto url = line->substr(line->find("Console: ") + 9);
  while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
  return url;
}

std::string artifact(const std::string& name) {
  return std::string(TEST_ARTIFACTS_DIR) + "/" + name;
}

// GET /whodis every 20 ms while alive, so the chart has invocations to show.
class Traffic {
 public:
  explicit Traffic(std::string url)
      : thread_([this, url = std::move(url)] {
          while (!stop_) {
            it::get(url);
            std::this_thread::sleep_for(20ms);
          }
        }) {}
  ~Traffic() {
    stop_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// JavaScript: the deployment card of the function whose name contains `function`, newest first.
std::string card(const std::string& function) {
  return "[...document.querySelectorAll('#deployments [data-deployment]')].find(d => "
         "d.textContent.includes('" + function + "'))";
}

void deploy_from_page(it::HeadlessChromium& browser, const std::string& overrides) {
  browser.evaluate("document.getElementById('overrides').value = '" + overrides +
                   "'; document.getElementById('deploy').click(); true");
}

}  // namespace

TEST_CASE("console: the browser follows a canary to 100 % and a failing hook's rollback") {
  DEFAULT_PASS_ONLY();
  REQUIRE_MESSAGE(it::HeadlessChromium::available(),
                  "Debian's chromium is needed for the console's browser tests (setup.sh "
                  "installs it)");
  it::EmulatorProcess emulator(it::seed_template(), {"--time-scale", "60", "--seed", "1"});
  const std::string url = console_url(emulator);
  CHECK(url.find("/console/#token=") != std::string::npos);

  it::HeadlessChromium browser(1280, 800);
  browser.navigate(url);
  REQUIRE(browser.wait_until("document.getElementById('connection').textContent === 'live'", 10s));
  // Every function of the template, with its alias at 100 % on version 1.
  REQUIRE(browser.wait_until("document.querySelector('[data-function=\"WhoDisFunction\"]') && "
                             "document.querySelector('[data-function=\"OleOleOleFunction\"]')",
                             5s));
  CHECK(browser.evaluate("document.querySelector('[data-function=\"WhoDisFunction\"] "
                         "[data-alias=\"live\"] .weights').getAttribute('aria-label')") ==
        "Alias live weights: version 1 100%");
  CHECK(browser.evaluate("document.getElementById('deploy').disabled") == false);

  Traffic traffic(emulator.url("/whodis"));
  // Deploy v2 from the page: whodis shifts 10 % for 5 virtual minutes (5 s at time scale 60).
  deploy_from_page(browser, "AppVersion=v2");
  REQUIRE(browser.wait_until(card("WhoDisFunction") + "?.dataset.status === 'InProgress' && " +
                                 card("WhoDisFunction") +
                                 ".querySelector('[role=progressbar]').getAttribute("
                                 "'aria-valuenow') === '10'",
                             10s));
  // The chart draws version 2's configured weight, and dots for what ran.
  REQUIRE(browser.wait_until("document.querySelector('#chart path[data-version=\"2\"]') && "
                             "document.querySelectorAll('#chart circle').length > 0",
                             5s));
  browser.screenshot(artifact("console-canary.png"));
  REQUIRE(browser.wait_until(card("WhoDisFunction") + "?.dataset.status === 'Succeeded'", 20s));
  REQUIRE(browser.wait_until("document.getElementById('chart-now').textContent"
                             ".startsWith('Configured: v2 100%')",
                             5s));
  CHECK(browser.evaluate(card("WhoDisFunction") +
                         ".querySelector('[role=progressbar]').getAttribute('aria-valuenow')") ==
        "100");
  CHECK(browser.evaluate("document.querySelector('[data-function=\"WhoDisFunction\"] "
                         "[data-alias=\"live\"] .weights').getAttribute('aria-label')") ==
        "Alias live weights: version 2 100%");
  // Observed: the last samples' dots sit on version 2 (all of /whodis runs it now).
  REQUIRE(browser.wait_until("document.getElementById('chart-now').textContent"
                             ".includes('observed over the last 10 s: v2')",
                             15s));

  // An invocation's log lines, on click.
  REQUIRE(browser.wait_until("document.querySelectorAll('#invocations tbody tr').length > 0", 5s));
  browser.evaluate("document.querySelector('#invocations tbody tr').click(); true");
  REQUIRE(browser.wait_until("document.getElementById('log-dialog').open && "
                             "document.getElementById('log-text').textContent"
                             ".includes('START RequestId')",
                             5s));
  CHECK(browser.evaluate("document.getElementById('log-meta').textContent.includes('GET /whodis')") ==
        true);
  browser.screenshot(artifact("console-log.png"));
  browser.evaluate("document.getElementById('log-dialog').close(); true");

  // Every deployment over, then v3 with a post-traffic hook that fails: oleoleole rolls back.
  REQUIRE(browser.wait_until("![...document.querySelectorAll('#deployments [data-deployment]')]"
                             ".some(d => ['InProgress', 'Created'].includes(d.dataset.status))",
                             20s));
  deploy_from_page(browser, "AppVersion=v3 PostTrafficHookResult=Failed");
  REQUIRE(browser.wait_until("[...document.querySelectorAll('#deployments [data-deployment]')]"
                             ".some(d => d.dataset.status === 'Failed' && "
                             "d.textContent.includes('HOOK_EXECUTION_FAILURE') && "
                             "d.textContent.includes('Rolled back by d-'))",
                             20s));
  REQUIRE(browser.wait_until("[...document.querySelectorAll('#deployments [data-deployment]')]"
                             ".some(d => d.textContent.includes('rollback') && "
                             "d.dataset.status === 'Succeeded')",
                             20s));
  CHECK(browser.evaluate("document.querySelector('[data-event=\"AfterAllowTraffic\"].s-Failed') "
                         "!== null") == true);
  browser.screenshot(artifact("console-rollback.png"));

  // A narrow window: one column, nothing wider than the window.
  browser.set_viewport(480, 900);
  REQUIRE(browser.wait_until("document.documentElement.scrollWidth <= window.innerWidth", 3s));
  browser.screenshot(artifact("console-narrow.png"));
}

TEST_CASE("console: without the token in its URL the page is read-only") {
  DEFAULT_PASS_ONLY();
  REQUIRE(it::HeadlessChromium::available());
  it::EmulatorProcess emulator(it::seed_template());
  std::string url = console_url(emulator);
  url = url.substr(0, url.find('#'));
  it::HeadlessChromium browser(1280, 800);
  browser.navigate(url);
  REQUIRE(browser.wait_until("document.querySelector('[data-function=\"WhoDisFunction\"]')", 10s));
  CHECK(browser.evaluate("document.getElementById('deploy').disabled") == true);
  CHECK(browser.evaluate("document.getElementById('banner').textContent.includes('Read-only')") ==
        true);
  // A deploy forced through anyway (the button re-enabled by hand) is refused by the emulator.
  browser.evaluate("document.getElementById('deploy').disabled = false; true");
  deploy_from_page(browser, "AppVersion=v2");
  REQUIRE(browser.wait_until("document.getElementById('deploy-result').textContent"
                             ".includes('per-run token')",
                             5s));
  CHECK(it::get(emulator.url("/whodis")).body.find("v1") != std::string::npos);
}

namespace {

// A port free now (bound, read, released): for an emulator that must come back on the same ports.
std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// The emulator on the seed template at fixed ports, ready once "API Gateway listening" is printed.
std::unique_ptr<it::ChildProcess> emulator_on(std::uint16_t port, std::uint16_t aws_port) {
  auto child = std::make_unique<it::ChildProcess>(
      EMULATOR_BINARY, std::vector<std::string>{it::seed_template(), "--port", std::to_string(port),
                                                "--aws-port", std::to_string(aws_port)});
  REQUIRE(child->wait_for_stdout_line("API Gateway listening", 10s));
  return child;
}

}  // namespace

TEST_CASE("console: stop a canary from the page, and force its alarm to roll the next one back") {
  DEFAULT_PASS_ONLY();
  REQUIRE(it::HeadlessChromium::available());
  // Real time: whodis's canary holds 10 % for 5 minutes, long enough to act on it.
  it::EmulatorProcess emulator(it::seed_template());
  it::HeadlessChromium browser(1280, 800);
  browser.navigate(console_url(emulator));
  REQUIRE(browser.wait_until("document.querySelector('[data-function=\"WhoDisFunction\"]')", 10s));

  deploy_from_page(browser, "AppVersion=v2");
  REQUIRE(browser.wait_until(card("WhoDisFunction") + "?.dataset.status === 'InProgress'", 10s));
  browser.evaluate("[...document.querySelectorAll('button')].find(b => b.getAttribute("
                   "'aria-label')?.startsWith('Stop ') && !b.getAttribute('aria-label')"
                   ".endsWith('roll back') && b.closest('[data-deployment]').textContent"
                   ".includes('WhoDisFunction')).click(); true");
  REQUIRE(browser.wait_until(card("WhoDisFunction") + "?.dataset.status === 'Stopped' && " +
                                 card("WhoDisFunction") + ".textContent.includes('MANUAL_STOP')",
                             10s));

  // The next canary, and its alarm forced from the page: stopped with ALARM_ACTIVE, rolled back.
  REQUIRE(browser.wait_until("![...document.querySelectorAll('#deployments [data-deployment]')]"
                             ".some(d => ['InProgress', 'Created'].includes(d.dataset.status))",
                             20s));
  deploy_from_page(browser, "AppVersion=v3");
  REQUIRE(browser.wait_until(card("WhoDisFunction") + "?.dataset.status === 'InProgress'", 10s));
  CHECK(browser.evaluate(card("WhoDisFunction") + ".textContent.includes('Alarms: ')") == true);
  browser.evaluate("document.querySelector('[data-alarm] button[aria-label$=\"to ALARM\"]')"
                   ".click(); true");
  REQUIRE(browser.wait_until("[...document.querySelectorAll('#deployments [data-deployment]')]"
                             ".some(d => d.textContent.includes('ALARM_ACTIVE') && "
                             "d.textContent.includes('Rolled back by d-'))",
                             10s));
  CHECK(browser.wait_until("document.querySelector('[data-alarm] .s-ALARM') !== null", 5s));
  browser.screenshot(artifact("console-alarm.png"));
}

TEST_CASE("console: the page reconnects to a restarted emulator and says its token changed") {
  DEFAULT_PASS_ONLY();
  REQUIRE(it::HeadlessChromium::available());
  const auto port = free_port(), aws_port = free_port();
  auto first = emulator_on(port, aws_port);
  auto line = first->wait_for_stdout_line("Console: ", 2s);
  REQUIRE(line);
  std::string url = line->substr(line->find("Console: ") + 9);
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.back()))) url.pop_back();
  it::HeadlessChromium browser(1280, 800);
  browser.navigate(url);
  REQUIRE(browser.wait_until("document.getElementById('connection').textContent === 'live'", 10s));
  first->stop();
  REQUIRE(browser.wait_until("document.getElementById('connection').textContent === "
                             "'reconnecting…'",
                             10s));
  auto second = emulator_on(port, aws_port);
  REQUIRE(browser.wait_until("document.getElementById('connection').textContent === 'live'", 10s));
  CHECK(browser.wait_until("document.getElementById('banner').textContent.includes('restarted')",
                           5s));
  CHECK(browser.evaluate("document.querySelector('[data-function=\"WhoDisFunction\"]') !== null") ==
        true);
}
