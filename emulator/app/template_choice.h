// Which template file to serve. As `sam local` does, sam build's output
// (.aws-sam/build/template.yaml, whose CodeUris name the built functions, dependencies included)
// wins over the sources when it exists (SAM CLI: the default template is searched as
// .aws-sam/build/template.yaml, template.yaml, template.yml, template.json); here also beside a
// template named on the command line. --ignore-sam-build serves the sources.
#pragma once

#include <string>
#include <vector>

#include "emulator/app/options.h"

namespace emu::app {

struct TemplateChoice {
  std::string path;                   // the template to load
  std::vector<std::string> notes;     // said at start: which template, and why
  std::vector<std::string> warnings;  // e.g. the sources changed after sam build ran
  // When sam build's output is served: the sources' template (.aws-sam's folder), whose folder
  // names the stack as it would without the build ("" otherwise).
  std::string source;
};

TemplateChoice choose_template(const Options& options);

}  // namespace emu::app
