#!/usr/bin/env bash
# Runs one libFuzzer target of the ASan tree from its committed corpus (docs/testing.md).
# Usage: tests/fuzz/run.sh ASAN_TREE TARGET SECONDS [FINDINGS_DIR] [extra libFuzzer flags...]
#   tests/fuzz/run.sh build-asan template 3600          # an hour, findings in ./fuzz-findings
# New inputs go to FINDINGS_DIR/corpus/TARGET (the committed seeds in tests/fuzz/corpus/TARGET are
# only read); a crash, leak, timeout or out-of-memory input is written to FINDINGS_DIR as
# TARGET-crash-<sha1> (etc.) and the exit code is non-zero. Exit 77 when the tree was not built.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tree="$1" target="$2" seconds="$3" findings="${4:-$PWD/fuzz-findings}"
shift $(($# < 4 ? $# : 4))
binary="$tree/fuzz/fuzz_$target"
if [ ! -x "$binary" ]; then
  echo "not built: $binary (./test.sh builds the ASan tree; see docs/testing.md)"
  exit 77
fi
mkdir -p "$findings/corpus/$target"
# -timeout: one input taking over 10 s is a finding; -rss_limit_mb: so is using over 2 GB.
# -dict: the target's dictionary, when there is one.
dict=()
[ -f "$here/dict/$target.dict" ] && dict=(-dict="$here/dict/$target.dict")
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# libFuzzer exits 77 on a finding by default, which ctest would take for "skipped".
exec "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -error_exitcode=1 -timeout_exitcode=1 \
  -artifact_prefix="$findings/$target-" "${dict[@]}" "$@" \
  "$findings/corpus/$target" "$here/corpus/$target"
