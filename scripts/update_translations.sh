#!/usr/bin/env bash
# Refresh resources/i18n/tingduan_zh_CN.ts from the tr() strings of ui/, kiosk/, desk/
# (pyside6-lupdate keeps the translations already there and marks new strings unfinished;
# strings gone from the code are dropped). Then translate the new entries — with
# .venv/bin/pyside6-linguist or in a text editor — and run the tests: tests/ui/test_i18n.py
# fails while any string lacks a finished Chinese translation.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mapfile -t sources < <(find ui kiosk desk -name '*.py' -not -path '*/__pycache__/*' | sort)
.venv/bin/pyside6-lupdate -no-obsolete -locations none "${sources[@]}" \
  -ts resources/i18n/tingduan_zh_CN.ts
