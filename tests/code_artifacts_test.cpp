// CodeArtifacts (Runtime API mode's code) and the CodeResolver seam of FunctionStore.
#include "emulator/lambda/runtime_api/code_artifacts.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "emulator/core/base64.h"
#include "emulator/core/sha256.h"
#include "emulator/lambda/model/function_store.h"
#include "emulator/lambda/runtime_api/process_spawner.h"

using namespace emu;
using namespace emu::lambda;
namespace fs = std::filesystem;

namespace {

// A scratch project folder with its own XDG_CACHE_HOME, removed at the end.
struct Project {
  fs::path root;
  std::string old_cache;
  Project() {
    root = fs::temp_directory_path() / ("code-artifacts-test-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "cache");
    if (const char* cache = std::getenv("XDG_CACHE_HOME")) old_cache = cache;
    ::setenv("XDG_CACHE_HOME", (root / "cache").c_str(), 1);
  }
  ~Project() {
    if (old_cache.empty()) ::unsetenv("XDG_CACHE_HOME");
    else ::setenv("XDG_CACHE_HOME", old_cache.c_str(), 1);
    fs::remove_all(root);
  }
  void write(const fs::path& relative, const std::string& text, bool executable = false) {
    fs::create_directories((root / relative).parent_path());
    std::ofstream(root / relative, std::ios::binary) << text;
    if (executable) fs::permissions(root / relative, fs::perms::owner_all, fs::perm_options::add);
  }
  tmpl::Stack stack(const std::string& code_uri) const {
    tmpl::Stack stack;
    stack.template_path = (root / "template.yaml").string();
    stack.stack_name = "unit";
    stack.region = "us-east-1";
    stack.partition = "aws";
    tmpl::FunctionSpec spec;
    spec.logical_id = "Fn";
    spec.function_name = "unit-Fn";
    spec.code_uri = code_uri;
    spec.runtime = "provided.al2023";
    spec.handler = "bootstrap";
    spec.code_uri_where.file = stack.template_path;
    spec.code_uri_where.line = 7;
    spec.code_uri_where.column = 16;
    stack.functions.push_back(spec);
    return stack;
  }
};

std::string file_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("code: a folder is used as is; its identity follows its content") {
  Project project;
  project.write("fn/bootstrap", "#!/bin/sh\necho one\n", true);
  CodeArtifacts artifacts("");
  auto stack = project.stack("fn");
  auto first = artifacts.resolve(stack, stack.functions[0]);
  REQUIRE(first.ok());
  CHECK(first->code_dir == (project.root / "fn").string());
  CHECK(first->package == "fn");
  CHECK((first->handler == nullptr));
  auto again = artifacts.resolve(stack, stack.functions[0]);
  CHECK(again->code_sha256 == first->code_sha256);
  project.write("fn/bootstrap", "#!/bin/sh\necho two\n", true);
  auto changed = artifacts.resolve(stack, stack.functions[0]);
  CHECK(changed->code_sha256 != first->code_sha256);
}

TEST_CASE("code: a zip's identity is the SHA-256 of its bytes; it is unpacked once, kept") {
  Project project;
  project.write("src/bootstrap", "#!/bin/sh\necho v1\n", true);
  auto zipped = run_tool("sh", {"-c", "cd " + (project.root / "src").string() +
                                          " && zip -q -X ../fn.zip bootstrap"});
  REQUIRE(zipped.ok());
  REQUIRE(zipped.value() == 0);
  CodeArtifacts artifacts("");
  auto stack = project.stack("fn.zip");
  auto code = artifacts.resolve(stack, stack.functions[0]);
  REQUIRE(code.ok());
  auto digest = sha256(file_text(project.root / "fn.zip"));
  CHECK(code->code_sha256 == base64::encode(bytes_of(digest)));
  CHECK(code->code_size == static_cast<long long>(fs::file_size(project.root / "fn.zip")));
  CHECK(code->code_dir.rfind((project.root / "cache" / "sam-emulator" / "code").string(), 0) == 0);
  CHECK(file_text(fs::path(code->code_dir) / "bootstrap") == "#!/bin/sh\necho v1\n");
  CHECK(::access((fs::path(code->code_dir) / "bootstrap").c_str(), X_OK) == 0);

  // A rebuilt zip with other content: a new folder; the old one stays for the old version.
  project.write("src/bootstrap", "#!/bin/sh\necho v2\n", true);
  fs::remove(project.root / "fn.zip");
  REQUIRE(run_tool("sh", {"-c", "cd " + (project.root / "src").string() +
                                    " && zip -q -X ../fn.zip bootstrap"}).value() == 0);
  auto rebuilt = artifacts.resolve(stack, stack.functions[0]);
  REQUIRE(rebuilt.ok());
  CHECK(rebuilt->code_sha256 != code->code_sha256);
  CHECK(rebuilt->code_dir != code->code_dir);
  CHECK(file_text(fs::path(code->code_dir) / "bootstrap") == "#!/bin/sh\necho v1\n");
  CHECK(file_text(fs::path(rebuilt->code_dir) / "bootstrap") == "#!/bin/sh\necho v2\n");
}

TEST_CASE("code: missing, S3, not executable and not-a-zip are errors at CodeUri") {
  Project project;
  CodeArtifacts artifacts("");
  auto where = (project.root / "template.yaml").string() + ":7:16: Resources.Fn.Properties.CodeUri: ";
  auto missing = project.stack("nowhere.zip");
  auto r1 = artifacts.resolve(missing, missing.functions[0]);
  REQUIRE_FALSE(r1.ok());
  CHECK(r1.error().message.rfind(where, 0) == 0);
  CHECK(r1.error().message.find("does not exist") != std::string::npos);
  CHECK(r1.error().message.find("--target lambda_zips") != std::string::npos);

  auto s3 = project.stack("s3://bucket/key.zip");
  auto r2 = artifacts.resolve(s3, s3.functions[0]);
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().message.find("local code only") != std::string::npos);

