#include "emulator/lambda/runtime_api/code_artifacts.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "emulator/core/base64.h"
#include "emulator/core/sha256.h"
#include "emulator/lambda/runtime_api/process_spawner.h"

namespace emu::lambda {
namespace {

namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"CodeError", "cannot read " + path.string()};
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

bool executable(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

// A folder's identity: every regular file's relative path, executable bit and bytes, in path
// order, so the same content gives the same hash wherever the folder is.
Result<std::pair<std::string, long long>> folder_digest(const fs::path& folder) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(folder, fs::directory_options::follow_directory_symlink,
                                           ec), end;
       !ec && it != end; it.increment(ec)) {
    // Python's bytecode caches are made by running the code, not part of it (and the emulator
    // points them elsewhere: app/function_code.cpp).
    if (it->is_directory(ec) && it->path().filename() == "__pycache__") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) return Error{"CodeError", folder.string() + ": " + ec.message()};
  std::sort(files.begin(), files.end());
  std::string material;
  long long size = 0;
  for (const auto& file : files) {
    auto bytes = read_file(file);
    if (!bytes.ok()) return bytes.error();
    material += fs::relative(file, folder).generic_string();
    material.push_back('\0');
    material.push_back(executable(file) ? 'x' : '-');
    material += std::to_string(bytes->size());
    material.push_back('\0');
    material += bytes.value();
    size += static_cast<long long>(bytes->size());
  }
  return std::pair{base64::encode(bytes_of(sha256(material))), size};
}

}  // namespace

CodeArtifacts::~CodeArtifacts() {
  std::lock_guard lock(mutex_);
  if (private_dir_.empty() || !remove_at_exit_) return;
  std::error_code ec;
  fs::remove_all(private_dir_, ec);
}

std::string CodeArtifacts::private_dir() const {
  std::lock_guard lock(mutex_);
  return private_dir_;
}

Result<bool> CodeArtifacts::ensure_private_dir() {
  std::lock_guard lock(mutex_);
  if (!private_dir_.empty()) return true;
  // ${XDG_CACHE_HOME:-$HOME/.cache}/sam-emulator/code, mode 0700: the user's own, like SAM
  // CLI's build cache; else a folder of our own under $TMPDIR.
  std::string root;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    root = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    root = std::string(home) + "/.cache";
  }
  std::error_code ec;
  if (!root.empty()) {
    fs::path cache = fs::path(root) / "sam-emulator" / "code";
    fs::create_directories(cache, ec);
    if (!ec) {
      fs::permissions(cache.parent_path(), fs::perms::owner_all, fs::perm_options::replace, ec);
      struct stat info {};
      if (!ec && ::lstat(cache.c_str(), &info) == 0 && S_ISDIR(info.st_mode) &&
          info.st_uid == ::geteuid()) {
        private_dir_ = cache.string();
        return true;
      }
    }
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/sam-emulator-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    return Error{"CodeError", "cannot create a private folder for unpacked packages (" +
                                  pattern + "); set XDG_CACHE_HOME or TMPDIR to a writable folder"};
  private_dir_ = pattern;
  remove_at_exit_ = true;
  return true;
}

Result<std::string> CodeArtifacts::unpack(const std::string& zip, const std::string& hex_digest,
                                          const std::string& where) {
  {
    // One unpack per content: a second caller waits for the first.
    std::unique_lock lock(mutex_);
    unpacked_changed_.wait(lock, [&] { return unpacking_.count(hex_digest) == 0; });
    if (auto it = unpacked_.find(hex_digest); it != unpacked_.end()) return it->second;
    unpacking_.emplace(hex_digest, zip);
  }
  auto finish = [&](Result<std::string> outcome) {
    std::lock_guard lock(mutex_);
    unpacking_.erase(hex_digest);
    if (outcome.ok()) unpacked_.emplace(hex_digest, outcome.value());
    unpacked_changed_.notify_all();
    return outcome;
  };
  if (auto made = ensure_private_dir(); !made.ok()) return finish(made.error());
  fs::path folder = fs::path(private_dir()) / hex_digest;
  std::error_code ec;
  if (executable(folder / "bootstrap")) {
    // Unpacked before, by this or an earlier run: content-addressed, so it is this zip's content.
    fs::last_write_time(folder, fs::file_time_type::clock::now(), ec);
    return finish(folder.string());
  }
  // Unpack beside the final name and rename, so a concurrent emulator never sees half a folder.
  fs::path staging = folder.string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                     std::to_string(reinterpret_cast<std::uintptr_t>(&ec));
  fs::create_directories(staging, ec);
  if (ec) return finish(Error{"CodeError", staging.string() + ": " + ec.message()});
  // Info-ZIP's unzip keeps the Unix modes a zip records (bootstrap's executable bit).
  auto status = run_tool("unzip", {"-q", "-o", zip, "-d", staging.string()});
  if (!status.ok() || status.value() > 1) {  // 1: warnings only
    fs::remove_all(staging, ec);
    if (!status.ok())
      return finish(Error{"CodeError", where + ": cannot unpack " + zip + ": " +
                                           status.error().message +
                                           " (is unzip installed? apt-get install unzip)"});
    return finish(Error{"CodeError", where + ": " + zip + " is not a zip unzip can read (unzip " +
                                         "exit code " + std::to_string(status.value()) + ")"});
  }
  fs::rename(staging, folder, ec);
  if (ec) fs::remove_all(staging, ec);  // another emulator got there first: use its copy
  return finish(folder.string());
}

