#!/usr/bin/env bash
# The package proofs (minutes, the Debian mirror, root): build with ./dev package unless a
# package newer than the last commit is in dist/, then install it into clean mmdebstrap roots
# (Debian 12 and 11) and run it there (tests/package, PACKAGE_TESTS=1), then time the start
# of the installed program against the checkout's with hyperfine. Not part of ./dev test.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
for tool in lintian curl; do  # the tests' own tools (root, like the build)
  command -v "$tool" >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$tool" >/dev/null
done
deb=$(ls -t dist/cn.gov.tingduan_*.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ] || [ "$(stat -c %Y "$deb")" -lt "$(git log -1 --format=%ct)" ]; then
  ./dev package
fi
PACKAGE_TESTS=1 QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -v -s -p no:cacheprovider \
  tests/package "$@"

if command -v hyperfine >/dev/null && [ -x build/freeze/tingduan/tingduan ]; then
  data=$(mktemp -d)
  .venv/bin/python main.py setup --hall H1 --terminal K1 --data-dir "$data/d" >/dev/null
  hyperfine --warmup 2 --runs 15 --export-markdown build/start-time.md \
    -n checkout ".venv/bin/python main.py services --json --data-dir $data/d" \
    -n frozen "build/freeze/tingduan/tingduan services --json --data-dir $data/d"
  rm -rf "$data"
fi
