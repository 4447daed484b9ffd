#!/usr/bin/env bash
# README command 1: set up, build, and serve template.yaml on 127.0.0.1:3000.
# Extra arguments go to the emulator, e.g. ./run.sh --parameter-overrides AppVersion=v2
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh build
exec build/emulator template.yaml "$@"
