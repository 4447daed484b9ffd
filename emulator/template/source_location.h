// Where a value stands in a template file, for error messages: "template.yaml:12:5".
#pragma once

#include <string>

namespace emu::tmpl {

struct SourceLocation {
  std::string file;  // as given on the command line
  int line = 0;      // 1-based; 0 means unknown
  int column = 0;    // 1-based; 0 means unknown

  // "file:line:column", or just "file" when the position is unknown.
  std::string to_string() const {
    if (line <= 0) return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

}  // namespace emu::tmpl
