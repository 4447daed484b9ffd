// CodeArtifacts: the code of functions that run over the Runtime API. Resolves a function's
// CodeUri, and the ContentUri of each template layer it names (relative to the base folder:
// --base-dir, else the template's folder), to folders (for provided runtimes, one holding an
// executable `bootstrap`):
//
//   a zip     is hashed (its bytes, as Lambda's CodeSha256 and SAM's AutoPublishCodeSha256) and
//             unpacked with `unzip` into the user's private code cache,
//             ${XDG_CACHE_HOME:-~/.cache}/sam-emulator/code/<sha256>/ (mode 0700; a temporary
//             folder when there is no home), once per distinct content. Content-addressed and
//             never changed, so a version published from an older build keeps running the old
//             code after the zip is rebuilt, and a restart does not unpack again.
//   a folder  is used as is; its identity hashes every file's relative path, mode and bytes. An
//             older version of a folder CodeUri therefore runs the folder's current content
//             (package a zip to keep old versions intact; docs/runtime-api.md).
//
// A temporary folder (mkdtemp under $TMPDIR) is removed when the object is destroyed; the cache
// stays.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "emulator/lambda/model/code_identity.h"

namespace emu::lambda {

class CodeArtifacts {
 public:
  // `base_dir`: where relative CodeUris start ("" = each template's own folder).
  explicit CodeArtifacts(std::string base_dir) : base_dir_(std::move(base_dir)) {}
  ~CodeArtifacts();
  CodeArtifacts(const CodeArtifacts&) = delete;
  CodeArtifacts& operator=(const CodeArtifacts&) = delete;

  // Thread-safe. Unpacks a zip at most once per content hash; a zip whose size and modification
  // time have not changed since it was last hashed is not read again.
  // `needs_bootstrap`: the folder must hold an executable `bootstrap` (provided runtimes; a
  // managed runtime's loop is the emulator's own).
  Result<CodeIdentity> resolve(const tmpl::Stack& stack, const tmpl::FunctionSpec& spec,
                               bool needs_bootstrap = true);

  // Hashes and unpacks every zip the stack's functions name, in parallel (one thread per zip),
  // so that start-up costs the slowest zip rather than their sum. Errors are left for resolve()
  // to report with their template position.
  // Only the functions `wanted` says (the others run otherwise).
  void prefetch(const tmpl::Stack& stack,
                const std::function<bool(const tmpl::FunctionSpec&)>& wanted);

  // The private folder ("" until the first zip is unpacked).
  std::string private_dir() const;

  // A CodeUri or ContentUri as an absolute path (relative ones from the base folder).
  std::string path_of(const tmpl::Stack& stack, const std::string& uri) const;

 private:
  // A folder, or a zip unpacked: its identity (base64 SHA-256), size and the folder to run from.
  struct Content {
    std::string sha256;
    long long size = 0;
    std::string folder;
  };
  Result<Content> content(const std::string& path, const std::string& where);
  struct ZipCode {
    std::string code_sha256;
    long long size = 0;
    std::string folder;
  };
  // Hash (memoised by path, size and modification time) and unpack one zip.
  Result<ZipCode> zip_code(const std::string& zip, const std::string& where);
  Result<std::string> unpack(const std::string& zip, const std::string& hex_digest,
                             const std::string& where);
  Result<bool> ensure_private_dir();

  std::string base_dir_;
  mutable std::mutex mutex_;
  std::string private_dir_;
  bool remove_at_exit_ = false;  // a temporary folder, not the user's cache
  std::map<std::string, std::string> unpacked_;  // hex digest -> folder (under mutex_)
  std::map<std::string, std::string> unpacking_;  // hex digests being unpacked now
  std::map<std::string, std::pair<std::string, ZipCode>> zips_;  // path -> (stamp, code)
  std::condition_variable unpacked_changed_;
};

}  // namespace emu::lambda
