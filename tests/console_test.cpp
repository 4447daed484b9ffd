// The console's server side without sockets: the invocation journal's bounds, the traffic
// timeline's samples, the feed's events to subscribed pages (a fake StreamWriter), and the
// console's answers (page, state, invocation log, hardening headers). The browser drives the real
// page in tests/integration/console_test.cpp.
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include "emulator/cloudwatch/alarms.h"
#include "emulator/codedeploy/deployment_engine.h"
#include "emulator/console/console_feed.h"
#include "emulator/console/console_service.h"
#include "emulator/core/log.h"
#include "emulator/template/loader.h"
#include "tests/support/function_services.h"

using namespace emu;
using Json = nlohmann::json;
namespace http = boost::beast::http;

namespace {

// Answers every invocation at once with a log, as Lambda writes one.
class LoggingInvoker final : public lambda::Invoker {
 public:
  void invoke(lambda::FunctionVersionPtr version, nlohmann::json, std::string,
              lambda::InvokeCallback done) override {
    lambda::InvokeResult result;
    result.executed_version = version->version;
    result.request_id = "req-" + std::to_string(++count);
    result.duration_ms = 1.5;
    result.log = "START RequestId: " + result.request_id + "\nhello\n";
    done(std::move(result));
  }
  int count = 0;
};

// What a page would receive: every chunk written; `open` false makes write() fail (page gone).
struct FakeWriter final : server::StreamWriter {
  bool write(std::string chunk) override {
    if (!open) return false;
    text += chunk;
    return true;
  }
  void close() override { closed = true; }
  std::string text;
  bool open = true;
  bool closed = false;
};

// The data of the last `event: <name>` in `text`.
Json last_event(const std::string& text, const std::string& name) {
  auto at = text.rfind("event: " + name + "\ndata: ");
  REQUIRE(at != std::string::npos);
  at = text.find("data: ", at) + 6;
  return Json::parse(text.substr(at, text.find("\n\n", at) - at));
}

struct Fixture : emu::testing::FunctionServices {
  Fixture() {
    log::set_quiet(true);
    tmpl::LoadOptions options;
    options.template_path = TEST_SOURCE_DIR "/../template.yaml";
    auto loaded = tmpl::load_stack(options);
    REQUIRE(loaded.ok());
    stack = std::move(loaded).value();
    build(stack, invoker);
    service->set_journal(&journal);
    engine = std::make_unique<codedeploy::DeploymentEngine>(clock, *service);
    alarms = std::make_unique<cloudwatch::Alarms>(clock, metric_store, "us-east-1", "123456789012");
    timeline = std::make_unique<console::TrafficTimeline>(*store, metrics);
    feed = std::make_unique<console::ConsoleFeed>(
        console::ConsoleSources{*engine, *service, journal, *alarms, requests, *timeline, 60.0,
                                "run1", "main", "us-east-1"},
        clock, io.get_executor());
    console = std::make_unique<console::ConsoleService>(*feed);
  }
  ~Fixture() { log::set_quiet(false); }

  void invoke_whodis(int times) {
    auto target = service->resolve_for_api("WhoDisFunction");
    REQUIRE(target.ok());
    for (int i = 0; i < times; ++i) service->invoke(target.value(), Json::object(), [](auto) {});
  }

  server::HttpResponse get(const std::string& target, bool can_stream = false,
                           server::StartStream* started = nullptr) {
    server::HttpRequest request(http::verb::get, target, 11);
    REQUIRE(console->accepts(request));
    std::optional<server::HttpResponse> answer;
    server::Respond respond([&](server::HttpResponse r) { answer = std::move(r); });
    if (can_stream)
      respond = server::Respond([&](server::HttpResponse r) { answer = std::move(r); },
                                [&](server::HttpResponse head, server::StartStream start) {
                                  answer = std::move(head);
                                  if (started) *started = std::move(start);
                                });
    console->handle(std::move(request), {"127.0.0.1", 40000}, respond);
    REQUIRE(answer);
    return std::move(*answer);
  }

  tmpl::Stack stack;
  ManualClock clock;
  LoggingInvoker invoker;
  lambda::InvocationJournal journal;
  cloudwatch::MetricStore metric_store;
  console::ApiRequestLog requests;
  boost::asio::io_context io;
  std::unique_ptr<codedeploy::DeploymentEngine> engine;
  std::unique_ptr<cloudwatch::Alarms> alarms;
  std::unique_ptr<console::TrafficTimeline> timeline;
  std::unique_ptr<console::ConsoleFeed> feed;
  std::unique_ptr<console::ConsoleService> console;
};

}  // namespace

