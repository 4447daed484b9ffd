#!/usr/bin/env bash
# Proves that each deployment package (functions/package.sh) is self-contained, as it must be to
# run on Amazon Linux 2023 (glibc 2.34, GCC 11's libstdc++, a differently built libcurl):
#   1. the zip has `bootstrap` at its root, -rwxr-xr-x, and bin/NAME and the loader executable;
#   2. no ELF file in it needs a library the zip lacks -- so the system would provide none -- and
#      none asks a library the system would provide for a GLIBC symbol version above 2.34 (a
#      control run with libc.so.6 taken out shows both checks catch what they look for);
#   3. the bundled loader resolves every library inside the unpacked zip;
#   4. `env -i ./bootstrap` serves one invocation from a fake Runtime API (python3, on a free
#      port) and the right answer arrives: with no environment, so no LD_LIBRARY_PATH;
#   5. as root, the same program also runs chroot-ed into the unpacked zip, where no file of the
#      system exists at all (skipped, and said so, when chroot is not permitted).
# Each function's handler runs for real: whodis fetches CHECKIP_URL, the hooks call Lambda Invoke
# and CodeDeploy's PutLifecycleEventHookExecutionStatus, all answered by the same fake.
#
# Usage: tests/package_test.sh PACKAGE_DIR NAME...   (PACKAGE_DIR/NAME.zip for each NAME)
set -euo pipefail

if (($# < 2)); then
  echo "usage: $0 PACKAGE_DIR NAME..." >&2
  exit 2
fi
package_dir=$1
shift

readonly glibc_limit=2.34
readonly loader=ld-linux-x86-64.so.2
for tool in zipinfo unzip readelf python3 timeout; do
  command -v "$tool" >/dev/null || {
    echo "package_test: $tool is not installed (./setup.sh installs what the tests need)" >&2
    exit 1
  }
done

work=$(mktemp -d)
fake_pid=""
cleanup() {
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
name=""
fail() {
  echo "FAIL ($name): $*" >&2
  failures=$((failures + 1))
}
pass() { echo "ok   ($name): $*"; }

# --- The fake Runtime API, also standing in for CHECKIP_URL, Lambda and CodeDeploy --------------
# Answers the first GET next with the event in EVENT_FILE, records the POSTed response or error
# in RECORD_DIR, and answers the second GET next with 500, after which the runtime exits 1.
cat >"$work/fake_api.py" <<'PYTHON'
import http.server, json, os, sys, time

port_file, record_dir, event_file = sys.argv[1:4]
state = {"nexts": 0}

class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self, name, text):
        with open(os.path.join(record_dir, name), "a") as f:
            f.write(text)

    def do_GET(self):
        if self.path == "/checkip":
            return self.answer(200, "198.51.100.4\n")
        if self.path != "/2018-06-01/runtime/invocation/next":
            return self.answer(404, "{}")
        state["nexts"] += 1
        if state["nexts"] > 1:
            return self.answer(500, '{"errorMessage":"the test is over","errorType":"Test"}')
        deadline = int(time.time() * 1000) + 30000
        with open(event_file) as f:
            event = f.read()
        self.answer(200, event, [
            ("Lambda-Runtime-Aws-Request-Id", "pkg-test-1"),
            ("Lambda-Runtime-Deadline-Ms", str(deadline)),
            ("Lambda-Runtime-Invoked-Function-Arn",
             "arn:aws:lambda:us-east-1:123456789012:function:pkg-test:live"),
            ("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0"),
        ])

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        if self.path.startswith("/2018-06-01/runtime/"):
            self.record("runtime_posts", self.path + "\n")
            self.record("runtime_body", body)
            self.record("error_type", self.headers.get("Lambda-Runtime-Function-Error-Type", ""))
            return self.answer(202, '{"status":"OK"}')
        target = self.headers.get("X-Amz-Target", "")
        self.record("aws_calls", f"{self.path} {target} {body}\n")
        if self.path.startswith("/2015-03-31/functions/"):  # Lambda Invoke, from the pre-traffic hook
            return self.answer(200, json.dumps({"statusCode": 200, "body": '{"version":"v9"}'}),
                               [("X-Amz-Executed-Version", "2")])
        if target.endswith(".PutLifecycleEventHookExecutionStatus"):
            hook_id = json.loads(body).get("lifecycleEventHookExecutionId", "")
            return self.answer(200, json.dumps({"lifecycleEventHookExecutionId": hook_id}))
        self.answer(404, "{}")

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
PYTHON

start_fake() {  # EVENT_FILE RECORD_DIR; sets fake_pid and port
  rm -rf "$2" "$work/port"
  mkdir -p "$2"
  python3 "$work/fake_api.py" "$work/port" "$2" "$1" &
  fake_pid=$!
  for _ in $(seq 100); do
    [ -s "$work/port" ] && break
    sleep 0.05
  done
  [ -s "$work/port" ] || { echo "package_test: the fake Runtime API did not start" >&2; exit 1; }
  port=$(cat "$work/port")
}

stop_fake() {
  kill "$fake_pid" 2>/dev/null || true
  wait "$fake_pid" 2>/dev/null || true
  fake_pid=""
}

# --- ELF checks ---------------------------------------------------------------------------------
is_elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }

# "ELF SONAME" for each DT_NEEDED entry, under DIR, that DIR/lib/ does not hold: what the system
# would have to provide.
unbundled_needs() {
  local dir=$1 file soname
  while IFS= read -r -d '' file; do
    is_elf "$file" || continue
    readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | while read -r soname; do
      [ -e "$dir/lib/$soname" ] || echo "${file#"$dir"/} $soname"
    done
  done < <(find "$dir" -type f -print0)
}

# "ELF SONAME GLIBC_x.y" for each GLIBC symbol version an ELF file under DIR needs from a library
# DIR/lib/ does not hold.
unbundled_glibc_versions() {
  local dir=$1 file
  while IFS= read -r -d '' file; do
    is_elf "$file" || continue
    readelf -V "$file" | awk -v elf="${file#"$dir"/}" -v libdir="$dir/lib" '
      /^Version needs section/ { inside = 1; next }
      /^Version (symbols|definition) section/ { inside = 0; next }
      inside && /File:/ { for (i = 1; i <= NF; i++) if ($i == "File:") needed = $(i + 1) }
      inside && /Name: GLIBC_/ {
        for (i = 1; i <= NF; i++)
          if ($i == "Name:" && system("test -e \"" libdir "/" needed "\"") != 0)
            print elf, needed, $(i + 1)
      }'
  done < <(find "$dir" -type f -print0)
}

version_above_limit() {  # GLIBC_x.y -> true when x.y > glibc_limit
  local version=${1#GLIBC_}
  [[ $version =~ ^[0-9.]+$ ]] || return 1
  [ "$version" != "$glibc_limit" ] &&
    [ "$(printf '%s\n%s\n' "$version" "$glibc_limit" | sort -V | tail -1)" = "$version" ]
}

check_elves() {  # DIR: the two rules; prints what breaks them and returns 1 if anything does
  local dir=$1 broken=0 elf soname version
  while read -r elf soname; do
    echo "  $elf needs $soname, which the zip lacks"
    broken=1
  done < <(unbundled_needs "$dir")
  while read -r elf soname version; do
    if version_above_limit "$version"; then
      echo "  $elf needs $version from the system's $soname (Amazon Linux 2023 has $glibc_limit)"
      broken=1
    fi
  done < <(unbundled_glibc_versions "$dir")
  return "$broken"
}

# --- One invocation through the package ---------------------------------------------------------
write_event() {  # NAME FILE: the event each function gets
  case $1 in
    whodis | oleoleole)
      echo '{"httpMethod":"GET","path":"/'"$1"'","requestContext":{"identity":{"sourceIp":"203.0.113.7"}}}' >"$2" ;;
    *-traffic-hook)
      echo '{"DeploymentId":"d-PKGTEST","LifecycleEventHookExecutionId":"hook-exec-1"}' >"$2" ;;
    *)
      echo '{}' >"$2" ;;
  esac
}

