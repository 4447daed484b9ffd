# Shared by the demos in examples/ (sourced, not run). Starts the emulator serving the repository's
# template.yaml on free ports and stops it when the demo exits, whatever the reason.
#
#   EMULATOR   the emulator binary (default: build/emulator under the repository root)
#   TEMPLATE   the template to serve (default: template.yaml, the C++ app; the same demos run
#              the original Python app with TEMPLATE=examples/sam-python/template.yaml)
#
# After start_emulator ARGS...: API_URL (API Gateway) and AWS_URL (the --aws-port endpoint that
# `emulator deploy` and `emulator watch` talk to) are set, and WORK is a scratch directory.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EMULATOR="${EMULATOR:-$ROOT/build/emulator}"
TEMPLATE="${TEMPLATE:-$ROOT/template.yaml}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/emulator-demo.XXXXXX")"
EMULATOR_PID=""
BACKGROUND_PIDS=()

say() { printf '\n==> %s\n' "$*"; }
fail() {
  printf '\nFAIL: %s\n' "$*" >&2
  exit 1
}

cleanup() {
  local pid
  for pid in "${BACKGROUND_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "$EMULATOR_PID" ]]; then
    kill -TERM "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
  fi
  for pid in "${BACKGROUND_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_emulator ARGS...: the emulator on $TEMPLATE with --port 0 --aws-port 0 and ARGS;
# waits (up to 10 s) for both "listening on" lines.
start_emulator() {
  [[ -x "$EMULATOR" ]] || fail "no emulator binary at $EMULATOR (build it, or set EMULATOR=...)"
  "$EMULATOR" "$TEMPLATE" --port 0 --aws-port 0 "$@" \
    >"$WORK/emulator.out" 2>"$WORK/emulator.err" &
  EMULATOR_PID=$!
  local deadline=$((SECONDS + 10))
  API_URL="" AWS_URL=""
  while [[ -z "$API_URL" || -z "$AWS_URL" ]]; do
    if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
      cat "$WORK/emulator.err" >&2
      fail "the emulator exited before listening"
    fi
    ((SECONDS < deadline)) || fail "the emulator did not start listening within 10 s"
    sleep 0.05
    API_URL="$(sed -n 's/.*API Gateway listening on \(http:[^ ]*\).*/\1/p' "$WORK/emulator.out")"
    AWS_URL="$(sed -n 's/.*AWS endpoints.* listening on \(http:[^ ]*\).*/\1/p' \
      "$WORK/emulator.out")"
  done
  echo "emulator (pid $EMULATOR_PID): API Gateway $API_URL, control endpoint $AWS_URL"
}

# A body's "version" field: {"version":"v1"} (C++, Node.js) or {"version": "v1"} (Python's json).
VERSION_FIELD='"version": ?"([^"]+)"'

# version_of PATH: the "version" field /PATH answers with, or "error".
version_of() {
  local body
  body="$(curl -s --max-time 2 "$API_URL/$1" || true)"
  if [[ "$body" =~ $VERSION_FIELD ]]; then
    echo "${BASH_REMATCH[1]}"
  else
    echo "error"
  fi
}
