#include "emulator/lambda/model/env_vars.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

namespace emu::lambda {
namespace {

Error env_error(const std::string& path, const std::string& what) {
  return Error{"EnvVarsError", path + ": " + what};
}

std::optional<std::string> scalar_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) return value.dump();
  return std::nullopt;
}

void override_declared(std::map<std::string, std::string>& declared,
                       const std::map<std::string, std::string>& overrides) {
  for (const auto& [name, value] : overrides)
    if (auto it = declared.find(name); it != declared.end()) it->second = value;
}

}  // namespace

Result<EnvVarsFile> parse_env_vars(const std::string& text, const std::string& display_path) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return env_error(display_path, std::string("not valid JSON: ") + e.what());
  }
  if (!document.is_object())
    return env_error(display_path,
                     "expected a JSON object like {\"WhoDisFunction\": {\"APP_VERSION\": \"v2\"}}");
  EnvVarsFile file;
  for (const auto& [key, variables] : document.items()) {
    if (!variables.is_object())
      return env_error(display_path, "\"" + key + "\" must map to an object of variables");
    std::map<std::string, std::string> values;
    for (const auto& [name, value] : variables.items()) {
      auto text_value = scalar_text(value);
      if (!text_value)
        return env_error(display_path, "\"" + key + "\"." + name +
                                           " must be a string, number or boolean, got " +
                                           value.type_name());
      values.emplace(name, *text_value);
    }
    if (key == "Parameters")
      file.all_functions = std::move(values);
    else
      file.per_function.emplace(key, std::move(values));
  }
  return file;
}

Result<EnvVarsFile> read_env_vars_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return env_error(path, "cannot be read (does it exist?)");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_env_vars(text.str(), path);
}

std::map<std::string, std::string> apply_env_vars(const EnvVarsFile& file,
                                                  const std::string& logical_id,
                                                  const std::string& function_name,
                                                  std::map<std::string, std::string> declared) {
  override_declared(declared, file.all_functions);
  if (auto it = file.per_function.find(function_name); it != file.per_function.end())
    override_declared(declared, it->second);
  if (auto it = file.per_function.find(logical_id); it != file.per_function.end())
    override_declared(declared, it->second);
  return declared;
}

}  // namespace emu::lambda
