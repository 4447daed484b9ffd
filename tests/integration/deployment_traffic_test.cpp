// Traffic under a deployment: 64 keep-alive connections (one thread and one socket each) call
// /linear without pause while a Linear10PercentEvery1Minute deployment moves LinearFunction's
// alias from version 1 (v1) to version 2 (v2) between a pre- and a post-traffic hook
// (tests/templates/linear-hooks.yaml). --time-scale 40 plays each 1-minute step in 1.5 s.
//
// Which split a response should follow comes from the emulator itself, not from guessed times: a
// poller reads GET /emulator/status back to back and records, for each call, the real times it was
// sent and answered, the alias's weights and the deployment's record. Weights only rise during a
// deployment, so a weight w seen by two polls was in force from the first one's answer to the
// second one's sending; a request sent and answered within that span was routed with weight w.
// Requests that straddle a change are not judged. The schedule itself (nextWeight, nextShiftAt and
// the virtual clock `now` of each poll) is checked against the linear timeline.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <functional>
#include <latch>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "aws_cli.h"
#include "emulator_process.h"
#include "http_client.h"
#include "keep_alive_connection.h"
#include "templates.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kConnections = 64;
// Virtual seconds per real second: 1.5 s steps in process; 4 s steps in Runtime API mode, whose
// throughput on a loaded 2-core machine is a tenth of in-process's, so every step still gets its
// hundred judged responses.
int time_scale() { return it::runtime_api_mode() ? 15 : 40; }
constexpr std::int64_t kIntervalMs = 60'000;  // Linear10PercentEvery1Minute: one step a minute
constexpr int kSteps = 10;                    // 10 %, 20 %, ... 100 %
// A weight still in force this long (virtual) after its scheduled end means the deployment is not
// shifting on time; half a step (0.75 s of real time) is far beyond any timer's lateness.
constexpr std::int64_t kLatenessMs = kIntervalMs / 2;
// Binomial tolerance: |observed - n w| <= kZ standard deviations (+1 for small n). The chance that
// a correct emulator falls outside it is about 1e-8 per step.
constexpr double kZ = 5.7;
constexpr std::size_t kJudgedPerStep = 100;  // a step is "measured" from this many responses

constexpr const char* kFunction = "LinearFunction";
constexpr const char* kOldVersion = "1";
constexpr const char* kNewVersion = "2";
constexpr const char* kRequest = "GET /linear HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

std::string body_of(const char* app_version) {
  return std::string(R"({"message":"Feelin' hot hot hot!","version":")") + app_version +
         R"(","location":"127.0.0.1"})";
}

// One answered request.
struct Sample {
  TimePoint sent;
  TimePoint received;
  int version;  // 1 or 2: whose body it is (anything else is a failure, recorded apart)
};

// What one connection saw.
struct ConnectionLog {
  std::vector<Sample> samples;
  std::vector<std::string> failures;  // transport errors, non-2xx, foreign bodies
  int non_2xx = 0;
  int foreign_bodies = 0;
};

// One GET /emulator/status.
struct Poll {
  TimePoint sent;
  TimePoint received;
  double weight = 0;        // the new version's share of the alias (the routing in force)
  std::int64_t now_ms = 0;  // the emulator's virtual clock, read after the weights
  json deployment;          // the deployment's record, or null before the deploy
};

