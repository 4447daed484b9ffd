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

// TempDir: a new folder "<TMPDIR or /tmp>/emulator-it-XXXXXX", removed with its contents by the
// destructor. Throws std::runtime_error when it cannot be made.
class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  // The absolute path of `relative` inside (the folder itself for "").
  std::string path(const std::string& relative = "") const;
  // Writes `contents` to `relative`, making its folders.
  void write(const std::string& relative, const std::string& contents) const;

 private:
  std::string path_;
};

}  // namespace it
