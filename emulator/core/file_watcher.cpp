#include "emulator/core/file_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "emulator/core/log.h"

namespace emu {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// What a save, a rename, a delete or a chmod (an executable bootstrap) does to a folder's entries.
constexpr std::uint32_t kFolderEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
                                        IN_DELETE | IN_ATTRIB | IN_ONLYDIR;

bool ends_with(const std::string& text, const char* suffix) {
  std::size_t n = std::strlen(suffix);
  return text.size() >= n && text.compare(text.size() - n, n, suffix) == 0;
}

// Folders whose content is never code the emulator runs: version control, sam build's output
// beside the sources, caches.
bool ignored_folder(const std::string& name) {
  return name == ".git" || name == ".aws-sam" || name == "__pycache__" || name == ".cache" ||
         name == ".pytest_cache" || name == ".mypy_cache";
}

// Files editors and interpreters write beside the code: vim's swap files and its `4913` probe,
// emacs's lock and backup files, JetBrains' safe-write copies, compiled Python.
bool ignored_file(const std::string& name) {
  return name == "4913" || name.rfind(".#", 0) == 0 || ends_with(name, "~") ||
         ends_with(name, ".swp") || ends_with(name, ".swx") || ends_with(name, ".swo") ||
         ends_with(name, ".pyc") || ends_with(name, "___jb_tmp___") ||
         ends_with(name, "___jb_old___");
}

std::string max_user_watches() {
  std::ifstream in("/proc/sys/fs/inotify/max_user_watches");
  std::string value;
  in >> value;
  return value.empty() ? "?" : value;
}

}  // namespace

FileWatcher::FileWatcher(OnChange on_change, WatchTiming timing)
    : on_change_(std::move(on_change)), timing_(timing) {
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

FileWatcher::~FileWatcher() {
  if (thread_.joinable()) {
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(stop_fd_, &one, sizeof one);
    thread_.join();
  }
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

bool FileWatcher::start(std::string& why) {
  if (inotify_fd_ < 0 || stop_fd_ < 0) {
    why = std::string("inotify is not available: ") + std::strerror(errno);
    return false;
  }
  thread_ = std::thread([this] { run(); });
  return true;
}

std::size_t FileWatcher::folder_count() const {
  std::lock_guard lock(mutex_);
  return folders_.size();
}

bool FileWatcher::add_watch(const std::string& path, const Folder& spec,
                            std::map<int, Folder>& into, std::vector<std::string>& warnings) {
  int wd = ::inotify_add_watch(inotify_fd_, path.c_str(), kFolderEvents);
  if (wd < 0) {
    if (errno == ENOSPC) {
      if (!limit_warned_)
        warnings.push_back("cannot watch " + path + ": the kernel's inotify watch limit "
                           "(fs.inotify.max_user_watches = " + max_user_watches() +
                           ") is reached, so changes there are not seen. Raise it, e.g. "
                           "sysctl fs.inotify.max_user_watches=524288");
      limit_warned_ = true;
      return false;
    }
    if (errno != ENOENT && errno != ENOTDIR)  // gone meanwhile: its parent's event says so
      warnings.push_back("cannot watch " + path + ": " + std::strerror(errno));
    return true;
  }
  // Two paths of one folder (a file's folder that is also a code folder) share a descriptor.
  auto& folder = into[wd];
  folder.path = path;
  folder.recursive = folder.recursive || spec.recursive;
  folder.names.insert(spec.names.begin(), spec.names.end());
  return true;
}

bool FileWatcher::add_tree(const std::string& root, std::map<int, Folder>& into,
                           std::vector<std::string>& warnings) {
  Folder recursive;
  recursive.recursive = true;
  std::vector<std::string> todo{root};
  while (!todo.empty()) {
    std::string folder = std::move(todo.back());
    todo.pop_back();
    if (!add_watch(folder, recursive, into, warnings)) return false;
    std::error_code ec;
    fs::directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::error_code type_ec;
      if (it->is_symlink(type_ec) || !it->is_directory(type_ec)) continue;
      if (ignored_folder(it->path().filename().string())) continue;
      todo.push_back(it->path().string());
    }
  }
  return true;
}

std::vector<std::string> FileWatcher::watch(const std::vector<std::string>& requested) {
  std::vector<std::string> warnings;
  if (inotify_fd_ < 0) return warnings;
  std::lock_guard lock(mutex_);
  if (requested == paths_ && !stale_) return warnings;
  paths_ = requested;
  stale_ = false;
  limit_warned_ = false;
  std::map<int, Folder> wanted;
  bool any_missing = false;
  for (auto path : requested) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();  // "src/" names "src"
    std::error_code ec;
    auto status = fs::status(path, ec);
    bool added = true;
    if (!ec && fs::is_directory(status)) {
      added = add_tree(path, wanted, warnings);
    } else if (!ec && fs::exists(status)) {
      Folder file;
      file.names = {fs::path(path).filename().string()};
      added = add_watch(fs::path(path).parent_path().string(), file, wanted, warnings);
    } else {
      // Watched for from the nearest folder that exists: its first missing part appearing is a
      // change, after which it is watched itself.
      fs::path missing = path;
      while (missing.has_parent_path() && missing.parent_path() != missing &&
             !fs::is_directory(missing.parent_path(), ec))
        missing = missing.parent_path();
      any_missing = true;
      warnings.push_back("cannot watch " + path + ": it does not exist (it is watched for, and "
                         "deployed when it appears)");
      Folder parent;
      parent.names = {missing.filename().string()};
      added = add_watch(missing.parent_path().string(), parent, wanted, warnings);
    }
    if (!added) break;  // the limit: the rest would fail the same way
  }
  // Folders no longer wanted lose their watch; the others keep it, and their queued events.
  for (const auto& [wd, folder] : folders_)
    if (!wanted.count(wd)) ::inotify_rm_watch(inotify_fd_, wd);
  folders_ = std::move(wanted);
  stale_ = any_missing;  // watch() again once it appears, even when asked the same paths
  return warnings;
}

