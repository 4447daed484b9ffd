#include "emulator/lambda/model/function_store.h"

#include <doctest/doctest.h>

#include "tests/support/function_services.h"

using namespace emu;
using namespace emu::lambda;

namespace {

tmpl::Stack stack_with_one_function(bool auto_publish) {
  tmpl::Stack stack;
  stack.stack_name = "unit";
  stack.region = "eu-west-1";
  stack.partition = "aws";
  tmpl::FunctionSpec spec;
  spec.logical_id = "WhoDisFunction";
  spec.function_name = "unit-WhoDisFunction-ABC";
  spec.code_uri = "build/package/whodis.zip";
  spec.handler = "bootstrap";
  spec.runtime = "provided.al2023";
  spec.environment = {{"APP_VERSION", "v1"}};
  if (auto_publish) spec.auto_publish_alias = "live";
  stack.functions.push_back(spec);
  return stack;
}

std::unique_ptr<FunctionStore> make_store(bool auto_publish = true) {
  auto store = FunctionStore::build(stack_with_one_function(auto_publish),
                                    emu::testing::builtin_store_options());
  REQUIRE(store.ok());
  return std::move(store).value();
}

ConfigurationChange environment_change(const std::string& app_version) {
  ConfigurationChange change;
  change.environment = std::map<std::string, std::string>{{"APP_VERSION", app_version}};
  return change;
}

}  // namespace

TEST_CASE("AutoPublishAlias gives version 1 and the alias pointing at it, as a first deploy") {
  auto store = make_store();
  auto function = store->find("WhoDisFunction");
  REQUIRE(function);
  CHECK(store->find("unit-WhoDisFunction-ABC") == function);  // by name and by logical id
  CHECK(function->arn == "arn:aws:lambda:eu-west-1:123456789012:function:unit-WhoDisFunction-ABC");
  REQUIRE(function->versions.size() == 1);
  CHECK(function->versions[0]->version == "1");
  CHECK(function->alias("live")->function_version == "1");
  CHECK(function->api_alias == "live");
  CHECK(function->latest->runtime_environment.at("AWS_LAMBDA_FUNCTION_VERSION") == "$LATEST");
  CHECK(function->versions[0]->runtime_environment.at("AWS_LAMBDA_FUNCTION_VERSION") == "1");
  CHECK(function->versions[0]->runtime_environment.at("AWS_REGION") == "eu-west-1");

  auto plain = make_store(false)->find("WhoDisFunction");
  CHECK(plain->versions.empty());
  CHECK(plain->aliases.empty());
}

TEST_CASE("an unknown in-process handler is an error at CodeUri that lists the built-in ones") {
  auto stack = stack_with_one_function(true);
  stack.functions[0].code_uri = "nowhere/mystery.zip";
  stack.functions[0].code_uri_where = {"template.yaml", 12, 16};
  auto store = FunctionStore::build(stack, emu::testing::builtin_store_options());
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().message.find("template.yaml:12:16: Resources.WhoDisFunction.Properties.CodeUri: no handler named "
                                   "\"mystery\"") == 0);
  CHECK(store.error().message.find("whodis, oleoleole") != std::string::npos);
}

TEST_CASE("PublishVersion makes a new version only when $LATEST changed since the last one") {
  auto store = make_store();
  auto same = store->publish_version("WhoDisFunction", "", "", "");
  REQUIRE(same.ok());
  CHECK(same.value()->version == "1");  // unchanged: AWS returns the latest version

  REQUIRE(store->update_configuration("WhoDisFunction", environment_change("v2"), "").ok());
  auto second = store->publish_version("WhoDisFunction", "second", "", "");
  REQUIRE(second.ok());
  CHECK(second.value()->version == "2");
  CHECK(second.value()->description == "second");
  CHECK(second.value()->environment.at("APP_VERSION") == "v2");
  CHECK(store->find("WhoDisFunction")->version("1")->environment.at("APP_VERSION") == "v1");

  auto again = store->publish_version("WhoDisFunction", "", "", "");
  CHECK(again.value()->version == "2");
}

