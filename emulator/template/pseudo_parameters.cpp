#include "emulator/template/pseudo_parameters.h"

#include <cctype>
#include <filesystem>
#include <system_error>

#include "emulator/core/ids.h"
#include "emulator/template/stack.h"

namespace emu::tmpl {
namespace {

constexpr std::size_t kMaxStackNameLength = 128;

std::string partition_of(const std::string& region) {
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  return "aws";
}

// A stable UUID-shaped id (8-4-4-4-12 lower-case hex) for the stack.
std::string stack_uuid(const std::string& seed) {
  const std::string hex = ids::stable_id(seed, 32, "0123456789abcdef");
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

}  // namespace

PseudoParameters make_pseudo_parameters(const std::string& region, const std::string& stack_name) {
  PseudoParameters pseudo;
  pseudo.region = region;
  pseudo.account_id = kAccountId;
  pseudo.stack_name = stack_name;
  pseudo.partition = partition_of(region);
  pseudo.url_suffix = region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  pseudo.stack_id = "arn:" + pseudo.partition + ":cloudformation:" + region + ":" + kAccountId +
                    ":stack/" + stack_name + "/" + stack_uuid(region + "/" + stack_name);
  return pseudo;
}

std::string stack_name_for_template(const std::string& template_path) {
  std::error_code error;
  std::filesystem::path path = std::filesystem::absolute(template_path, error);
  if (error) path = template_path;
  const std::string folder = path.lexically_normal().parent_path().filename().string();
  std::string name;
  for (char c : folder) {
    if (name.size() == kMaxStackNameLength) break;
    const bool safe = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
    if (name.empty() && !std::isalpha(static_cast<unsigned char>(c))) continue;
    name += safe ? c : '-';
  }
  return name.empty() ? "sam-app" : name;
}

bool is_valid_stack_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxStackNameLength) return false;
  if (!std::isalpha(static_cast<unsigned char>(name.front()))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  return true;
}

std::optional<Node> pseudo_parameter(const PseudoParameters& pseudo, const std::string& name,
                                     const SourceLocation& where) {
  if (name == "AWS::Region") return Node::scalar(pseudo.region, where);
  if (name == "AWS::AccountId") return Node::scalar(pseudo.account_id, where);
  if (name == "AWS::StackName") return Node::scalar(pseudo.stack_name, where);
  if (name == "AWS::StackId") return Node::scalar(pseudo.stack_id, where);
  if (name == "AWS::Partition") return Node::scalar(pseudo.partition, where);
  if (name == "AWS::URLSuffix") return Node::scalar(pseudo.url_suffix, where);
  if (name == "AWS::NotificationARNs") return Node::sequence({}, where);
  return std::nullopt;
}

std::string pseudo_parameter_names_text() {
  return "AWS::AccountId, AWS::NotificationARNs, AWS::NoValue, AWS::Partition, AWS::Region, "
         "AWS::StackId, AWS::StackName, AWS::URLSuffix";
}

}  // namespace emu::tmpl
