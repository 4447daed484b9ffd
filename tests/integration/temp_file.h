// TempFile: a file with given contents in the temporary directory, removed by the destructor.
#pragma once

#include <string>

namespace it {

class TempFile {
 public:
  // Writes `contents` to a new file named "<TMPDIR or /tmp>/emulator-it-XXXXXX<suffix>".
  // Throws std::runtime_error when it cannot.
  TempFile(const std::string& contents, const std::string& suffix);
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace it