# The environment Lambda would give NAME, with every endpoint at the fake.
function_env() {
  local env=(
    "AWS_LAMBDA_RUNTIME_API=127.0.0.1:$port"
    "AWS_LAMBDA_FUNCTION_NAME=$1" "AWS_LAMBDA_FUNCTION_VERSION=2"
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128" "APP_VERSION=v9"
    "AWS_REGION=us-east-1" "AWS_ACCESS_KEY_ID=AKIDPKGTEST" "AWS_SECRET_ACCESS_KEY=secret"
    "AWS_ENDPOINT_URL=http://127.0.0.1:$port"
  )
  case $1 in
    whodis) env+=("CHECKIP_URL=http://127.0.0.1:$port/checkip") ;;
    pre-traffic-hook)
      env+=("CurrentFunctionVersion=arn:aws:lambda:us-east-1:123456789012:function:oleoleole:2") ;;
    post-traffic-hook) env+=("POST_TRAFFIC_RESULT=Failed") ;;
  esac
  printf '%s\n' "${env[@]}"
}

# Checks what the fake recorded after NAME served its event; MODE names the run in messages.
check_answer() {
  local mode=$1 record=$2 posts body
  posts=$(cat "$record/runtime_posts" 2>/dev/null || true)
  body=$(cat "$record/runtime_body" 2>/dev/null || true)
  if [ "$posts" != "/2018-06-01/runtime/invocation/pkg-test-1/response" ]; then
    fail "$mode: expected one POST .../pkg-test-1/response, the fake got: ${posts:-nothing} $body"
    return
  fi
  local expected=()
  case $name in
    whodis) expected=('"statusCode":200' 'Whoop whoop!' 'v9' '198.51.100.4') ;;
    oleoleole) expected=('"statusCode":200' "Feelin' hot hot hot!" 'v9' '203.0.113.7') ;;
    pre-traffic-hook) expected=('"status":"Succeeded"') ;;
    post-traffic-hook) expected=('"status":"Failed"') ;;
  esac
  local text
  for text in "${expected[@]}"; do
    if ! grep -qF -- "$text" <<<"$body"; then
      fail "$mode: the response lacks $text: $body"
      return
    fi
  done
  case $name in
    *-traffic-hook)
      local status=Succeeded
      [ "$name" = post-traffic-hook ] && status=Failed
      if ! grep -q "PutLifecycleEventHookExecutionStatus .*\"status\":\"$status\"" \
        "$record/aws_calls" 2>/dev/null; then
        fail "$mode: no PutLifecycleEventHookExecutionStatus with $status reached the fake"
        return
      fi ;;
  esac
  pass "$mode: served one invocation: $body"
}

