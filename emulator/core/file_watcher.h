// FileWatcher: says when files change, from the kernel's inotify events (no polling loop), after
// the changes settle. Used by --watch (app/hot_reload.h).
//
// What is watched: each path is a file (its folder is watched and only that name is reported, so
// an editor that saves by writing a new file and renaming it over the old one is seen) or a
// folder, watched with every folder below it, including folders created later. Editor droppings
// (swap and backup files, `4913`), compiled Python (`__pycache__`, *.pyc) and the folders `.git`,
// `.aws-sam` (sam build's output beside the sources) and caches (`.cache`, `.pytest_cache`,
// `.mypy_cache`) are never reported.
//
// When: the callback runs on the watcher's own thread once `quiet` has passed with no further
// event (or `longest` after the first one, for a stream of changes that never pauses), with the
// paths that changed. It may ask to be called again later (e.g. a deployment in progress refused
// the change): it returns how long to wait; new events in the meantime call it sooner.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace emu {

// How long changes must pause before the callback runs, and the longest they may delay it.
struct WatchTiming {
  std::chrono::milliseconds quiet{300};
  std::chrono::milliseconds longest{2000};
};

class FileWatcher {
 public:
  // Returns when to call again with the same paths (and any new ones), or nothing when done.
  using OnChange = std::function<std::optional<std::chrono::milliseconds>(
      const std::vector<std::string>& changed)>;

  using Timing = WatchTiming;

  explicit FileWatcher(OnChange on_change, WatchTiming timing = WatchTiming{});
  ~FileWatcher();  // stops the thread (after a callback in progress returns)
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  // Replaces what is watched by `paths` (absolute). Folders already watched keep their watch
  // (and the events queued for them); a missing path is watched for from its nearest existing
  // folder, so it is seen when it appears (sam build recreating .aws-sam/build). Returns one
  // warning per path that cannot be watched, saying why (missing, the kernel's inotify limit,
  // permissions). Does nothing when `paths` are those watched and no watched folder went away.
  // Thread-safe; may be called from the callback.
  std::vector<std::string> watch(const std::vector<std::string>& paths);

  // Starts the thread. False (and a warning in `why`) when inotify is not available.
  bool start(std::string& why);

  // Folders watched now (one inotify watch each).
  std::size_t folder_count() const;

 private:
  struct Folder {
    std::string path;
    bool recursive = false;          // report every name, and watch folders created below
    std::set<std::string> names;     // when not recursive: the file names reported
  };
  void run();
  void read_events(std::vector<std::string>& changed);
  // Adds a watch on `path` with `spec` merged into `into` (by descriptor); false when the kernel
  // refused for its limit.
  bool add_watch(const std::string& path, const Folder& spec, std::map<int, Folder>& into,
                 std::vector<std::string>& warnings);
  // `root` and every folder below it (not through links, not into ignored folders), as watched.
  bool add_tree(const std::string& root, std::map<int, Folder>& into,
                std::vector<std::string>& warnings);

  OnChange on_change_;
  Timing timing_;
  int inotify_fd_ = -1;
  int stop_fd_ = -1;
  mutable std::mutex mutex_;
  std::map<int, Folder> folders_;  // by inotify watch descriptor
  std::vector<std::string> paths_;  // what watch() was asked last
  bool stale_ = false;              // a watched folder went away, or events were lost
  bool limit_warned_ = false;
  std::thread thread_;
};

}  // namespace emu
