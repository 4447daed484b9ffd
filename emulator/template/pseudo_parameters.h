// CloudFormation's pseudo parameters (AWS CloudFormation User Guide, "Pseudo parameters
// reference"), as a local stack in account 123456789012 has them.
#pragma once

#include <optional>
#include <string>

#include "emulator/template/node.h"

namespace emu::tmpl {

struct PseudoParameters {
  std::string region;      // AWS::Region
  std::string account_id;  // AWS::AccountId
  std::string stack_name;  // AWS::StackName
  std::string stack_id;    // AWS::StackId: arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>
  std::string partition;   // AWS::Partition: aws, aws-cn (cn-*) or aws-us-gov (us-gov-*)
  std::string url_suffix;  // AWS::URLSuffix: amazonaws.com, or amazonaws.com.cn in China
};

PseudoParameters make_pseudo_parameters(const std::string& region, const std::string& stack_name);

// The stack name `sam` would suggest for a template: the name of the folder holding it, made
// CloudFormation-safe ([A-Za-z][A-Za-z0-9-]*, at most 128 characters; "sam-app" if nothing is
// left).
std::string stack_name_for_template(const std::string& template_path);

// True for a name CloudFormation accepts as a stack name.
bool is_valid_stack_name(const std::string& name);

// The value of pseudo parameter `name` at `where`: a scalar, or a list for AWS::NotificationARNs.
// nullopt when `name` is not a pseudo parameter. (AWS::NoValue is handled by the caller.)
std::optional<Node> pseudo_parameter(const PseudoParameters& pseudo, const std::string& name,
                                     const SourceLocation& where);

// "AWS::AccountId, AWS::NotificationARNs, ..." for messages.
std::string pseudo_parameter_names_text();

}  // namespace emu::tmpl
