#include "emulator/app/template_choice.h"

#include <filesystem>

namespace emu::app {
namespace {

namespace fs = std::filesystem;

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

// sam build's output for the sources in `folder`, or "" when there is none.
fs::path built_template(const fs::path& folder) {
  fs::path built = folder / ".aws-sam" / "build" / "template.yaml";
  return is_file(built) ? built : fs::path();
}

// `built` is served instead of `source`: say so, and warn when the sources changed after the
// build (a stale build is the usual reason for "my edit does nothing" with sam local).
void serve_built(TemplateChoice& choice, const fs::path& source, const fs::path& built) {
  choice.path = built.string();
  choice.source = source.string();
  choice.notes.push_back("Serving sam build's output " + built.string() + " (built from " +
                         source.string() + "; --ignore-sam-build serves the sources)");
  std::error_code ec1, ec2;
  auto source_time = fs::last_write_time(source, ec1);
  auto built_time = fs::last_write_time(built, ec2);
  if (!ec1 && !ec2 && source_time > built_time)
    choice.warnings.push_back(source.string() + " changed after sam build wrote " +
                              built.string() + ": run sam build again, or start with "
                              "--ignore-sam-build to serve the sources");
}

}  // namespace

TemplateChoice choose_template(const Options& options) {
  TemplateChoice choice;
  choice.path = options.template_path;
  if (!options.template_given) {
    // SAM CLI's search order for the default template, in the current folder.
    if (options.use_sam_build) {
      if (auto built = built_template("."); !built.empty()) {
        fs::path source = "template.yaml";
        for (const char* name : {"template.yaml", "template.yml", "template.json"})
          if (is_file(name)) {
            source = name;
            break;
          }
        serve_built(choice, source, built.lexically_normal());
        return choice;
      }
    }
    for (const char* name : {"template.yaml", "template.yml", "template.json"})
      if (is_file(name)) {
        choice.path = name;
        break;
      }
    return choice;
  }
  // A template named on the command line: its own build output, unless it is that output.
  fs::path source = options.template_path;
  const bool inside_build = source.parent_path().filename() == "build" &&
                            source.parent_path().parent_path().filename() == ".aws-sam";
  if (inside_build) choice.source = (source.parent_path().parent_path().parent_path() /
                                     "template.yaml").string();
  if (options.use_sam_build && !inside_build && is_file(source)) {
    fs::path folder = source.parent_path().empty() ? fs::path(".") : source.parent_path();
    if (auto built = built_template(folder); !built.empty())
      serve_built(choice, source, built.lexically_normal());
  }
  return choice;
}

}  // namespace emu::app