TEST_CASE("console: the invocation journal keeps the newest entries, logs cut at 16 KiB") {
  lambda::InvocationJournal journal(3);
  for (int i = 1; i <= 5; ++i) {
    lambda::JournalEntry entry;
    entry.request_id = "r" + std::to_string(i);
    entry.log = i == 5 ? std::string(20000, 'x') : "line";
    journal.record(std::move(entry));
  }
  auto recent = journal.recent(10);
  REQUIRE(recent.size() == 3);
  CHECK(recent[0].request_id == "r5");  // newest first
  CHECK(recent[2].request_id == "r3");
  CHECK(recent[0].log.empty());  // the list carries no logs
  CHECK(recent[0].sequence == 5);
  CHECK_FALSE(journal.find("r1"));
  auto kept = journal.find("r5");
  REQUIRE(kept);
  CHECK(kept->log.size() < 16 * 1024 + 100);
  CHECK(kept->log.find("keeps the first 16 KiB") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "console: the timeline samples weights and the invocations since the last sample") {
  invoke_whodis(3);
  auto first = timeline->sample(1000, 5000);
  const std::string whodis = store->find("WhoDisFunction")->name + ":live";
  REQUIRE(first["aliases"].contains(whodis));
  CHECK(first["aliases"][whodis]["weights"] == Json{{"1", 1.0}});
  CHECK(first["aliases"][whodis]["observed"] == Json{{"1", 3}});
  CHECK(first["t"] == 1000);
  auto second = timeline->sample(2000, 6000);
  CHECK(second["aliases"][whodis]["observed"].empty());  // none since
  invoke_whodis(2);
  CHECK(timeline->sample(3000, 7000)["aliases"][whodis]["observed"] == Json{{"1", 2}});
  CHECK(timeline->samples().size() == 3);
}

TEST_CASE_FIXTURE(Fixture, "console: a page gets a snapshot, then an update per tick; a gone page is dropped") {
  invoke_whodis(1);
  requests.record({"req-1", "GET", "/whodis?x=1", 200});
  auto page = std::make_shared<FakeWriter>();
  CHECK(feed->subscribe(page));
  CHECK(page->text.starts_with("retry: 2000\n\nevent: snapshot\ndata: {"));
  auto snapshot = last_event(page->text, "snapshot");
  CHECK(snapshot["runId"] == "run1");
  CHECK(snapshot["timeScale"] == 60.0);
  CHECK(snapshot.contains("timeline"));
  REQUIRE(snapshot["invocations"].size() == 1);
  const auto& invocation = snapshot["invocations"][0];
  CHECK(invocation["requestId"] == "req-1");
  CHECK(invocation["logicalId"] == "WhoDisFunction");
  CHECK(invocation["version"] == "1");
  CHECK(invocation["alias"] == "live");
  CHECK(invocation["method"] == "GET");
  CHECK(invocation["path"] == "/whodis?x=1");
  CHECK(invocation["status"] == 200);
  CHECK(snapshot["functions"].size() == stack.functions.size());
  CHECK(snapshot["alarms"].is_array());
  // Nothing of a function's environment is in the state.
  CHECK(page->text.find("APP_VERSION") == std::string::npos);

  feed->tick();
  auto update = last_event(page->text, "update");
  CHECK_FALSE(update.contains("timeline"));
  REQUIRE(update["samples"].size() == 1);
  CHECK(feed->subscribers() == 1);

  page->open = false;  // the page went away
  feed->tick();
  CHECK(feed->subscribers() == 0);
}

TEST_CASE_FIXTURE(Fixture, "console: at most 32 pages; the 33rd is told why and closed") {
  std::vector<std::shared_ptr<FakeWriter>> pages;
  for (std::size_t i = 0; i < console::ConsoleFeed::kMaxSubscribers; ++i) {
    pages.push_back(std::make_shared<FakeWriter>());
    CHECK(feed->subscribe(pages.back()));
  }
  auto extra = std::make_shared<FakeWriter>();
  CHECK_FALSE(feed->subscribe(extra));
  CHECK(extra->closed);
  CHECK(extra->text.find("event: error") != std::string::npos);
  feed->stop();
  CHECK(pages.front()->closed);
  CHECK(feed->subscribers() == 0);
}

TEST_CASE_FIXTURE(Fixture, "console: the page, its assets and the API answer with hardening headers") {
  auto page = get("/console/");
  CHECK(page.result_int() == 200);
  CHECK(page[http::field::content_type] == "text/html; charset=utf-8");
  CHECK(page.body().find("<script src=\"console.js\"") != std::string::npos);
  CHECK(page["X-Frame-Options"] == "DENY");
  CHECK(page["Content-Security-Policy"].find("frame-ancestors 'none'") != std::string::npos);
  CHECK(page["Content-Security-Policy"].find("default-src 'self'") != std::string::npos);
  CHECK(get("/console/console.js")[http::field::content_type] == "text/javascript; charset=utf-8");
  CHECK(get("/console/console.css").result_int() == 200);

  auto redirect = get("/console");
  CHECK(redirect.result_int() == 302);
  CHECK(redirect[http::field::location] == "/console/");

  CHECK(get("/console/nothing.js").result_int() == 404);
  CHECK(get("/console/api/nothing").result_int() == 404);

  invoke_whodis(1);
  auto state = Json::parse(get("/console/api/state").body());
  CHECK(state["invocations"].size() == 1);
  CHECK(state.contains("timeline"));

  auto log = get("/console/api/invocations/req-1");
  CHECK(log.result_int() == 200);
  CHECK(Json::parse(log.body())["log"] == "START RequestId: req-1\nhello\n");
  auto missing = get("/console/api/invocations/nope");
  CHECK(missing.result_int() == 404);
  CHECK(missing["x-amzn-ErrorType"] == "ResourceNotFoundException");
}

TEST_CASE_FIXTURE(Fixture, "console: the events are a stream; a listener that cannot stream says so") {
  server::StartStream start;
  auto head = get("/console/api/events", true, &start);
  CHECK(head.result_int() == 200);
  CHECK(head[http::field::content_type] == "text/event-stream; charset=utf-8");
  REQUIRE(start);
  auto page = std::make_shared<FakeWriter>();
  start(page);
  CHECK(page->text.find("event: snapshot") != std::string::npos);
  CHECK(feed->subscribers() == 1);

  CHECK(get("/console/api/events").result_int() == 500);
}

TEST_CASE_FIXTURE(Fixture, "console: its own paths are read-only") {
  server::HttpRequest request(http::verb::post, "/console/api/state", 11);
  std::optional<server::HttpResponse> answer;
  console->handle(std::move(request), {"127.0.0.1", 1},
                  [&](server::HttpResponse r) { answer = std::move(r); });
  REQUIRE(answer);
  CHECK(answer->result_int() == 405);
  CHECK((*answer)[http::field::allow] == "GET, HEAD");
}