TEST_CASE("UpdateFunctionConfiguration changes $LATEST only and checks its inputs as Lambda") {
  auto store = make_store();
  auto before = store->find("WhoDisFunction");
  ConfigurationChange change;
  change.timeout_seconds = 10;
  change.memory_mb = 512;
  auto updated = store->update_configuration("WhoDisFunction", change, "");
  REQUIRE(updated.ok());
  CHECK(updated.value()->timeout_seconds == 10);
  CHECK(updated.value()->memory_mb == 512);
  CHECK(updated.value()->revision_id != before->latest->revision_id);
  CHECK(store->find("WhoDisFunction")->version("1")->timeout_seconds == 3);
  CHECK(before->latest->timeout_seconds == 3);  // an old snapshot never changes

  struct Case {
    const char* name;
    ConfigurationChange change;
    std::string revision;
    const char* code;
  };
  ConfigurationChange zero_timeout;
  zero_timeout.timeout_seconds = 0;
  ConfigurationChange tiny_memory;
  tiny_memory.memory_mb = 64;
  const Case cases[] = {
      {"timeout below 1", zero_timeout, "", "ValidationException"},
      {"memory below 128", tiny_memory, "", "ValidationException"},
      {"reserved variable", environment_change("x"), "", ""},
      {"stale revision", change, "not-the-revision", "PreconditionFailedException"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    ConfigurationChange input = c.change;
    if (std::string(c.name) == "reserved variable")
      input.environment = std::map<std::string, std::string>{{"AWS_REGION", "x"}};
    auto result = store->update_configuration("WhoDisFunction", input, c.revision);
    REQUIRE_FALSE(result.ok());
    if (*c.code) CHECK(result.error().code == c.code);
    else CHECK(result.error().code == "InvalidParameterValueException");
  }
  auto missing = store->update_configuration("Nope", change, "");
  CHECK(missing.error().code == "ResourceNotFoundException");
  CHECK(missing.error().message ==
        "Function not found: arn:aws:lambda:eu-west-1:123456789012:function:Nope");
}

TEST_CASE("alias routing weights are validated as Lambda validates them") {
  auto store = make_store();
  REQUIRE(store->update_configuration("WhoDisFunction", environment_change("v2"), "").ok());
  REQUIRE(store->publish_version("WhoDisFunction", "", "", "").ok());
  REQUIRE(store->update_configuration("WhoDisFunction", environment_change("v3"), "").ok());
  REQUIRE(store->publish_version("WhoDisFunction", "", "", "").ok());

  struct Case {
    const char* name;
    std::map<std::string, double> weights;
    const char* code;
    const char* message_start;
  };
  const Case cases[] = {
      {"weight above 1", {{"2", 1.5}}, "ValidationException", "1 validation error detected"},
      {"negative weight", {{"2", -0.1}}, "ValidationException", "1 validation error detected"},
      {"two additional versions", {{"2", 0.1}, {"3", 0.1}}, "InvalidParameterValueException",
       "Number of items in AdditionalVersionWeights cannot be greater than 1"},
      {"unknown version", {{"9", 0.1}}, "ResourceNotFoundException", "Function not found:"},
      {"the primary itself", {{"1", 0.1}}, "InvalidParameterValueException",
       "Invalid function version 1."},
      {"$LATEST", {{"$LATEST", 0.1}}, "InvalidParameterValueException",
       "$LATEST is not supported for an alias pointing to more than 1 version"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    AliasChange change;
    change.additional_weights = c.weights;
    auto result = store->update_alias("WhoDisFunction", "live", change, "");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == c.code);
    CHECK(result.error().message.find(c.message_start) == 0);
  }
  AliasChange valid;
  valid.additional_weights = std::map<std::string, double>{{"2", 0.25}};
  auto updated = store->update_alias("WhoDisFunction", "live", valid, "");
  REQUIRE(updated.ok());
  CHECK(updated.value()->additional_weights.at("2") == 0.25);
  CHECK(store->find("WhoDisFunction")->alias("live")->additional_weights.size() == 1);
}

TEST_CASE("moving an alias to its additional version ends the split") {
  auto store = make_store();
  REQUIRE(store->update_configuration("WhoDisFunction", environment_change("v2"), "").ok());
  REQUIRE(store->publish_version("WhoDisFunction", "", "", "").ok());
  AliasChange split;
  split.additional_weights = std::map<std::string, double>{{"2", 0.1}};
  REQUIRE(store->update_alias("WhoDisFunction", "live", split, "").ok());
  AliasChange promote;
  promote.function_version = "2";
  auto alias = store->update_alias("WhoDisFunction", "live", promote, "");
  REQUIRE(alias.ok());
  CHECK(alias.value()->function_version == "2");
  CHECK(alias.value()->additional_weights.empty());
}

TEST_CASE("CreateAlias and DeleteAlias follow Lambda's rules") {
  auto store = make_store();
  AliasChange change;
  change.function_version = "1";
  CHECK(store->create_alias("WhoDisFunction", "live", change).error().code ==
        "ResourceConflictException");
  CHECK(store->create_alias("WhoDisFunction", "123", change).error().code ==
        "ValidationException");
  AliasChange missing_version;
  missing_version.function_version = "5";
  CHECK(store->create_alias("WhoDisFunction", "beta", missing_version).error().code ==
        "ResourceNotFoundException");
  auto beta = store->create_alias("WhoDisFunction", "beta", change);
  REQUIRE(beta.ok());
  CHECK(store->find("WhoDisFunction")->alias("beta"));
  REQUIRE(store->delete_alias("WhoDisFunction", "beta").ok());
  CHECK_FALSE(store->find("WhoDisFunction")->alias("beta"));
  CHECK(store->delete_alias("WhoDisFunction", "never-existed").ok());
}
