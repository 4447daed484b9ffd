// FunctionStore: every Lambda function of the emulator with its versions and aliases, as a first
// `sam deploy` leaves them, and the Lambda API's changes to them.
//
// At build: every function has $LATEST; a function with AutoPublishAlias also has version 1 and
// the alias pointing at it (SAM docs, "AutoPublishAlias"), and its API events invoke the alias.
//
// Concurrency: readers take an immutable Snapshot with one atomic load and never lock. Changes
// are serialised by a mutex, build a new LambdaFunction and publish a new Snapshot atomically, so
// a request sees the state before or after a change, never a mix.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/lambda/model/code_identity.h"
#include "emulator/lambda/model/env_vars.h"
#include "emulator/lambda/model/lambda_function.h"
#include "emulator/template/stack.h"

namespace emu::lambda {

struct StoreOptions {
  std::string aws_endpoint_url;  // AWS_ENDPOINT_URL given to every function ("" = none)
  EnvVarsFile env_vars;          // --env-vars overrides
  CodeResolver resolve_code;     // required: the code each function runs (code_identity.h)
  // Called with each line a function writes to its log, on the thread that reads it (CloudWatch
  // Logs' embedded metric format is read this way); must be quick. Optional.
  std::function<void(const FunctionVersion&, std::string_view line)> output_tap;
};

// UpdateFunctionConfiguration's fields the emulator applies; unset ones stay as they are.
struct ConfigurationChange {
  std::optional<std::map<std::string, std::string>> environment;
  std::optional<int> timeout_seconds;
  std::optional<int> memory_mb;
  std::optional<std::string> description;
  std::optional<std::string> handler_name;
  std::optional<std::string> runtime;
};

// CreateAlias / UpdateAlias fields; unset ones stay as they are (UpdateAlias) or default.
struct AliasChange {
  std::optional<std::string> function_version;
  std::optional<std::map<std::string, double>> additional_weights;
  std::optional<std::string> description;
};

class FunctionStore {
 public:
  struct Snapshot {
    std::vector<LambdaFunctionPtr> functions;              // template order
    std::unordered_map<std::string, std::size_t> index;    // name and logical id -> position
    // By function name or template logical id; nullptr when unknown.
    LambdaFunctionPtr find(std::string_view name) const;
  };
  using SnapshotPtr = std::shared_ptr<const Snapshot>;

  // Fails when a function's code cannot be found (StoreOptions::resolve_code): in process the file
  // name of CodeUri (without ".zip") must name a handler of the registry; in Runtime API mode
  // CodeUri must be a zip or folder with a `bootstrap`. The error points at CodeUri.
  static Result<std::unique_ptr<FunctionStore>> build(const tmpl::Stack& stack,
                                                      const StoreOptions& options);

  SnapshotPtr snapshot() const { return snapshot_.load(); }
  LambdaFunctionPtr find(std::string_view name) const { return snapshot()->find(name); }

  // The Lambda API's changes. Errors carry the AWS exception name as code (lambda_errors.h).
  // `revision_id` ("" = not checked) must match the current one, as AWS's optimistic locking.
  Result<FunctionVersionPtr> update_configuration(std::string_view function,
                                                  const ConfigurationChange& change,
                                                  std::string_view revision_id);
  Result<FunctionVersionPtr> publish_version(std::string_view function, std::string description,
                                             std::string_view code_sha256,
                                             std::string_view revision_id);
  Result<AliasPtr> create_alias(std::string_view function, std::string name,
                                const AliasChange& change);
  Result<AliasPtr> update_alias(std::string_view function, std::string_view name,
                                const AliasChange& change, std::string_view revision_id);
  Result<bool> delete_alias(std::string_view function, std::string_view name);

  // For a redeploy. The $LATEST a template function would have, built but not stored: compare it
  // with the version in service (FunctionVersion::same_code_and_configuration). Fails as build()
  // does for unknown code.
  Result<FunctionVersion> candidate(const tmpl::Stack& stack, const tmpl::FunctionSpec& spec) const;
  // Makes `candidate` the function's $LATEST. A function not yet in the store is added; with
  // `api_alias` it also gets version 1 and that alias, as a first deploy.
  Result<LambdaFunctionPtr> replace_latest(const FunctionVersion& candidate,
                                           const std::string& api_alias);

 private:
  FunctionStore(SnapshotPtr initial, tmpl::Stack stack, StoreOptions options);

  // Under write_mutex_: replaces one function in a copy of the snapshot and publishes it.
  void publish(const LambdaFunctionPtr& function);
  Result<LambdaFunctionPtr> existing(std::string_view function) const;

  std::atomic<SnapshotPtr> snapshot_;
  std::mutex write_mutex_;
  tmpl::Stack stack_;        // region, partition and account for ARNs and environments
  StoreOptions options_;
};

// Lambda's LastModified format: "2026-11-29T23:26:43.123+0000", for now.
std::string lambda_timestamp_now();

// Checks an alias's routing against `function` as Lambda does (API reference, "UpdateAlias",
// "AliasRoutingConfiguration"): weights in [0, 1], at most one additional version, a published
// version that exists and differs from the primary.
Result<bool> validate_routing(const LambdaFunction& function, const std::string& primary,
                              const std::map<std::string, double>& weights);

}  // namespace emu::lambda
