// StackScope: the names and values everything in the template can refer to, resolved lazily and
// at most once: pseudo parameters, parameters, conditions, mappings and the resources' physical
// names and ids as CloudFormation and the SAM transform create them (account 123456789012).
//
// Names may themselves use intrinsic functions (FunctionName: !Sub "${Other}-x"); a name that
// depends on itself, directly or through other resources or conditions, is an error showing the
// chain ("circular reference: A -> B -> A").
//
// Not thread-safe; lives for one load.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator/template/intrinsics.h"
#include "emulator/template/parameters.h"
#include "emulator/template/pseudo_parameters.h"
#include "emulator/template/resolver.h"
#include "emulator/template/resources.h"

namespace emu::tmpl {

inline constexpr const char* kImplicitApiId = "ServerlessRestApi";
inline constexpr const char* kImplicitHttpApiId = "ServerlessHttpApi";

struct ScopeInputs {
  PseudoParameters pseudo;
  ParameterValues parameters;
  const Node* conditions = nullptr;      // the Conditions section, or nullptr
  const Node* mappings = nullptr;        // the Mappings section, or nullptr
  const std::vector<ResourceDecl>* resources = nullptr;  // must outlive the scope
  bool has_implicit_api = false;         // SAM creates ServerlessRestApi
  bool has_implicit_http_api = false;    // SAM creates ServerlessHttpApi
  std::map<std::string, int> function_versions;  // LoadOptions::function_versions
};

class StackScope : public Resolver {
 public:
  explicit StackScope(ScopeInputs inputs);
  StackScope(const StackScope&) = delete;
  StackScope& operator=(const StackScope&) = delete;

  Evaluator& evaluator() { return evaluator_; }
  const PseudoParameters& pseudo() const { return inputs_.pseudo; }

  // Whether SAM creates the implicit ServerlessRestApi (some Api event has no RestApiId) and
  // ServerlessHttpApi (some HttpApi event has no ApiId).
  void set_implicit_apis(bool rest, bool http) {
    inputs_.has_implicit_api = rest;
    inputs_.has_implicit_http_api = http;
  }

  // The resolved value of a resource's property; nullopt when it is absent or AWS::NoValue.
  Result<std::optional<Node>> evaluate_property(const ResourceDecl& resource,
                                                const std::string& key);

  // Evaluates every resource's Condition; afterwards is_created() answers.
  std::optional<Error> decide_created_resources();
  bool is_created(const std::string& logical_id) const;

  // The resource named `logical_id` (created or not), or nullptr.
  const ResourceDecl* find_resource(const std::string& logical_id) const;

  // A function's name: FunctionName, else "<stack>-<LogicalId>-<13 upper alnum>" (at most 64).
  // `where`/`path` locate the reference that asks (for the message of a circular reference);
  // by default the resource itself.
  Result<std::string> function_name(const ResourceDecl& function);
  Result<std::string> function_name(const ResourceDecl& function, const SourceLocation& where,
                                    const std::string& path);
  // A function's AutoPublishAlias, or nullopt.
  Result<std::optional<std::string>> function_alias(const ResourceDecl& function);
  Result<std::optional<std::string>> function_alias(const ResourceDecl& function,
                                                    const SourceLocation& where,
                                                    const std::string& path);
  // A Lambda DeploymentConfig's name: DeploymentConfigName, else a generated one.
  Result<std::string> deployment_config_name(const ResourceDecl& config);
  Result<std::string> deployment_config_name(const ResourceDecl& config,
                                             const SourceLocation& where, const std::string& path);
  // An alarm's name: AlarmName, else a generated one (what Ref gives).
  Result<std::string> alarm_name(const ResourceDecl& alarm, const SourceLocation& where,
                                 const std::string& path);
  // The id of an API, REST or HTTP (10 lower-case alphanumerics, stable per stack and logical
  // id).
  std::string api_id(const std::string& logical_id) const;

  // Resolver
  Result<std::optional<Node>> ref(const std::string& name, const SourceLocation& where,
                                  const std::string& path) override;
  Result<Node> get_att(const std::string& logical_id, const std::string& attribute,
                       const SourceLocation& where, const std::string& path) override;
  bool is_generated_reference(const std::string& name) const override;
  Result<bool> condition(const std::string& name, const SourceLocation& where,
                         const std::string& path) override;
  const Node* mappings() const override { return inputs_.mappings; }
  const std::string& region() const override { return inputs_.pseudo.region; }

 private:
  // Resolves `key` once, refusing to re-enter it while it is being resolved.
  template <class Compute>
  Result<std::string> resolve_once(const std::string& key, const SourceLocation& where,
                                   const std::string& path, Compute compute);
  Result<const ResourceDecl*> created_resource(const std::string& logical_id,
                                               const SourceLocation& where,
                                               const std::string& path) const;
  Result<std::string> resource_ref(const ResourceDecl& resource, const SourceLocation& where,
                                   const std::string& path);
  std::optional<Result<std::string>> generated_ref(const std::string& name,
                                                   const SourceLocation& where,
                                                   const std::string& path);
  Result<std::string> version_or_alias(const ResourceDecl& function, const std::string& which,
                                       const SourceLocation& where, const std::string& path);
  const ResourceDecl* implicit_role_owner(const std::string& name) const;
  std::string physical_id(const std::string& logical_id, std::size_t max_length) const;
  std::string function_arn(const std::string& name) const;
  std::string circular_chain(const std::vector<std::string>& chain, const std::string& key) const;

  ScopeInputs inputs_;
  Evaluator evaluator_;
  std::map<std::string, const ResourceDecl*> by_id_;
  std::map<std::string, bool> created_;
  std::map<std::string, std::string> resolved_;     // resolve_once results
  std::vector<std::string> resolving_;              // resolve_once keys in progress
  std::map<std::string, bool> conditions_;          // evaluated conditions
  std::vector<std::string> evaluating_conditions_;  // conditions in progress
};

}  // namespace emu::tmpl
