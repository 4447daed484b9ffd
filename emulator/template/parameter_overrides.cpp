// parse_parameter_overrides (declared in loader.h): the forms `sam` accepts for
// --parameter-overrides (AWS SAM CLI, "sam deploy" / "sam local start-api"): "Key=Value" and
// "ParameterKey=Key,ParameterValue=Value", several in one argument separated by spaces, values
// optionally in single or double quotes.
#include <cctype>
#include <optional>

#include "emulator/template/loader.h"
#include "emulator/template/node.h"
#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

// Splits `argument` at spaces outside quotes, dropping the quotes.
std::optional<std::vector<std::string>> split_words(const std::string& argument) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote_char = 0;
  for (char c : argument) {
    if (quote_char != 0) {
      if (c == quote_char) quote_char = 0;
      else word += c;
    } else if (c == '"' || c == '\'') {
      quote_char = c;
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote_char != 0) return std::nullopt;
  if (in_word) words.push_back(word);
  return words;
}

bool is_parameter_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

Error bad_override(const std::string& text, const std::string& why) {
  return Error{kParameterError, "--parameter-overrides: " + quote(text) + " " + why +
                                    "; expected Key=Value or "
                                    "ParameterKey=Key,ParameterValue=Value"};
}

std::optional<Error> add_override(const std::string& word,
                                  std::map<std::string, std::string>& overrides) {
  static const std::string kKeyPrefix = "ParameterKey=";
  static const std::string kValueMarker = ",ParameterValue=";
  std::string key, value;
  if (word.starts_with(kKeyPrefix)) {
    const auto marker = word.find(kValueMarker);
    if (marker == std::string::npos) return bad_override(word, "has no ParameterValue");
    key = word.substr(kKeyPrefix.size(), marker - kKeyPrefix.size());
    value = word.substr(marker + kValueMarker.size());
  } else {
    const auto equals = word.find('=');
    if (equals == std::string::npos) return bad_override(word, "has no '='");
    key = word.substr(0, equals);
    value = word.substr(equals + 1);
  }
  if (!is_parameter_name(key))
    return bad_override(word, "does not start with a parameter name (letters and digits)");
  overrides[key] = value;
  return std::nullopt;
}

}  // namespace

Result<std::map<std::string, std::string>> parse_parameter_overrides(
    const std::vector<std::string>& arguments) {
  std::map<std::string, std::string> overrides;
  for (const auto& argument : arguments) {
    auto words = split_words(argument);
    if (!words) return bad_override(argument, "has an unclosed quote");
    for (const auto& word : *words)
      if (auto error = add_override(word, overrides)) return *error;
  }
  return overrides;
}

}  // namespace emu::tmpl
