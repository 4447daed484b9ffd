#!/usr/bin/env python3
"""Checks that docs/architecture.md's layers table and the build's layers say the same.

Usage: check_layers.py ARCHITECTURE_MD LAYERS_TXT
LAYERS_TXT is written by CMake (cmake/layers.cmake): one "folder: used folders" line per layer.
The table in ARCHITECTURE_MD sits between <!-- layers --> and <!-- /layers -->, one row per
folder: | `folder` | `used` `used` ... | (or — for none). Prints every difference; exit 1 if any.
"""
import re
import sys


def from_docs(path):
    text = open(path, encoding="utf-8").read()
    match = re.search(r"<!-- layers -->(.*?)<!-- /layers -->", text, re.S)
    if not match:
        sys.exit(f"{path}: no <!-- layers --> ... <!-- /layers --> table")
    layers = {}
    for line in match.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].startswith("`"):
            continue
        folder = cells[0].strip("`")
        layers[folder] = set(re.findall(r"`([^`]+)`", cells[1]))
    return layers


def from_build(path):
    layers = {}
    for line in open(path, encoding="utf-8"):
        if ":" not in line:
            continue
        folder, used = line.split(":", 1)
        layers[folder.strip()] = set(used.split())
    return layers


def main():
    docs, build = from_docs(sys.argv[1]), from_build(sys.argv[2])
    problems = []
    for folder in sorted(set(docs) | set(build)):
        if folder not in docs:
            problems.append(f"{folder}: a layer in the build, missing from the docs' table")
        elif folder not in build:
            problems.append(f"{folder}: in the docs' table, not a layer in the build")
        elif docs[folder] != build[folder]:
            only_docs = sorted(docs[folder] - build[folder])
            only_build = sorted(build[folder] - docs[folder])
            problems.append(f"{folder}: docs allow {only_docs or 'nothing more'}, "
                            f"the build allows {only_build or 'nothing more'} besides the rest")
    for problem in problems:
        print(problem)
    print(f"{len(build)} layers in the build, {len(docs)} in the table, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
