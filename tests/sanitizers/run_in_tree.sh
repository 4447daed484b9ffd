#!/usr/bin/env bash
# Runs a doctest binary of a sanitizer tree (build-asan, build-tsan) for a ctest test of the
# normal tree: `run_in_tree.sh BINARY doctest-options...`. Exit 77 (ctest: skipped) when the tree
# was not built (./test.sh builds it; docs/testing.md); fails when the filters select no test case,
# so a renamed file cannot turn a test into a silent pass.
set -uo pipefail
binary="$1"
shift
if [ ! -x "$binary" ]; then
  echo "not built: $binary (./test.sh builds the sanitizer trees; see docs/testing.md)"
  exit 77
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
"$binary" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 0 ] && grep -Eq 'test cases: +0 \|' "$log"; then
  echo "run_in_tree.sh: no test case matched $*"
  exit 1
fi
exit "$rc"
