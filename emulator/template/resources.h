// The Resources section as declared: each resource's logical id, Type, Condition and Properties
// (with SAM's Globals already merged into AWS::Serverless::Function, AWS::Serverless::Api and
// AWS::Serverless::HttpApi).
// Nothing is resolved here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/template/globals.h"
#include "emulator/template/node.h"

namespace emu::tmpl {

inline constexpr const char* kFunctionType = "AWS::Serverless::Function";
inline constexpr const char* kApiType = "AWS::Serverless::Api";
inline constexpr const char* kHttpApiType = "AWS::Serverless::HttpApi";
inline constexpr const char* kLayerType = "AWS::Serverless::LayerVersion";
inline constexpr const char* kDeploymentConfigType = "AWS::CodeDeploy::DeploymentConfig";
inline constexpr const char* kAlarmType = "AWS::CloudWatch::Alarm";

struct ResourceDecl {
  std::string logical_id;
  std::string type;
  Node properties;                     // a map (empty when the resource has none); Globals merged
  std::vector<std::string> own_keys;   // property names written on the resource itself
  std::optional<std::string> condition;
  SourceLocation condition_where;
  SourceLocation where;                // the resource's position (its key)

  bool has_own(const std::string& key) const;
  // The value of a property (after Globals), or nullptr.
  const Node* property(const std::string& key) const { return properties.find(key); }
  // "Resources.<LogicalId>.Properties.<key>" for messages.
  std::string property_path(const std::string& key) const;
  // "Resources.<LogicalId>".
  std::string path() const { return "Resources." + logical_id; }
};

// Reads the Resources section (which CloudFormation requires, with at least one resource).
// Resource attributes CloudFormation or SAM do not have are reported in `warnings`.
// `root` is the template's root map.
Result<std::vector<ResourceDecl>> read_resources(const Node& root, const Globals& globals,
                                                 std::vector<std::string>& warnings);

// True for a logical id CloudFormation accepts (A-Za-z0-9, not empty).
bool is_logical_id(const std::string& name);

}  // namespace emu::tmpl
