#!/usr/bin/env bash
# Turns one function's program into a Lambda deployment package for the provided.al2023 runtime
# (x86_64): a zip with `bootstrap` at its root.
#
# Usage: functions/package.sh NAME PROGRAM OUTPUT_ZIP [STRIP]
#   NAME        the function's package name; the program travels as bin/NAME
#   PROGRAM     the built executable (its main() runs lambda_runtime::run)
#   OUTPUT_ZIP  written whole or not at all
#   STRIP       a `strip` to drop the program's debug information with (optional)
#
# Amazon Linux 2023 has glibc 2.34 and GCC 11's libstdc++, older than the build machine's, and a
# libcurl built differently, so the program cannot use the system's libraries. The package
# therefore carries every shared library the program loads (as `ldd` resolves them here), the
# dynamic loader of the same glibc, and a `bootstrap` that starts the program through that loader
# with only lib/ as its library path -- the layout of awslabs/aws-lambda-cpp's packager:
#
#   bootstrap                   sh script, -rwxr-xr-x
#   bin/NAME                    the program
#   lib/ld-linux-x86-64.so.2    the loader, -rwxr-xr-x
#   lib/*.so.*                  libc, libstdc++, libcurl, OpenSSL, ...
#
# The zip is reproducible (fixed order, fixed timestamps, no extra attributes): rebuilding
# unchanged code yields the same bytes, so `sam deploy` publishes no new version for it.
set -euo pipefail

if (($# < 3 || $# > 4)); then
  echo "usage: $0 NAME PROGRAM OUTPUT_ZIP [STRIP]" >&2
  exit 2
fi
name=$1
program=$2
output=$3
strip_tool=${4:-}

fail() {
  echo "package.sh ($name): $*" >&2
  exit 1
}

[[ $name =~ ^[A-Za-z0-9._-]+$ ]] || fail "'$name' is not a usable file name"
[ -x "$program" ] || fail "$program is not an executable file"
command -v zip >/dev/null || fail "zip is not installed (./setup.sh installs it)"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/bin" "$stage/lib"

cp "$program" "$stage/bin/$name"
if [ -n "$strip_tool" ]; then
  "$strip_tool" --strip-unneeded "$stage/bin/$name"
fi

# ldd prints one line per object the loader would map:
#   libcurl.so.4 => /lib/x86_64-linux-gnu/libcurl.so.4 (0x...)   copied as lib/libcurl.so.4
#   /lib64/ld-linux-x86-64.so.2 (0x...)                           the loader
#   linux-vdso.so.1 (0x...)                                       the kernel's, not a file
ldd_output=$(ldd "$program" 2>&1) || fail "ldd cannot list its libraries: $ldd_output"
loader=""
while IFS= read -r line; do
  line=${line#"${line%%[![:space:]]*}"}  # leading whitespace
  case $line in
    *"=> not found"*)
      fail "this machine lacks a library it needs: $line" ;;
    linux-vdso.so.*)
      ;;
    *" => "*)
      soname=${line%% => *}
      path=${line#* => }
      path=${path% (0x*}
      cp -L "$path" "$stage/lib/$soname" ;;
    /*" (0x"*)
      loader=${line% (0x*} ;;
    *)
      fail "unexpected ldd line: $line" ;;
  esac
done <<<"$ldd_output"

[ -n "$loader" ] || fail "ldd named no dynamic loader (a statically linked program needs no package)"
[ "${loader##*/}" = ld-linux-x86-64.so.2 ] ||
  fail "the loader is $loader; provided.al2023 on x86_64 needs an x86-64 program"
cp -L "$loader" "$stage/lib/ld-linux-x86-64.so.2"

cat >"$stage/bootstrap" <<EOF
#!/bin/sh
# Lambda runs this for every new execution environment (provided.al2023). It starts bin/$name
# through the dynamic loader packed beside it, which looks in lib/ first; lib/ holds every
# library the program needs, glibc included, so none comes from the system.
set -e
case \$0 in
  */*) root=\${0%/*} ;;
  *) root=. ;;
esac
exec "\$root/lib/ld-linux-x86-64.so.2" --library-path "\$root/lib" "\$root/bin/$name" "\$@"
EOF

chmod 755 "$stage/bootstrap" "$stage/bin" "$stage/lib" "$stage/bin/$name" \
  "$stage/lib/ld-linux-x86-64.so.2"
find "$stage/lib" -type f ! -name ld-linux-x86-64.so.2 -exec chmod 644 {} +
find "$stage" -exec touch -h -d '2000-01-01 00:00:00 UTC' {} +

mkdir -p "$(dirname "$output")"
output="$(cd "$(dirname "$output")" && pwd)/$(basename "$output")"
partial="${output%.zip}.partial.zip"
rm -f "$partial"
(
  cd "$stage"
  # TZ: a zip stores local time; UTC keeps the bytes the same on every machine.
  find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort | TZ=UTC zip -q -X -@ "$partial"
) || fail "zip failed"
mv -f "$partial" "$output"
