// Paths of the templates the integration tests serve.
#pragma once

#include <string>

#include "emulator_process.h"

namespace it {

// The project's own template.yaml (the seed application: whodis and oleoleole).
inline std::string seed_template() { return source_path("template.yaml"); }

// tests/templates/<name>, e.g. test_template("faults.yaml").
inline std::string test_template(const std::string& name) {
  return source_path("tests/templates/" + name);
}

}  // namespace it
