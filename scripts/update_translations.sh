#!/usr/bin/env bash
# Refresh the translation catalogs from the tr() strings of the code: one per package,
#   scripts/update_translations.sh [ui|kiosk|desk|display|rater]   (default: all five)
# ui/ -> resources/i18n/tingduan_zh_CN.ts, kiosk/ -> kiosk_zh_CN.ts, desk/ -> desk_zh_CN.ts.
# pyside6-lupdate keeps the translations already there and marks new strings unfinished; strings
# gone from the code are dropped. Then translate the new entries — with
# .venv/bin/pyside6-linguist or in a text editor — and run the tests: tests/ui/test_i18n.py
# fails while any string lacks a finished Chinese translation.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
declare -A catalog=([ui]=tingduan [kiosk]=kiosk [desk]=desk [display]=display [rater]=rater)
packages=("${@:-ui kiosk desk display rater}")
for pkg in ${packages[@]}; do
  [ -n "${catalog[$pkg]:-}" ] || { echo "unknown package $pkg (ui, kiosk, desk, display or rater)" >&2; exit 2; }
  [ -d "$pkg" ] || continue
  mapfile -t sources < <(find "$pkg" -name '*.py' -not -path '*/__pycache__/*' | sort)
  [ ${#sources[@]} -gt 0 ] || continue
  .venv/bin/pyside6-lupdate -no-obsolete -locations none "${sources[@]}" \
    -ts "resources/i18n/${catalog[$pkg]}_zh_CN.ts"
done
