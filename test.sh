#!/usr/bin/env bash
# README command 2: set up, build, and run every test. Ends with ctest's summary.
# Three trees (docs/testing.md): build/ (the normal one, whose ctest runs everything),
# build-asan/ (ASan + UBSan, and the libFuzzer targets) and build-tsan/ (TSan, the concurrency
# tests). The asan:, tsan: and fuzz: tests of build/ run the binaries of the other two.
set -euo pipefail
cd "$(dirname "$0")"
# build/ is warning-free and stays so: warnings are errors there.
EMULATOR_CMAKE_ARGS="-DEMULATOR_WERROR=ON" ./setup.sh build
./setup.sh build-asan asan
./setup.sh build-tsan tsan
cd build
exec ctest --output-on-failure -j"$(nproc)" --timeout 600
