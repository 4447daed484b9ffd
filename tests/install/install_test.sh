#!/usr/bin/env bash
# `cmake --install` and `cpack` (issue 14, README "Install"): the emulator and its runtime loops
# land under a prefix, the installed binary finds its loops there (not in the source tree) and
# runs a Python and a Node.js function through API Gateway; the .deb holds the same files and
# names the libraries it needs.
# Usage: install_test.sh BUILD_DIR
set -euo pipefail
build="${1:?usage: install_test.sh BUILD_DIR}"
work="$(mktemp -d "${TMPDIR:-/tmp}/emulator-install-XXXXXX")"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
for file in bin/emulator share/sam-emulator/runtimes/python/bootstrap.py \
            share/sam-emulator/runtimes/python/runtime_loop.py \
            share/sam-emulator/runtimes/nodejs/bootstrap.js \
            share/sam-emulator/runtimes/nodejs/lib/runtime_api_client.js; do
  [ -e "$prefix/$file" ] || fail "cmake --install did not install $file"
done
echo "ok: cmake --install put the emulator and its runtime loops under $prefix"

version="$(env -u EMULATOR_RUNTIMES_DIR "$prefix/bin/emulator" --version)"
grep -qxF "runtime loops: $prefix/share/sam-emulator/runtimes" <<<"$version" ||
  fail "the installed emulator does not use its installed loops: $version"
echo "ok: the installed emulator finds its loops in $prefix/share/sam-emulator/runtimes"

# A small app: one Python and one Node.js function behind API Gateway.
app="$work/app"
mkdir -p "$app/py" "$app/js"
cat >"$app/template.yaml" <<'YAML'
Transform: AWS::Serverless-2016-10-31
Resources:
  PyFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: py/
      Handler: app.handler
      Runtime: python3.11
      Events:
        Get: {Type: Api, Properties: {Path: /py, Method: get}}
  JsFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: js/
      Handler: index.handler
      Runtime: nodejs18.x
      Events:
        Get: {Type: Api, Properties: {Path: /js, Method: get}}
YAML
printf 'def handler(event, context):\n    return {"statusCode": 200, "body": "python ok"}\n' \
  >"$app/py/app.py"
printf 'exports.handler = async () => ({ statusCode: 200, body: "node ok" });\n' \
  >"$app/js/index.js"

# Run from the app's folder with no TEMPLATE: template.yaml there is served.
(cd "$app" && exec env -u EMULATOR_RUNTIMES_DIR "$prefix/bin/emulator" --port 0 --aws-port 0 \
  >"$work/stdout" 2>"$work/stderr") &
pid=$!
url=""
for _ in $(seq 100); do
  url="$(sed -n 's/.*API Gateway listening on \(http:[^ ]*\).*/\1/p' "$work/stdout")"
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || fail "the installed emulator exited: $(cat "$work/stderr")"
  sleep 0.1
done
[ -n "$url" ] || fail "the installed emulator did not listen within 10 s: $(cat "$work/stderr")"
for route in py:"python ok" js:"node ok"; do
  body="$(curl -sS --max-time 20 "$url/${route%%:*}")"
  [ "$body" = "${route#*:}" ] || fail "GET /${route%%:*} answered '$body'; stderr: $(cat "$work/stderr")"
done
echo "ok: the installed emulator, started in the app's folder, ran a Python and a Node.js function"

if ! command -v dpkg-deb >/dev/null || ! command -v dpkg-shlibdeps >/dev/null; then
  echo "SKIPPED: cpack's .deb needs dpkg-dev (setup.sh installs it)"
  exit 0
fi
(cd "$work" && cpack --config "$build/CPackConfig.cmake" -B "$work/package" >"$work/cpack.log" 2>&1) ||
  fail "cpack failed: $(tail -20 "$work/cpack.log")"
deb="$(ls "$work"/package/*.deb)"
contents="$(dpkg-deb -c "$deb")"
for file in ./usr/bin/emulator ./usr/share/sam-emulator/runtimes/python/runtime_loop.py \
            ./usr/share/sam-emulator/runtimes/nodejs/lib/runtime_api_client.js; do
  grep -qF " $file" <<<"$contents" || fail "$(basename "$deb") lacks $file"
done
depends="$(dpkg-deb -f "$deb" Depends)"
grep -q "libyaml-cpp" <<<"$depends" || fail "the .deb's Depends lacks libyaml-cpp: $depends"
echo "ok: cpack made $(basename "$deb") (Depends: $depends)"