void FileWatcher::read_events(std::vector<std::string>& changed) {
  alignas(inotify_event) char buffer[64 * 1024];
  std::vector<std::string> warnings;
  std::lock_guard lock(mutex_);
  while (true) {
    ssize_t length = ::read(inotify_fd_, buffer, sizeof buffer);
    if (length <= 0) break;  // EAGAIN: all read
    for (char* at = buffer; at < buffer + length;) {
      auto* event = reinterpret_cast<inotify_event*>(at);
      at += sizeof(inotify_event) + event->len;
      if (event->mask & IN_Q_OVERFLOW) {
        stale_ = true;  // folders made meanwhile may have no watch: the next watch() rebuilds
        changed.push_back("(more changes than the kernel could queue)");
        continue;
      }
      auto found = folders_.find(event->wd);
      if (found == folders_.end()) continue;
      if (event->mask & IN_IGNORED) {  // the folder was deleted, or moved away and unwatched
        stale_ = true;
        changed.push_back(found->second.path);
        folders_.erase(found);
        continue;
      }
      if (event->len == 0) continue;  // about the folder itself
      std::string name = event->name;
      const Folder& folder = found->second;
      if (!folder.recursive && !folder.names.count(name)) continue;
      bool is_folder = event->mask & IN_ISDIR;
      if (is_folder ? ignored_folder(name) : ignored_file(name)) continue;
      std::string path = folder.path + "/" + name;
      if (folder.recursive && is_folder) {
        if (event->mask & (IN_CREATE | IN_MOVED_TO)) {
          add_tree(path, folders_, warnings);
        } else if (event->mask & IN_MOVED_FROM) {
          // Moved out of the tree: its watches would report under the old path.
          for (auto it = folders_.begin(); it != folders_.end();) {
            const std::string& p = it->second.path;
            if (p == path || p.rfind(path + "/", 0) == 0) {
              ::inotify_rm_watch(inotify_fd_, it->first);
              it = folders_.erase(it);
            } else {
              ++it;
            }
          }
        }
      }
      changed.push_back(std::move(path));
    }
  }
  for (const auto& warning : warnings) log::warn("--watch: " + warning);
}

void FileWatcher::run() {
  std::set<std::string> pending;
  bool burst = false;     // events since the last call
  bool retrying = false;  // the last call asked to be called again at retry_at
  Clock::time_point first, last, retry_at;
  auto deadline = [&] {
    return burst ? std::min(last + timing_.quiet, first + timing_.longest) : retry_at;
  };
  while (true) {
    int timeout_ms = -1;
    if (burst || retrying) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline() - Clock::now());
      timeout_ms = static_cast<int>(std::max<long long>(0, left.count()));
    }
    pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
    int ready = ::poll(fds, 2, timeout_ms);
    if (ready < 0 && errno != EINTR) {
      log::warn(std::string("--watch: stopped: poll failed: ") + std::strerror(errno));
      break;
    }
    if (ready > 0 && fds[0].revents) break;
    if (ready > 0 && fds[1].revents) {
      std::vector<std::string> changed;
      read_events(changed);
      if (!changed.empty()) {
        auto now = Clock::now();
        if (!burst) first = now;
        burst = true;
        last = now;
        pending.insert(changed.begin(), changed.end());
      }
    }
    if (!(burst || retrying) || pending.empty() || Clock::now() < deadline()) continue;
    std::optional<std::chrono::milliseconds> again;
    try {
      again = on_change_(std::vector<std::string>(pending.begin(), pending.end()));
    } catch (const std::exception& error) {  // the watcher goes on; the emulator too
      log::warn(std::string("--watch: a change could not be handled: ") + error.what());
    }
    burst = retrying = false;
    if (again) {
      retrying = true;
      retry_at = Clock::now() + *again;
    } else {
      pending.clear();
    }
  }
}

}  // namespace emu
