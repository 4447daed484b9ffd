#include "emulator/template/outputs.h"

#include "emulator/template/template_error.h"

namespace emu::tmpl {
namespace {

Result<bool> is_output_created(const Node& output, const std::string& path, StackScope& scope) {
  const Node* condition = output.find("Condition");
  if (!condition) return true;
  if (!condition->is_scalar() || condition->text.empty())
    return template_error(condition->where, path + ".Condition",
                          "expected the name of a condition, got " + describe(*condition));
  return scope.condition(condition->text, condition->where, path + ".Condition");
}

Result<std::string> read_text(const Node& value, const std::string& path, StackScope& scope) {
  auto text = scope.evaluator().evaluate_value(value, path);
  if (!text) return text.error();
  if (!text->is_scalar())
    return template_error(value.where, path,
                          "an output must be a string, got " + describe(text.value()) +
                              (text->is_sequence() ? "; join the list with Fn::Join" : ""));
  return text->text;
}

Result<std::optional<Output>> read_output(const MapEntry& entry, StackScope& scope) {
  const std::string path = "Outputs." + entry.key;
  if (!is_logical_id(entry.key))
    return template_error(entry.key_where, path, "an output's name must be alphanumeric (A-Za-z0-9)");
  if (!entry.value.is_map())
    return template_error(entry.value.where, path,
                          "expected a map with a Value, got " + describe(entry.value));
  auto created = is_output_created(entry.value, path, scope);
  if (!created) return created.error();
  if (!created.value()) return std::optional<Output>();
  const Node* value = entry.value.find("Value");
  if (!value) return template_error(entry.value.where, path, "every output must have a Value");
  Output output;
  output.key = entry.key;
  auto text = read_text(*value, path + ".Value", scope);
  if (!text) return text.error();
  output.value = text.value();
  if (const Node* description = entry.value.find("Description")) {
    auto described = read_text(*description, path + ".Description", scope);
    if (!described) return described.error();
    output.description = described.value();
  }
  if (const Node* exported = entry.value.find("Export")) {
    const Node* name = exported->find("Name");
    if (!name)
      return template_error(exported->where, path + ".Export",
                            "expected a map with Name, got " + describe(*exported));
    auto export_name = read_text(*name, path + ".Export.Name", scope);
    if (!export_name) return export_name.error();
    output.export_name = export_name.value();
  }
  return std::optional<Output>(std::move(output));
}

}  // namespace

Result<std::vector<Output>> read_outputs(const Node* section, StackScope& scope) {
  std::vector<Output> outputs;
  if (!section || section->is_null()) return outputs;
  if (!section->is_map())
    return template_error(section->where, "Outputs",
                          "expected a map of outputs, got " + describe(*section));
  for (const auto& entry : section->entries) {
    auto output = read_output(entry, scope);
    if (!output) return output.error();
    if (output.value()) outputs.push_back(std::move(*output.value()));
  }
  return outputs;
}

}  // namespace emu::tmpl
