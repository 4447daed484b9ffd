#include "emulator/cloudwatch/api/cloudwatch_api.h"

#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "emulator/core/log.h"
#include "emulator/core/timestamps.h"

using namespace emu;
using namespace emu::cloudwatch;
using Json = nlohmann::ordered_json;
namespace http = boost::beast::http;

namespace {

struct Fixture {
  Fixture() { log::set_quiet(true); }
  ~Fixture() { log::set_quiet(false); }

  // One request through the API's own protocol handling; the response as it would be sent.
  server::HttpResponse send(server::HttpRequest request) {
    request.prepare_payload();
    REQUIRE(api.accepts(request));
    std::optional<server::HttpResponse> answer;
    api.handle(std::move(request), {"127.0.0.1", 1}, [&](server::HttpResponse r) { answer = std::move(r); });
    REQUIRE(answer);
    return std::move(*answer);
  }
  server::HttpResponse query(const std::string& form) {
    server::HttpRequest r(http::verb::post, "/", 11);
    r.set(http::field::content_type, "application/x-www-form-urlencoded; charset=utf-8");
    r.set(http::field::authorization,
          "AWS4-HMAC-SHA256 Credential=AKID/20261207/us-east-1/monitoring/aws4_request, "
          "SignedHeaders=host, Signature=0");
    r.body() = form;
    return send(std::move(r));
  }
  server::HttpResponse json(const std::string& action, const Json& body) {
    server::HttpRequest r(http::verb::post, "/", 11);
    r.set("X-Amz-Target", "GraniteServiceVersion20100801." + action);
    r.set(http::field::content_type, "application/x-amz-json-1.0");
    r.body() = body.dump();
    return send(std::move(r));
  }
  server::HttpResponse cbor(const std::string& action, const Json& body) {
    server::HttpRequest r(http::verb::post,
                          "/service/GraniteServiceVersion20100801/operation/" + action, 11);
    r.set("smithy-protocol", "rpc-v2-cbor");
    r.set(http::field::content_type, "application/cbor");
    auto bytes = Json::to_cbor(body);
    r.body().assign(bytes.begin(), bytes.end());
    return send(std::move(r));
  }
  void put_alarm() {
    auto r = query("Action=PutMetricAlarm&Version=2010-08-01&AlarmName=fn-errors"
                   "&Namespace=AWS%2FLambda&MetricName=Errors&Statistic=Sum&Period=60"
                   "&EvaluationPeriods=1&Threshold=1.0&ComparisonOperator="
                   "GreaterThanOrEqualToThreshold&TreatMissingData=notBreaching"
                   "&Dimensions.member.1.Name=FunctionName&Dimensions.member.1.Value=fn");
    REQUIRE(r.result_int() == 200);
  }

