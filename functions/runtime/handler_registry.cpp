#include "runtime/handler_registry.h"

namespace lambda_runtime {

const NamedHandler* find_handler(HandlerRegistry registry, std::string_view name) {
  for (const auto& entry : registry)
    if (entry.name == name) return &entry;
  return nullptr;
}

std::string handler_names(HandlerRegistry registry) {
  std::string names;
  for (const auto& entry : registry) {
    if (!names.empty()) names += ", ";
    names += entry.name;
  }
  return names;
}

}  // namespace lambda_runtime
