// The AWS "json" wire protocol (botocore models' protocol "json", JSON 1.0 and 1.1), shared by
// the services that speak it on --aws-port (CodeDeploy today): POST / with
// X-Amz-Target: <TargetPrefix>.<Operation> and a JSON object body; answers carry the protocol's
// content type, errors are {"__type": "<Exception>", "message": "..."} with x-amzn-ErrorType.
// Method, path and SigV4 signature are not checked.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "emulator/core/result.h"
#include "emulator/server/request_handler.h"

namespace emu::aws {

struct JsonProtocol {
  std::string_view target_prefix;  // "CodeDeploy_20141006." (the model's targetPrefix + ".")
  std::string_view content_type;   // "application/x-amz-json-1.1" or "...-1.0"
  std::string_view service;        // "CodeDeploy": named in error messages
  std::string_view docs;           // "docs/codedeploy-api.md": named in error messages

  // True when the request's X-Amz-Target starts with target_prefix.
  bool accepts(const server::HttpRequest& request) const;
  // The operation the request names (X-Amz-Target after the prefix).
  std::string_view operation(const server::HttpRequest& request) const;

  // 200 with `body` in this protocol's content type.
  server::HttpResponse ok(const nlohmann::json& body, unsigned http_version) const;
  // The error shape above; the status from aws::status_for(error.code).
  server::HttpResponse error(const Error& error, unsigned http_version) const;
  // 400 UnknownOperationException naming the target and the `supported` operations (JSON
  // services answer an unknown X-Amz-Target with 400).
  server::HttpResponse unknown_operation(const server::HttpRequest& request,
                                         const std::string& supported,
                                         unsigned http_version) const;
};

// The X-Amz-Target header's value ("" when absent).
std::string_view target_of(const server::HttpRequest& request);

// An operation table's entry named `name` (each Entry has a `name` member), or nullptr; and the
// names of all, comma-separated, for UnknownOperationException.
template <class Entry>
const Entry* find_operation(std::span<const Entry> table, std::string_view name) {
  for (const auto& entry : table)
    if (entry.name == name) return &entry;
  return nullptr;
}
template <class Entry>
std::string operation_names(std::span<const Entry> table) {
  std::string names;
  for (const auto& entry : table) names += (names.empty() ? "" : ", ") + std::string(entry.name);
  return names;
}

}  // namespace emu::aws