  ManualClock clock;
  MetricStore store;
  Alarms alarms{clock, store, "us-east-1", "123456789012"};
  int flushes = 0;
  CloudWatchApi api{alarms, store, clock, [this] { ++flushes; }};
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "query protocol: PutMetricAlarm, then DescribeAlarms answers CloudWatch's XML") {
  put_alarm();
  auto r = query("Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=fn-errors");
  CHECK(r.result_int() == 200);
  CHECK(r[http::field::content_type] == "text/xml");
  const std::string& xml = r.body();
  CHECK(xml.starts_with("<DescribeAlarmsResponse xmlns=\"http://monitoring.amazonaws.com/doc/"
                        "2010-08-01/\"><DescribeAlarmsResult><MetricAlarms><member><AlarmName>"
                        "fn-errors</AlarmName><AlarmArn>arn:aws:cloudwatch:us-east-1:123456789012:"
                        "alarm:fn-errors</AlarmArn>"));
  CHECK(xml.find("<StateValue>OK</StateValue>") != std::string::npos);
  CHECK(xml.find("<Dimensions><member><Name>FunctionName</Name><Value>fn</Value></member>"
                 "</Dimensions>") != std::string::npos);
  CHECK(xml.find("<Threshold>1.0</Threshold>") != std::string::npos);
  CHECK(xml.find("<StateUpdatedTimestamp>" + iso8601_z(clock.epoch_ms(clock.now())) +
                 "</StateUpdatedTimestamp>") != std::string::npos);
  CHECK(xml.find("</DescribeAlarmsResult><ResponseMetadata><RequestId>") != std::string::npos);

  auto none = query("Action=SetAlarmState&Version=2010-08-01&AlarmName=fn-errors&StateValue=ALARM"
                    "&StateReason=testing+a+rollback");
  CHECK(none.result_int() == 200);
  CHECK(none.body().starts_with("<SetAlarmStateResponse xmlns=\"http://monitoring.amazonaws.com/"
                                "doc/2010-08-01/\"><ResponseMetadata><RequestId>"));
  CHECK(alarms.get("fn-errors")->reason == "testing a rollback");
}

TEST_CASE_FIXTURE(Fixture, "errors are CloudWatch's in each protocol") {
  auto missing = query("Action=SetAlarmState&Version=2010-08-01&AlarmName=nope&StateValue=OK"
                       "&StateReason=x");
  CHECK(missing.result_int() == 404);
  CHECK(missing.body().starts_with("<ErrorResponse xmlns=\"http://monitoring.amazonaws.com/doc/"
                                   "2010-08-01/\"><Error><Type>Sender</Type><Code>ResourceNotFound"
                                   "</Code><Message>"));
  CHECK(missing.body().find("</Error><RequestId>") != std::string::npos);

  auto bad_state = query("Action=SetAlarmState&Version=2010-08-01&AlarmName=x&StateValue=RED"
                         "&StateReason=x");
  CHECK(bad_state.result_int() == 400);
  CHECK(bad_state.body().find("<Code>ValidationError</Code>") != std::string::npos);

  auto no_action = query("Version=2010-08-01");
  CHECK(no_action.body().find("<Code>MissingAction</Code>") != std::string::npos);
  auto unknown = query("Action=PutDashboard&Version=2010-08-01");
  CHECK(unknown.body().find("<Code>InvalidAction</Code>") != std::string::npos);
  auto malformed = query("Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.x=a");
  CHECK(malformed.body().find("<Code>MalformedQueryString</Code>") != std::string::npos);
  // Found by fuzzing: bytes that are not UTF-8 are refused, not quoted into a JSON history.
  auto not_utf8 = query("Action=PutMetricAlarm&Version=2010-08-01&AlarmName=a%CF%28");
  CHECK(not_utf8.body().find("<Code>MalformedQueryString</Code>") != std::string::npos);
  // Found in review: a small body must not build huge lists of nothing; NaN is no number.
  auto gap = query("Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1000=a");
  CHECK(gap.body().find("<Code>MalformedQueryString</Code>") != std::string::npos);
  auto nan = query("Action=PutMetricAlarm&Version=2010-08-01&AlarmName=a&Namespace=N&MetricName=M"
                   "&Statistic=Sum&Period=60&EvaluationPeriods=1&Threshold=nan"
                   "&ComparisonOperator=GreaterThanThreshold");
  CHECK(nan.body().find("<Code>InvalidParameterValue</Code>") != std::string::npos);
  auto bad_time = json("PutMetricData",
                       {{"Namespace", "App"},
                        {"MetricData", {{{"MetricName", "M"}, {"Value", 1}, {"Timestamp", "x"}}}}});
  CHECK(Json::parse(bad_time.body())["__type"] == "InvalidParameterValueException");

  auto reserved = json("PutMetricData", {{"Namespace", "AWS/Lambda"},
                                         {"MetricData", {{{"MetricName", "M"}, {"Value", 1}}}}});
  CHECK(reserved.result_int() == 400);
  CHECK(reserved["x-amzn-query-error"] == "InvalidParameterValue;Sender");
  auto body = Json::parse(reserved.body());
  CHECK(body["__type"] == "InvalidParameterValueException");
  CHECK(body["message"].get<std::string>().find("AWS/Lambda") != std::string::npos);

  auto combination = json("PutMetricData",
                          {{"Namespace", "App"},
                           {"MetricData", {{{"MetricName", "M"}, {"Value", 1}, {"Values", {1, 2}}}}}});
  CHECK(Json::parse(combination.body())["__type"] == "InvalidParameterCombinationException");

  auto in_cbor = cbor("DeleteAlarms", {{"AlarmNames", {"nope"}}});
  CHECK(in_cbor.result_int() == 404);
  CHECK(in_cbor["smithy-protocol"] == "rpc-v2-cbor");
  auto decoded = aws::from_cbor(in_cbor.body());
  REQUIRE(decoded.ok());
  CHECK(decoded.value()["__type"] == "ResourceNotFound");
}

TEST_CASE_FIXTURE(Fixture, "PutMetricData then GetMetricStatistics, GetMetricData and ListMetrics, over JSON") {
  // Off the hour's edge: a datum sent "now" lands a few ms before the virtual now.
  clock.advance(std::chrono::seconds(30));
  const auto wall_now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
  auto put = json("PutMetricData",
                  {{"Namespace", "App"},
                   {"MetricData",
                    {{{"MetricName", "Latency"},
                      {"Dimensions", {{{"Name", "Service"}, {"Value", "orders"}}}},
                      {"Values", {10, 20, 30}},
                      {"Counts", {1, 1, 2}},
                      {"Unit", "Milliseconds"},
                      {"Timestamp", wall_now / 1000.0}},
                     {{"MetricName", "Latency"},
                      {"Dimensions", {{{"Name", "Service"}, {"Value", "orders"}}}},
                      {"StatisticValues",
                       {{"SampleCount", 4}, {"Sum", 100}, {"Minimum", 5}, {"Maximum", 50}}},
                      {"Unit", "Milliseconds"}}}}});
  REQUIRE(put.result_int() == 200);
  CHECK(put.body() == "{}");

  const std::int64_t now = clock.epoch_ms(clock.now());
  auto stats = json("GetMetricStatistics",
                    {{"Namespace", "App"},
                     {"MetricName", "Latency"},
                     {"Dimensions", {{{"Name", "Service"}, {"Value", "orders"}}}},
                     {"StartTime", (now - 3'600'000) / 1000},
                     {"EndTime", (now + 3'600'000) / 1000},
                     {"Period", 3600},
                     {"Statistics", {"SampleCount", "Sum", "Minimum", "Maximum"}},
                     {"ExtendedStatistics", {"p50"}}});
  REQUIRE(stats.result_int() == 200);
  auto out = Json::parse(stats.body());
  CHECK(out["Label"] == "Latency");
  REQUIRE(out["Datapoints"].size() == 1);
  const auto& point = out["Datapoints"][0];
  CHECK(point["SampleCount"] == 8.0);
  CHECK(point["Sum"] == 190.0);
  CHECK(point["Minimum"] == 5.0);
  CHECK(point["Maximum"] == 50.0);
  CHECK(point["Unit"] == "Milliseconds");
  CHECK(point["Timestamp"].is_number());  // epoch seconds in JSON
  CHECK(point["ExtendedStatistics"].contains("p50"));
  CHECK(flushes == 1);

  auto too_many = json("GetMetricStatistics",
                       {{"Namespace", "App"}, {"MetricName", "Latency"},
                        {"StartTime", 0}, {"EndTime", 86400 * 2}, {"Period", 60},
                        {"Statistics", {"Sum"}}});
  CHECK(Json::parse(too_many.body())["message"].get<std::string>().find("exceeds the limit of 1,440") !=
        std::string::npos);

  auto data = query("Action=GetMetricData&Version=2010-08-01"
                    "&MetricDataQueries.member.1.Id=m1"
                    "&MetricDataQueries.member.1.MetricStat.Metric.Namespace=App"
                    "&MetricDataQueries.member.1.MetricStat.Metric.MetricName=Latency"
                    "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=Service"
                    "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value=orders"
                    "&MetricDataQueries.member.1.MetricStat.Period=60"
                    "&MetricDataQueries.member.1.MetricStat.Stat=Maximum"
                    "&StartTime=" + iso8601_z(now - 600'000) + "&EndTime=" + iso8601_z(now + 600'000));
  CHECK(data.body().find("<MetricDataResults><member><Id>m1</Id><Label>Latency</Label><Timestamps>"
                         "<member>" + iso8601_z(now - 30'000) + "</member></Timestamps><Values><member>50.0"
                         "</member></Values><StatusCode>Complete</StatusCode></member>"
                         "</MetricDataResults>") != std::string::npos);

  auto list = cbor("ListMetrics", {{"Namespace", "App"}});
  auto metrics = aws::from_cbor(list.body()).value();
  REQUIRE(metrics["Metrics"].size() == 1);
  CHECK(metrics["Metrics"][0]["Dimensions"][0]["Value"] == "orders");
}

TEST_CASE("query bodies become the model's shapes; outputs become XML and CBOR") {
  CHECK(aws::query_xml(Json{{"A", Json::array({"x", "y"})}, {"B", {{"C", true}}}}) ==
        "<A><member>x</member><member>y</member></A><B><C>true</C></B>");
  CHECK(aws::query_xml(Json{{"M", aws::wire_map({{"p99", 1.5}})}}) ==
        "<M><entry><key>p99</key><value>1.5</value></entry></M>");
  CHECK(aws::query_xml(Json{{"T", "<&>"}}) == "<T>&lt;&amp;&gt;</T>");
  auto bytes = aws::to_cbor(Json{{"n", -5}, {"t", aws::wire_timestamp(1'500)}, {"l", {1.5, "s"}}});
  // Tag 1 (0xc1) before the epoch seconds, as botocore's CBOR parser reads timestamps.
  CHECK(bytes.find('\xc1') != std::string::npos);
  auto decoded = aws::from_cbor(bytes);
  REQUIRE(decoded.ok());
  auto back = decoded.value();
  CHECK(back["n"] == -5);
  CHECK(back["t"] == 1.5);
  CHECK(back["l"][1] == "s");
  // Indefinite lengths, half floats and bad input.
  const std::string indefinite("\xbf\x61\x61\x9f\x01\xf9\x3c\x00\xff\xff", 10);
  auto parsed = aws::from_cbor(indefinite);
  REQUIRE(parsed.ok());
  CHECK(parsed.value()["a"] == Json::array({1, 1.0}));
  CHECK(aws::from_cbor(std::string("\xa1\x61", 2)).error().code == "SerializationException");
  CHECK_FALSE(aws::from_cbor(std::string("\x01\x02", 2)).ok());
  CHECK_FALSE(aws::from_cbor(std::string(100, '\x81')).ok());  // nesting deeper than 64
  CHECK_FALSE(aws::from_cbor(std::string("\x62\xcf\x28", 3)).ok());  // text that is not UTF-8
}
