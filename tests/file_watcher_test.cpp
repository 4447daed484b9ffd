// FileWatcher (emulator/core/file_watcher.h): inotify events on real folders, settled into one
// callback; what is ignored; folders made after the start; a single watched file; a retry.
#include "emulator/core/file_watcher.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Folder {
  fs::path root;
  explicit Folder(const std::string& name) {
    root = fs::temp_directory_path() / ("file-watcher-test-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);
  }
  ~Folder() { fs::remove_all(root); }
  std::string write(const std::string& relative, const std::string& text = "x") const {
    fs::create_directories((root / relative).parent_path());
    std::ofstream(root / relative) << text;
    return (root / relative).string();
  }
};

// Records each callback's paths; answers `again` (a retry) while `retries` lasts.
struct Recorder {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::vector<std::string>> calls;
  int retries = 0;

  std::optional<std::chrono::milliseconds> operator()(const std::vector<std::string>& paths) {
    std::lock_guard lock(mutex);
    calls.push_back(paths);
    changed.notify_all();
    if (retries > 0) {
      --retries;
      return 50ms;
    }
    return std::nullopt;
  }
  bool wait_for_calls(std::size_t n, std::chrono::milliseconds budget = 5s) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, budget, [&] { return calls.size() >= n; });
  }
  std::vector<std::vector<std::string>> snapshot() {
    std::lock_guard lock(mutex);
    return calls;
  }
};

emu::FileWatcher::Timing fast() { return {150ms, 2000ms}; }

}  // namespace

TEST_CASE("FileWatcher: several saves settle into one call with each changed path once") {
  Folder folder("settle");
  folder.write("app.py");
  Recorder recorder;
  emu::FileWatcher watcher(std::ref(recorder), fast());
  CHECK(watcher.watch({folder.root.string()}).empty());
  std::string why;
  REQUIRE(watcher.start(why));
  auto app = folder.write("app.py", "one");
  folder.write("app.py", "two");
  auto added = folder.write("lib/new.py");  // a folder made after the start, and a file in it
  REQUIRE(recorder.wait_for_calls(1));
  std::this_thread::sleep_for(200ms);  // no second call for the same burst
  auto calls = recorder.snapshot();
  REQUIRE(calls.size() == 1);
  CHECK(std::count(calls[0].begin(), calls[0].end(), app) == 1);
  CHECK(std::count(calls[0].begin(), calls[0].end(), (folder.root / "lib").string()) == 1);
  // The file in the new folder: seen in the same burst, or as a change of its own right after.
  folder.write("lib/new.py", "again");
  REQUIRE(recorder.wait_for_calls(2));
  calls = recorder.snapshot();
  CHECK(std::count(calls[1].begin(), calls[1].end(), added) == 1);
}

TEST_CASE("FileWatcher: editor files, compiled Python and ignored folders are not changes") {
  Folder folder("ignored");
  folder.write(".git/HEAD");
  folder.write(".aws-sam/build/template.yaml");
  Recorder recorder;
  emu::FileWatcher watcher(std::ref(recorder), fast());
  watcher.watch({folder.root.string()});
  std::string why;
  REQUIRE(watcher.start(why));
  folder.write(".app.py.swp");
  folder.write("app.py~");
  folder.write("4913");
  folder.write(".#app.py");
  folder.write("__pycache__/app.cpython-311.pyc");
  folder.write(".git/HEAD", "changed");
  folder.write(".aws-sam/build/template.yaml", "changed");
  auto real = folder.write("app.py");
  REQUIRE(recorder.wait_for_calls(1));
  auto calls = recorder.snapshot();
  CHECK(calls[0] == std::vector<std::string>{real});
}

TEST_CASE("FileWatcher: a watched file reports only itself, also when saved by rename") {
  Folder folder("file");
  auto watched = folder.write("template.yaml");
  Recorder recorder;
  emu::FileWatcher watcher(std::ref(recorder), fast());
  watcher.watch({watched});
  std::string why;
  REQUIRE(watcher.start(why));
  folder.write("other.txt");
  folder.write("template.yaml.tmp", "new");
  fs::rename(folder.root / "template.yaml.tmp", watched);
  REQUIRE(recorder.wait_for_calls(1));
  CHECK(recorder.snapshot()[0] == std::vector<std::string>{watched});
}

TEST_CASE("FileWatcher: a call that asks for a retry is called again with the same paths") {
  Folder folder("retry");
  Recorder recorder;
  recorder.retries = 2;
  emu::FileWatcher watcher(std::ref(recorder), fast());
  watcher.watch({folder.root.string()});
  std::string why;
  REQUIRE(watcher.start(why));
  auto path = folder.write("a.js");
  REQUIRE(recorder.wait_for_calls(3));
  auto calls = recorder.snapshot();
  for (const auto& call : calls) CHECK(call == std::vector<std::string>{path});
}

TEST_CASE("FileWatcher: a missing path is a warning that names it") {
  Recorder recorder;
  emu::FileWatcher watcher(std::ref(recorder), fast());
  auto warnings = watcher.watch({"/nonexistent/sam-emulator/code"});
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].rfind("cannot watch /nonexistent/sam-emulator/code: it does not exist", 0) == 0);
}

TEST_CASE("FileWatcher: a save while the callback runs and watches again is not lost") {
  Folder folder("during");
  auto app = folder.write("app.py");
  std::mutex mutex;
  std::condition_variable changed;
  int calls = 0;
  emu::FileWatcher* self = nullptr;
  emu::FileWatcher watcher(
      [&](const std::vector<std::string>&) -> std::optional<std::chrono::milliseconds> {
        if (calls == 0) {
          folder.write("app.py", "saved during the deploy");
          self->watch({folder.root.string()});  // what HotReload does after each deploy
        }
        std::lock_guard lock(mutex);
        ++calls;
        changed.notify_all();
        return std::nullopt;
      },
      fast());
  self = &watcher;
  watcher.watch({folder.root.string()});
  std::string why;
  REQUIRE(watcher.start(why));
  folder.write("app.py", "first save");
  std::unique_lock lock(mutex);
  CHECK(changed.wait_for(lock, 5s, [&] { return calls >= 2; }));
}

TEST_CASE("FileWatcher: a watched folder deleted and made again (sam build) is watched again") {
  Folder folder("rebuilt");
  const std::string build = (folder.root / "build").string();
  folder.write("build/app.py");
  Recorder recorder;
  emu::FileWatcher watcher(std::ref(recorder), fast());
  watcher.watch({build});
  std::string why;
  REQUIRE(watcher.start(why));
  fs::remove_all(build);
  REQUIRE(recorder.wait_for_calls(1));
  // HotReload watches again after each change: the folder is missing, so watched for.
  auto warnings = watcher.watch({build});
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("it is watched for") != std::string::npos);
  folder.write("build/app.py", "rebuilt");
  REQUIRE(recorder.wait_for_calls(2));
  CHECK(recorder.snapshot()[1] == std::vector<std::string>{build});
  // Once it exists, it is watched itself again.
  CHECK(watcher.watch({build}).empty());
  folder.write("build/app.py", "edited");
  REQUIRE(recorder.wait_for_calls(3));
  CHECK(recorder.snapshot()[2] == std::vector<std::string>{build + "/app.py"});
}