void run_connection(std::uint16_t port, std::latch& start, const std::atomic<bool>& stop,
                    ConnectionLog& log) {
  const std::string v1 = body_of("v1");
  const std::string v2 = body_of("v2");
  std::optional<it::KeepAliveConnection> connection;
  auto fail = [&](std::string what) {
    if (log.failures.size() < 5)
      log.failures.push_back(std::move(what));
    else
      log.failures.emplace_back();  // counted, not kept in full
  };
  try {
    connection.emplace(port);
  } catch (const std::exception& error) {
    fail(std::string("connect: ") + error.what());
  }
  start.arrive_and_wait();
  while (connection && !stop.load(std::memory_order_relaxed)) {
    Sample sample;
    sample.sent = Clock::now();
    it::WireResponse response;
    try {
      connection->send(kRequest);
      response = connection->read_response(seconds(15));
    } catch (const std::exception& error) {
      fail(std::string("request ") + std::to_string(log.samples.size() + 1) + ": " + error.what());
      return;  // one connection per thread: a lost connection ends its traffic, and fails the test
    }
    sample.received = Clock::now();
    if (response.status < 200 || response.status > 299) {
      ++log.non_2xx;
      fail(response.status_line + " " + response.body);
    } else if (response.body == v1) {
      sample.version = 1;
      log.samples.push_back(sample);
    } else if (response.body == v2) {
      sample.version = 2;
      log.samples.push_back(sample);
    } else {
      ++log.foreign_bodies;
      fail("a body from neither version: " + response.body);
    }
    if (response.closes()) {
      fail("the server closed the keep-alive connection after request " +
           std::to_string(log.samples.size()) + ": " + response.status_line);
      return;
    }
  }
}

std::optional<Poll> poll_status(const std::string& url) {
  Poll poll;
  poll.sent = Clock::now();
  it::HttpResponse response;
  try {
    response = it::request("GET", url, {}, {}, seconds(10));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  poll.received = Clock::now();
  if (response.status != 200) return std::nullopt;
  auto body = json::parse(response.body, nullptr, false);
  if (!body.is_object()) return std::nullopt;
  poll.now_ms = body.value("now", std::int64_t{0});
  for (const auto& alias : body["aliases"])
    if (alias.value("logicalId", "") == kFunction)
      poll.weight = alias["weights"].value(kNewVersion, 0.0);
  // The deployment the test started (a failed one would be followed by its rollback deployment).
  for (const auto& deployment : body["deployments"])
    if (deployment.value("creator", "") == "user" && poll.deployment.is_null())
      poll.deployment = deployment;
  return poll;
}

bool finished(const json& deployment) {
  if (!deployment.is_object()) return false;
  auto status = deployment.value("status", "");
  return status == "Succeeded" || status == "Failed" || status == "Stopped";
}

// The step (0..10) of a weight that must be a multiple of 10 %; -1 when it is not.
int step_of(double weight) {
  double tenths = weight * kSteps;
  int step = static_cast<int>(std::lround(tenths));
  return std::abs(tenths - step) < 1e-6 ? step : -1;
}

std::string event_status(const json& deployment, std::size_t index) {
  if (!deployment.is_object() || !deployment.contains("events") ||
      deployment["events"].size() <= index)
    return "";
  return deployment["events"][index].value("status", "");
}

struct Tally {
  std::size_t judged = 0;
  std::size_t new_version = 0;
};

// The lines of `text` that contain `needle` (the emulator's log without its access lines).
std::string lines_with(const std::string& text, const std::string& needle) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.find(needle) != std::string::npos) out += "\n  " + line;
  return out;
}

// Stops the traffic and the poller and joins their threads, however the test case is left (a
// failed REQUIRE or an exception must not leave joinable threads behind).
struct StopAndJoin {
  std::atomic<bool>& stop;
  std::vector<std::thread>& threads;
  void operator()() {
    stop = true;
    for (auto& thread : threads)
      if (thread.joinable()) thread.join();
  }
  ~StopAndJoin() { (*this)(); }
};

std::string seconds_text(Clock::duration d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", std::chrono::duration<double>(d).count());
  return text;
}

}  // namespace

