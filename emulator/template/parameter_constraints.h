// A parameter's Type and constraints (AllowedValues, AllowedPattern, MinLength, MaxLength,
// MinValue, MaxValue), as CloudFormation checks them when a stack is created (AWS CloudFormation
// User Guide, "Parameters": "Parameter properties" and "Supported parameter types").
#pragma once

#include <optional>
#include <string>

#include "emulator/core/result.h"
#include "emulator/template/node.h"

namespace emu::tmpl {

enum class ParameterShape { kString, kNumber, kList, kNumberList };

// The shape of a parameter Type: String and AWS-specific types are strings ("AWS::EC2::VPC::Id",
// "AWS::SSM::Parameter::Value<String>"), CommaDelimitedList and List<...> are lists. nullopt for a
// Type CloudFormation does not have.
std::optional<ParameterShape> parameter_shape(const std::string& type);

// Checks `value` (as given) against the declaration `declaration` of parameter `name`, of shape
// `shape`. `origin` says where the value comes from, for the message ("Default",
// "--parameter-overrides"). The error locates at `where`.
std::optional<Error> check_parameter_value(const std::string& name, const Node& declaration,
                                           ParameterShape shape, const std::string& value,
                                           const std::string& origin, const SourceLocation& where);

// The items of a list parameter's value: split at ',' with each item space-trimmed, as
// CloudFormation does for CommaDelimitedList.
std::vector<std::string> split_list_value(const std::string& value);

}  // namespace emu::tmpl
