#include "emulator/lambda/event_recycler.h"

#include <doctest/doctest.h>

#include <string>

using emu::lambda::EventRecycler;
using nlohmann::json;

namespace {

json event_like(std::string body) {
  json event = json::object();
  for (const char* key : {"resource", "path", "httpMethod", "headers", "multiValueHeaders",
                          "queryStringParameters", "multiValueQueryStringParameters",
                          "pathParameters", "stageVariables", "requestContext", "isBase64Encoded"})
    event[key] = nullptr;
  event["body"] = std::move(body);
  return event;
}

}  // namespace

TEST_CASE("the event recycler keeps proxy-event-shaped values only, and a bounded number") {
  EventRecycler recycler;
  CHECK(recycler.take().is_null());

  recycler.put(json{{"a", 1}});                 // not an event's shape
  recycler.put(json::array({1, 2, 3}));
  recycler.put(event_like(std::string(EventRecycler::kMaxBodyBytes + 1, 'x')));  // body too big
  CHECK(recycler.take().is_null());

  recycler.put(event_like("small"));
  json taken = recycler.take();
  CHECK(taken == event_like("small"));
  CHECK(recycler.take().is_null());

  for (std::size_t i = 0; i < EventRecycler::kMaxKept + 10; ++i) recycler.put(event_like("b"));
  std::size_t kept = 0;
  while (!recycler.take().is_null()) ++kept;
  CHECK(kept == EventRecycler::kMaxKept);
}
