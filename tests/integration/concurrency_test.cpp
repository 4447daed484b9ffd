// Many requests at once: every one is answered, each with its own request id, and a handler stuck
// past its Timeout holds up nobody else.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <latch>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "emulator_process.h"
#include "http_client.h"
#include "templates.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

}  // namespace

TEST_CASE("200 concurrent requests are all answered 200 with distinct request ids") {
  constexpr int kRequests = 200;
  it::EmulatorProcess emulator(it::seed_template());
  const std::string urls[] = {emulator.url("/whodis"), emulator.url("/Prod/whodis"),
                              emulator.url("/dev/oleoleole")};

  std::mutex mutex;
  std::vector<long> statuses;
  std::vector<std::string> failures;  // transport errors and wrong bodies
  std::set<std::string> request_ids;
  std::latch start(kRequests);
  std::vector<std::thread> clients;
  clients.reserve(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    clients.emplace_back([&, i] {
      start.arrive_and_wait();  // all at once
      try {
        auto response = it::request("GET", urls[i % 3], {}, {}, std::chrono::seconds(30));
        auto body = json::parse(response.body);
        std::lock_guard lock(mutex);
        statuses.push_back(response.status);
        request_ids.insert(response.header("x-amzn-RequestId"));
        if (body.value("version", "") != "v1") failures.push_back("body " + response.body);
      } catch (const std::exception& error) {
        std::lock_guard lock(mutex);
        failures.push_back(error.what());
      }
    });
  }
  for (auto& client : clients) client.join();

  CHECK_MESSAGE(failures.empty(), failures.size() << " failed, the first: "
                                               << (failures.empty() ? "" : failures.front()));
  CHECK(statuses.size() == kRequests);
  CHECK(std::count(statuses.begin(), statuses.end(), 200L) == kRequests);
  request_ids.erase("");
  CHECK(request_ids.size() == kRequests);
}

TEST_CASE("a handler sleeping past its Timeout does not delay other requests") {
  it::EmulatorProcess emulator(it::test_template("faults.yaml"));
  std::atomic<long> sleep_status{0};  // set when /sleep is answered (504 after its 1 s Timeout)
  std::thread sleeper([&] {
    try {
      sleep_status = it::get(emulator.url("/sleep")).status;
    } catch (const std::exception&) {
      sleep_status = -1;
    }
  });
  // Once the sleep handler runs, a fast request is answered while /sleep is still pending.
  bool started = emulator.child()
                     .wait_for_stdout_line("[SleepFunction] START", std::chrono::seconds(5))
                     .has_value();
  auto before = Clock::now();
  auto response = it::get(emulator.url("/echo"));
  auto elapsed = Clock::now() - before;
  long sleep_status_when_echo_answered = sleep_status;
  sleeper.join();

  CHECK(started);
  CHECK(response.status == 200);
  CHECK(sleep_status_when_echo_answered == 0);
  CHECK(elapsed < std::chrono::milliseconds(800));
  CHECK(sleep_status == 504);
}
