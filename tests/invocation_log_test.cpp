#include "emulator/lambda/invocation_log.h"

#include <doctest/doctest.h>

#include "emulator/lambda/model/function_store.h"

using namespace emu::lambda;

TEST_CASE("START, END and REPORT lines have Lambda's shape and name the version") {
  FunctionVersion version;
  version.logical_id = "WhoDisFunction";
  version.version = "1";
  version.memory_mb = 128;
  CHECK(start_line(version, "abc") == "[WhoDisFunction] START RequestId: abc Version: 1");
  CHECK(end_line(version, "abc") == "[WhoDisFunction] END RequestId: abc");
  CHECK(report_line(version, "abc", 1.234) ==
        "[WhoDisFunction] REPORT RequestId: abc\tDuration: 1.23 ms\tBilled Duration: 2 ms\t"
        "Memory Size: 128 MB");
  CHECK(report_line(version, "abc", 0.2).find("Billed Duration: 1 ms") != std::string::npos);
}

TEST_CASE("a CodeUri's package name is its file name without .zip") {
  CHECK(package_name("build/package/whodis.zip") == "whodis");
  CHECK(package_name("functions/oleoleole/") == "oleoleole");
  CHECK(package_name("echo") == "echo");
  CHECK(package_name("s3://bucket/path/sleep.zip") == "sleep");
}
