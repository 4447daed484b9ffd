#!/usr/bin/env bash
# Does all the set-up the two README commands need, on Debian 12 as root:
# installs the Debian packages that are missing, configures (once) and builds (incrementally).
# Usage: ./setup.sh [BUILD_DIR [KIND]]   (default: build)
#   KIND asan: clang, ASan + UBSan, and the libFuzzer targets (test.sh: build-asan)
#   KIND tsan: clang, TSan (test.sh: build-tsan)
# A sanitizer tree builds only what its tests need (docs/testing.md).
set -euo pipefail
cd "$(dirname "$0")"
build_dir="${1:-build}"
kind="${2:-}"

packages=(
  cmake ninja-build g++ pkg-config ccache
  libboost1.81-dev libyaml-cpp-dev nlohmann-json3-dev libcurl4-openssl-dev doctest-dev
  awscli curl zip unzip python3 python3-boto3 python3-requests nodejs wrk nginx-light dpkg-dev chromium
  clang-14 libclang-rt-14-dev llvm-14
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# Let ccache share results between clones of the project in different folders (CI builds a
# fresh clone elsewhere): paths below the repository are hashed relative to it.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

build_type="${CMAKE_BUILD_TYPE:-RelWithDebInfo}"
kind_args=()
target=()
case "$kind" in
  "") ;;
  # No build type: cmake/sanitizer_trees.cmake sets -O1 and line tables, and asserts stay on.
  asan) build_type="" target=(--target sanitizer_tree)
        kind_args=(-DCMAKE_CXX_COMPILER=clang++-14 -DEMULATOR_SANITIZE=address,undefined -DEMULATOR_FUZZ=ON) ;;
  tsan) build_type="" target=(--target sanitizer_tree)
        kind_args=(-DCMAKE_CXX_COMPILER=clang++-14 -DEMULATOR_SANITIZE=thread) ;;
  *) echo "setup: unknown kind '$kind' (asan or tsan)" >&2; exit 2 ;;
esac

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache "${kind_args[@]}" ${EMULATOR_CMAKE_ARGS:-} >&2
elif [ -n "${EMULATOR_CMAKE_ARGS:-}" ]; then
  cmake -S . -B "$build_dir" ${EMULATOR_CMAKE_ARGS} >&2  # an existing tree takes them too
fi
cmake --build "$build_dir" -j"$(nproc)" "${target[@]}" >&2
