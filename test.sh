#!/usr/bin/env bash
# README command 2: set up, build, and run every test. Ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh build
cd build
exec ctest --output-on-failure -j"$(nproc)" --timeout 600