Result<CodeArtifacts::ZipCode> CodeArtifacts::zip_code(const std::string& zip,
                                                       const std::string& where) {
  std::error_code ec;
  auto size = fs::file_size(zip, ec);
  auto mtime = fs::last_write_time(zip, ec);
  std::string stamp = std::to_string(size) + "@" +
                      std::to_string(mtime.time_since_epoch().count());
  {
    std::lock_guard lock(mutex_);
    if (auto it = zips_.find(zip); !ec && it != zips_.end() && it->second.first == stamp)
      return it->second.second;
  }
  auto bytes = read_file(zip);
  if (!bytes.ok()) return Error{"CodeError", where + ": " + bytes.error().message};
  auto digest = sha256(bytes.value());
  ZipCode code;
  // AWS: base64 SHA-256 of the deployment package.
  code.code_sha256 = base64::encode(bytes_of(digest));
  code.size = static_cast<long long>(bytes->size());
  auto folder = unpack(zip, to_hex(digest), where);
  if (!folder.ok()) return folder.error();
  code.folder = folder.value();
  std::lock_guard lock(mutex_);
  if (!ec) zips_[zip] = {stamp, code};
  return code;
}

std::string CodeArtifacts::path_of(const tmpl::Stack& stack, const std::string& uri) const {
  fs::path base = base_dir_.empty() ? fs::path(stack.template_path).parent_path()
                                    : fs::path(base_dir_);
  fs::path path = fs::path(uri).is_absolute() ? fs::path(uri) : base / uri;
  return fs::absolute(path).lexically_normal().string();
}

void CodeArtifacts::prefetch(const tmpl::Stack& stack,
                             const std::function<bool(const tmpl::FunctionSpec&)>& wanted) {
  std::vector<std::string> zips;
  for (const auto& spec : stack.functions) {
    if (spec.code_uri.rfind("s3://", 0) == 0 || !wanted(spec)) continue;
    auto path = path_of(stack, spec.code_uri);
    std::error_code ec;
    if (fs::is_regular_file(path, ec) &&
        std::find(zips.begin(), zips.end(), path) == zips.end())
      zips.push_back(path);
  }
  if (zips.size() < 2) return;  // nothing to overlap
  std::vector<std::thread> threads;
  for (const auto& zip : zips)
    threads.emplace_back([this, zip] { (void)zip_code(zip, zip); });
  for (auto& thread : threads) thread.join();
}

Result<CodeArtifacts::Content> CodeArtifacts::content(const std::string& path,
                                                      const std::string& where) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return Error{"TemplateError",
                 where + ": " + path + " does not exist. Build the packages first " +
                     "(cmake --build build --target lambda_zips, or sam build), or point it (or " +
                     "--base-dir) at the folder that holds them"};
  }
  Content found;
  if (fs::is_directory(path, ec)) {
    auto digest = folder_digest(path);
    if (!digest.ok()) return Error{"TemplateError", where + ": " + digest.error().message};
    found = {digest->first, digest->second, path};
  } else {
    auto zip = zip_code(path, where);
    if (!zip.ok()) return Error{"TemplateError", zip.error().message};
    found = {zip->code_sha256, zip->size, zip->folder};
  }
  while (found.folder.size() > 1 && found.folder.back() == '/') found.folder.pop_back();
  return found;
}

Result<CodeIdentity> CodeArtifacts::resolve(const tmpl::Stack& stack,
                                            const tmpl::FunctionSpec& spec, bool needs_bootstrap) {
  const std::string where = spec.code_uri_where.to_string() + ": Resources." + spec.logical_id +
                            ".Properties.CodeUri";
  CodeIdentity code;
  code.package = package_name(spec.code_uri);
  if (spec.code_uri.rfind("s3://", 0) == 0)
    return Error{"TemplateError",
                 where + ": \"" + spec.code_uri + "\" is in S3; the emulator runs local code " +
                     "only: point CodeUri at a zip or a folder (sam build's, or your sources)"};
  const std::string path = path_of(stack, spec.code_uri);
  auto found = content(path, where);
  if (!found.ok()) return found.error();
  code.code_sha256 = found->sha256;
  code.code_size = found->size;
  code.code_dir = found->folder;
  if (needs_bootstrap && !executable(fs::path(code.code_dir) / "bootstrap")) {
    std::string note = runtime_support_note(spec.runtime);
    return Error{"TemplateError",
                 where + ": " + path + " has no executable `bootstrap` at its root." +
                     (note.empty() ? " Runtime " + spec.runtime +
                                         " runs ./bootstrap, a program that serves the Lambda "
                                         "Runtime API (docs/runtime-api.md)"
                                   : note)};
  }
  // The template's layers, in order; their identities together are the version's layer identity.
  std::string layer_material;
  for (std::size_t i = 0; i < spec.layers.size(); ++i) {
    const auto& layer = spec.layers[i];
    if (layer.content_uri.empty()) continue;  // an ARN from elsewhere: warned at load
    const std::string layer_where = layer.where.to_string() + ": Resources." + spec.logical_id +
                                    ".Properties.Layers[" + std::to_string(i) + "] (" +
                                    layer.layer_logical_id + ".ContentUri)";
    if (layer.content_uri.rfind("s3://", 0) == 0)
      return Error{"TemplateError", layer_where + ": \"" + layer.content_uri +
                                        "\" is in S3; the emulator serves local layer content "
                                        "only: point ContentUri at a folder or a zip"};
    auto layer_content = content(path_of(stack, layer.content_uri), layer_where);
    if (!layer_content.ok()) return layer_content.error();
    code.layer_dirs.push_back(layer_content->folder);
    layer_material += layer_content->sha256 + "\n";
  }
  if (!layer_material.empty())
    code.layers_sha256 = base64::encode(bytes_of(sha256(layer_material)));
  return code;
}

}  // namespace emu::lambda