  project.write("plain/bootstrap", "not executable");
  auto plain = project.stack("plain");
  auto r3 = artifacts.resolve(plain, plain.functions[0]);
  REQUIRE_FALSE(r3.ok());
  CHECK(r3.error().message.find("no executable `bootstrap`") != std::string::npos);
  CHECK(r3.error().message.find("Runtime provided.al2023 runs ./bootstrap") != std::string::npos);

  // A managed runtime asked for a bootstrap (--invoke-mode runtime-api) is told how it runs,
  // instead of being asked for a bootstrap; one the emulator cannot run is said so.
  auto python = project.stack("plain");
  python.functions[0].runtime = "python3.11";
  auto r5 = artifacts.resolve(python, python.functions[0]);
  REQUIRE_FALSE(r5.ok());
  CHECK(r5.error().message.find("runs ./bootstrap") == std::string::npos);
  CHECK(r5.error().message.find(
            "Runtime python3.11 runs through the emulator's own runtime loop, with no "
            "`bootstrap`: leave --invoke-mode at its default (auto); see docs/runtimes.md.") !=
        std::string::npos);
  // Without the bootstrap requirement (the default mode's python3.x) the folder is the code.
  auto r6 = artifacts.resolve(python, python.functions[0], /*needs_bootstrap=*/false);
  REQUIRE(r6.ok());
  CHECK(r6->code_dir == (project.root / "plain").string());
  auto java = project.stack("plain");
  java.functions[0].runtime = "java21";
  auto r7 = artifacts.resolve(java, java.functions[0]);
  REQUIRE_FALSE(r7.ok());
  CHECK(r7.error().message.find("Runtime java21 is not run by this emulator: it runs python3.x, "
                                "nodejs18.x and later") != std::string::npos);

  project.write("junk.zip", "this is not a zip");
  auto junk = project.stack("junk.zip");
  auto r4 = artifacts.resolve(junk, junk.functions[0]);
  REQUIRE_FALSE(r4.ok());
  CHECK(r4.error().message.rfind(where, 0) == 0);
  CHECK(r4.error().message.find("not a zip") != std::string::npos);
}

TEST_CASE("code: --base-dir moves where relative CodeUris start") {
  Project project;
  project.write("elsewhere/fn/bootstrap", "#!/bin/sh\n", true);
  CodeArtifacts artifacts((project.root / "elsewhere").string());
  auto stack = project.stack("fn");
  auto code = artifacts.resolve(stack, stack.functions[0]);
  REQUIRE(code.ok());
  CHECK(code->code_dir == (project.root / "elsewhere" / "fn").string());
}

TEST_CASE("function store: a CodeResolver's identity becomes the version's code and task root") {
  Project project;
  auto stack = project.stack("anything");
  StoreOptions options;
  options.resolve_code = [](const tmpl::Stack&, const tmpl::FunctionSpec&) -> Result<CodeIdentity> {
    CodeIdentity code;
    code.package = "anything";
    code.code_sha256 = "c2hh";
    code.code_size = 42;
    code.code_dir = "/code/here";
    return code;
  };
  auto store = FunctionStore::build(stack, options);
  REQUIRE(store.ok());
  auto latest = store.value()->find("Fn")->latest;
  CHECK(latest->code_sha256 == "c2hh");
  CHECK(latest->code_size == 42);
  CHECK(latest->code_dir == "/code/here");
  CHECK(latest->runtime_environment.at("LAMBDA_TASK_ROOT") == "/code/here");

  options.resolve_code = [](const tmpl::Stack&, const tmpl::FunctionSpec&) -> Result<CodeIdentity> {
    return Error{"TemplateError", "t.yaml:1:1: Resources.Fn.Properties.CodeUri: no"};
  };
  auto failed = FunctionStore::build(stack, options);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message == "t.yaml:1:1: Resources.Fn.Properties.CodeUri: no");
}