# Runs COMMAND... against a fresh fake with NAME's environment only; checks exit 1 (the fake's
# 500 for the second GET next) and the recorded answer.
run_invocation() {
  local mode=$1 record="$work/record-$name-$2"
  shift 2
  write_event "$name" "$work/event.json"
  start_fake "$work/event.json" "$record"
  local env=() line status=0
  while IFS= read -r line; do env+=("$line"); done < <(function_env "$name")
  timeout 30 env -i LD_LIBRARY_PATH= "${env[@]}" "$@" >"$record/stdout" 2>"$record/stderr" ||
    status=$?
  stop_fake
  if [ "$status" -ne 1 ] || ! grep -q "answered HTTP 500" "$record/stderr"; then
    fail "$mode: expected exit 1 after the fake's 500, got $status; stderr: $(cat "$record/stderr")"
    return
  fi
  check_answer "$mode" "$record"
}

# --- Each package -------------------------------------------------------------------------------
for name in "$@"; do
  zip="$package_dir/$name.zip"
  if [ ! -f "$zip" ]; then
    fail "$zip does not exist (cmake --build BUILD_DIR --target lambda_zips)"
    continue
  fi

  # 1. Layout and modes.
  listing=$(zipinfo "$zip")
  for entry in bootstrap "bin/$name" "lib/$loader"; do
    if ! grep -qE "^-rwxr-xr-x .* $entry\$" <<<"$listing"; then
      fail "$entry is not in the zip with mode -rwxr-xr-x"
    fi
  done
  roots=$(zipinfo -1 "$zip" | sed 's|/.*||' | sort -u | tr '\n' ' ')
  [ "$roots" = "bin bootstrap lib " ] || fail "the zip's root holds '$roots', not bin bootstrap lib"

  dir="$work/$name"
  mkdir -p "$dir"
  unzip -q "$zip" -d "$dir"
  grep -qF "\"\$root/lib/$loader\" --library-path \"\$root/lib\" \"\$root/bin/$name\"" \
    "$dir/bootstrap" || fail "bootstrap does not start bin/$name through lib/$loader"

  # 2. Nothing from the system; no GLIBC above 2.34 asked of it.
  if report=$(check_elves "$dir"); then
    pass "every ELF file's libraries are in the zip; none asks the system for GLIBC > $glibc_limit"
  else
    fail "the zip depends on the system:"$'\n'"$report"
  fi
  # The control: without libc.so.6 the zip depends on the system's, and the checks must say so.
  control="$work/$name-control"
  cp -a "$dir" "$control"
  rm "$control/lib/libc.so.6"
  if ! unbundled_needs "$control" | grep -q " libc.so.6\$"; then
    fail "control: the needs check did not notice libc.so.6 missing"
  fi
  if ! unbundled_glibc_versions "$control" | grep -q " libc.so.6 GLIBC_"; then
    fail "control: the version check found no GLIBC version asked of the system's libc.so.6"
  fi
  newest=$(unbundled_glibc_versions "$control" | awk '{print $3}' | sort -V | tail -1)
  if version_above_limit "$newest" && check_elves "$control" >/dev/null; then
    fail "control: $newest asked of the system's libc.so.6 passed the GLIBC $glibc_limit check"
  fi
  rm -rf "$control"

  # 3. The bundled loader finds every library inside the zip.
  resolved=$(env -i "$dir/lib/$loader" --library-path "$dir/lib" --list "$dir/bin/$name")
  outside=$(grep '=>' <<<"$resolved" | grep -v "=> $dir/lib/" || true)
  if [ -n "$outside" ]; then
    fail "the bundled loader resolves libraries outside the zip:"$'\n'"$outside"
  else
    pass "the bundled loader resolves all $(grep -c '=>' <<<"$resolved") libraries inside the zip"
  fi

  # 4. As Lambda starts it.
  pushd "$dir" >/dev/null
  run_invocation "env -i ./bootstrap" bootstrap ./bootstrap
  popd >/dev/null

  # 5. With no system file at all.
  chroot_tool=$(command -v chroot || true)
  if [ -n "$chroot_tool" ] && "$chroot_tool" / true >/dev/null 2>&1; then
    run_invocation "chroot into the zip" chroot "$chroot_tool" "$dir" "/lib/$loader" \
      --library-path /lib "/bin/$name"
  else
    echo "skip ($name): chroot is not permitted here (it needs root), so step 5 did not run"
  fi
done

if ((failures > 0)); then
  echo "package_test: $failures failure(s)" >&2
  exit 1
fi
echo "package_test: all packages are self-contained"