TEST_CASE(
    "64 keep-alive connections through a linear deployment with hooks: no errors, old or "
    "new version only, and a split that follows the schedule") {
  const auto test_start = Clock::now();
  it::EmulatorProcess emulator(it::test_template("linear-hooks.yaml"),
                               {"--time-scale", std::to_string(time_scale()), "--seed", "7"});
  const std::string status_url = it::aws_endpoint_of(emulator) + "/emulator/status";
  auto emulator_stderr = [&] { return "\n--- emulator stderr ---\n" + emulator.stderr_text(); };

  // The poller: GET /emulator/status back to back (10 ms apart) until the traffic stops.
  std::atomic<bool> stop{false};
  std::atomic<bool> deployment_over{false};
  std::mutex polls_mutex;
  std::vector<Poll> polls;
  std::atomic<int> failed_polls{0};
  std::vector<std::thread> threads;  // the poller and the 64 connections
  threads.reserve(kConnections + 1);
  StopAndJoin stop_and_join{stop, threads};
  threads.emplace_back([&] {
    while (!stop.load()) {
      if (auto poll = poll_status(status_url)) {
        if (finished(poll->deployment)) deployment_over = true;
        std::lock_guard lock(polls_mutex);
        polls.push_back(std::move(*poll));
      } else {
        ++failed_polls;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
  });

  std::vector<ConnectionLog> logs(kConnections);
  std::latch start(kConnections + 1);
  for (int i = 0; i < kConnections; ++i)
    threads.emplace_back(run_connection, emulator.port(), std::ref(start), std::cref(stop),
                         std::ref(logs[i]));
  start.arrive_and_wait();

  // A second of traffic on v1 alone, then the deploy.
  std::this_thread::sleep_for(seconds(1));
  json deployed;
  {
    auto response = it::request("POST", it::aws_endpoint_of(emulator) + "/emulator/deploy",
                                {{"Content-Type", "application/json"}},
                                R"({"parameterOverrides":{"AppVersion":"v2"}})", seconds(15));
    deployed = json::parse(response.body, nullptr, false);
    if (response.status != 200) {
      FAIL("POST /emulator/deploy: " << response.status << " " << response.body
                                     << emulator_stderr());
    }
  }
  std::string id;
  for (const auto& change : deployed["changes"])
    if (change.value("logicalId", "") == kFunction) {
      id = change.value("deploymentId", "");
      CHECK(change["fromVersion"] == kOldVersion);
      CHECK(change["toVersion"] == kNewVersion);
      CHECK(change["deploymentConfigName"] ==
            "CodeDeployDefault.LambdaLinear10PercentEvery1Minute");
    }

  // Nine steps of 1.5 s, the hooks, and a margin for a loaded machine (a TSan build beside three
  // fuzzers once needed more than 15 s of it); then a second of v2 alone.
  constexpr int kMarginSeconds = 45;
  const auto deadline =
      Clock::now() + seconds(kSteps * kIntervalMs / 1000 / time_scale() + kMarginSeconds);
  while (!id.empty() && !deployment_over && Clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(20));
  const bool over_in_time = deployment_over;
  if (over_in_time) std::this_thread::sleep_for(seconds(1));
  stop_and_join();
  const auto traffic_time = Clock::now() - test_start;

  REQUIRE_MESSAGE(!id.empty(),
                  "the deploy started no deployment of " << kFunction << ": " << deployed.dump());
  REQUIRE(!polls.empty());
  const json last = polls.back().deployment;
  REQUIRE_MESSAGE(over_in_time, "the deployment did not finish within its steps + " << kMarginSeconds << " s: " << last.dump(2)
                                                                              << emulator_stderr());

  // --- every response: 2xx, from v1 or v2, on the connection it started on ---
  std::size_t answered = 0, transport_failures = 0;
  int non_2xx = 0, foreign = 0;
  std::string first_failures;
  std::size_t fewest = SIZE_MAX;
  for (const auto& log : logs) {
    answered += log.samples.size();
    non_2xx += log.non_2xx;
    foreign += log.foreign_bodies;
    fewest = std::min(fewest, log.samples.size());
    transport_failures += log.failures.size();
    for (const auto& failure : log.failures)
      if (!failure.empty() && first_failures.size() < 2000) first_failures += "\n  " + failure;
  }
  MESSAGE(answered << " responses on " << kConnections << " connections in "
                   << seconds_text(traffic_time) << " (fewest on one connection: " << fewest
                   << "), " << polls.size() << " status polls (" << failed_polls.load()
                   << " failed)");
  CHECK_MESSAGE(transport_failures == 0,
                transport_failures << " failures:" << first_failures << emulator_stderr());
  CHECK(non_2xx == 0);
  CHECK(foreign == 0);
  CHECK(fewest >= 10);  // all 64 connections carried traffic throughout

  // --- the deployment: Succeeded, both hooks run ---
  {
    INFO("the deployment at the end: " << last.dump(2));
    CHECK(last.value("deploymentId", "") == id);
    CHECK_MESSAGE(last["status"] == "Succeeded",
                  last.value("errorCode", "")
                      << ": " << last.value("errorMessage", "")
                      << "\n--- the hooks' and CodeDeploy's log lines ---"
                      << lines_with(emulator.stdout_text(), "Hook")
                      << lines_with(emulator.stdout_text(), "[CodeDeploy "));
    CHECK(last["newVersionWeight"].get<double>() == doctest::Approx(1.0));
    REQUIRE(last["events"].size() == 3);
    for (std::size_t i = 0; i < 3; ++i) CHECK(event_status(last, i) == "Succeeded");
    CHECK(last["events"][0]["hookFunction"] == "CodeDeployHook_linearPreTrafficHook");
    CHECK(last["events"][2]["hookFunction"] == "CodeDeployHook_linearPostTrafficHook");
    CHECK(emulator.stdout_text().find("(executed version 2), expecting version \"v2\"") !=
          std::string::npos);
  }

  // --- the schedule, as the deployment's own record states it ---
  // Weights only rise, by tenths; each step's weight is in force only in its own minute of virtual
  // time (traffic start T0 + k-1 minutes up to T0 + k minutes, plus lateness); no traffic reaches
  // v2 before the pre-traffic hook succeeded, and the post-traffic hook runs at 100 %.
  std::optional<std::int64_t> traffic_start;  // T0, virtual
  std::map<int, std::size_t> polls_per_step;
  int previous_step = 0;
  std::string schedule_errors;
  auto schedule_error = [&](const Poll& poll, const std::string& what) {
    if (schedule_errors.size() < 3000)
      schedule_errors += "\n  at virtual " + std::to_string(poll.now_ms) + " ms: " + what +
                         "; deployment " + poll.deployment.dump();
  };
  for (const auto& poll : polls) {
    int step = step_of(poll.weight);
    if (step < 0) {
      schedule_error(poll, "alias weight " + std::to_string(poll.weight) + " is not a tenth");
      continue;
    }
    if (step < previous_step) schedule_error(poll, "the weight went down");
    previous_step = std::max(previous_step, step);
    ++polls_per_step[step];
    const json& d = poll.deployment;
    if (!d.is_object()) {
      if (step != 0) schedule_error(poll, "v2 has traffic before any deployment");
      continue;
    }
    // (The record's own weight: the alias is read a moment later and may have moved on.)
    const double record_weight = d.value("newVersionWeight", -1.0);
    if (event_status(d, 0) != "Succeeded" && record_weight != 0.0)
      schedule_error(poll, "v2 has traffic before the pre-traffic hook succeeded");
    if ((event_status(d, 2) == "InProgress" || event_status(d, 2) == "Succeeded") &&
        record_weight != 1.0)
      schedule_error(poll, "the post-traffic hook runs before all traffic moved");
    if (event_status(d, 1) != "InProgress") continue;
    // AllowTraffic in progress: the record's own step, its next weight and when.
    int recorded = step_of(record_weight);
    if (recorded < 1 || recorded >= kSteps || d["nextShiftAt"].is_null() ||
        d["nextWeight"].is_null()) {
      schedule_error(poll, "not a linear step in progress");
      continue;
    }
    if (step_of(d["nextWeight"].get<double>()) != recorded + 1)
      schedule_error(poll, "the next weight is not 10 % more");
    const std::int64_t next_shift = d["nextShiftAt"].get<std::int64_t>();
    const std::int64_t step_zero = next_shift - recorded * kIntervalMs;
    if (!traffic_start) traffic_start = step_zero;
    if (step_zero != *traffic_start)
      schedule_error(poll, "nextShiftAt is not T0 + " + std::to_string(recorded) + " minutes");
    if (poll.now_ms < next_shift - kIntervalMs - 5)  // 5 ms: rounding of the scaled clock
      schedule_error(poll, "step " + std::to_string(recorded) + " came before its time");
    if (poll.now_ms > next_shift + kLatenessMs)
      schedule_error(poll, "step " + std::to_string(recorded) + " outlasted its minute");
  }
  CHECK_MESSAGE(schedule_errors.empty(),
                "the deployment did not follow the linear schedule:" << schedule_errors);
  CHECK(traffic_start.has_value());
  CHECK(previous_step == kSteps);
  std::size_t steps_seen = 0;
  for (int step = 1; step < kSteps; ++step) steps_seen += polls_per_step.count(step);
  // At 1.5 s a step and a poll every ~10 ms, a missed step means a poll stalled for over 1.5 s.
  CHECK_MESSAGE(steps_seen >= 7,
                "the polls saw only " << steps_seen << " of the 9 intermediate steps");

  // --- the split of the traffic, per step ---
  // The span in which each step's weight was surely in force: from the answer of the first poll
  // that saw it to the sending of the last poll that saw it.
  std::map<int, std::pair<TimePoint, TimePoint>> spans;
  for (const auto& poll : polls) {
    int step = step_of(poll.weight);
    if (step < 0) continue;
    auto [it, inserted] = spans.try_emplace(step, poll.received, poll.sent);
    if (!inserted) it->second.second = poll.sent;
  }
  // After the deployment succeeded: from the answer of the first poll that saw it finished.
  std::optional<TimePoint> succeeded_at;
  for (const auto& poll : polls)
    if (finished(poll.deployment)) {
      succeeded_at = poll.received;
      break;
    }
  REQUIRE(succeeded_at.has_value());

  std::map<int, Tally> tallies;
  Tally after_success;
  for (const auto& log : logs) {
    for (const auto& sample : log.samples) {
      if (sample.sent >= *succeeded_at) {
        ++after_success.judged;
        after_success.new_version += sample.version == 2;
      }
      for (const auto& [step, span] : spans) {
        if (sample.sent >= span.first && sample.received <= span.second) {
          ++tallies[step].judged;
          tallies[step].new_version += sample.version == 2;
          break;
        }
      }
    }
  }

  std::ostringstream table;
  table << "step  weight  judged  observed v2";
  for (const auto& [step, tally] : tallies) {
    char line[96];
    std::snprintf(line, sizeof line, "\n%4d  %5d%%  %6zu  %9.1f%%", step, step * 10, tally.judged,
                  tally.judged ? 100.0 * tally.new_version / tally.judged : 0.0);
    table << line;
  }
  table << "\nafter Succeeded: " << after_success.new_version << " of " << after_success.judged
        << " on v2";
  MESSAGE(table.str());

  // Before the traffic shifts (the deploy, the pre-traffic hook): v1 only. After: v2 only.
  CHECK(tallies[0].judged >= kJudgedPerStep);
  CHECK(tallies[0].new_version == 0);
  CHECK(after_success.judged >= kJudgedPerStep);
  CHECK(after_success.new_version == after_success.judged);
  // In between, each step's share within binomial tolerance of its weight.
  std::size_t measured_steps = 0;
  for (int step = 1; step < kSteps; ++step) {
    const Tally& tally = tallies[step];
    if (tally.judged == 0) continue;
    const double w = step / static_cast<double>(kSteps);
    const double n = static_cast<double>(tally.judged);
    const double tolerance = kZ * std::sqrt(n * w * (1 - w)) + 1;
    CAPTURE(step);
    CAPTURE(tally.judged);
    CAPTURE(tally.new_version);
    CAPTURE(tolerance);
    CHECK(std::abs(static_cast<double>(tally.new_version) - n * w) <= tolerance);
    if (tally.judged >= kJudgedPerStep) ++measured_steps;
  }
  // Enough of the steps carried enough traffic to be measured, so that traffic moving all at
  // once, or not moving with the weights, cannot pass.
  CHECK_MESSAGE(measured_steps >= 6, "only " << measured_steps << " of 9 steps had "
                                             << kJudgedPerStep << " judged responses");
}
