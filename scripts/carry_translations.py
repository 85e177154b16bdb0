"""Fill the unfinished entries of the catalogs from the finished translation of the same English
elsewhere, so that moving code between classes or packages (which moves a string to another
lupdate context) keeps its Chinese. Run after scripts/update_translations.sh; it prints what it
filled and what is still left to translate.

    .venv/bin/python scripts/carry_translations.py [extra.ts ...]

Extra .ts files (for instance the catalogs as they were before a move, from `git show`) are read
as sources of translations only.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

I18N = Path(__file__).resolve().parents[1] / "resources" / "i18n"


def finished(message: ET.Element) -> bool:
    tr = message.find("translation")
    return tr is not None and tr.get("type") is None and bool((tr.text or "").strip() or
                                                              list(tr.iter("numerusform")))


def main(extra: list[str]) -> int:
    catalogs = sorted(I18N.glob("*_zh_CN.ts"))
    known: dict[tuple[str, str], ET.Element] = {}
    for path in [*catalogs, *map(Path, extra)]:
        for msg in ET.parse(path).getroot().iter("message"):
            key = (msg.findtext("source") or "", msg.findtext("comment") or "")
            if finished(msg) and key not in known:
                known[key] = msg.find("translation")  # type: ignore[assignment]
    left = 0
    for path in catalogs:
        tree = ET.parse(path)
        changed = False
        for ctx in tree.getroot().iter("context"):
            for msg in ctx.iter("message"):
                if finished(msg):
                    continue
                key = (msg.findtext("source") or "", msg.findtext("comment") or "")
                found = known.get(key)
                tr = msg.find("translation")
                if found is None or tr is None:
                    left += 1
                    print(f"still to translate: {path.name} {ctx.findtext('name')}: {key[0]!r}")
                    continue
                msg.remove(tr)
                copy = ET.fromstring(ET.tostring(found))
                copy.tail = tr.tail
                msg.append(copy)
                changed = True
                print(f"carried: {path.name} {ctx.findtext('name')}: {key[0]!r}")
        if changed:
            tree.write(path, encoding="utf-8", xml_declaration=True)
            text = path.read_text(encoding="utf-8").replace(
                "<?xml version='1.0' encoding='utf-8'?>", '<?xml version="1.0" encoding="utf-8"?>\n'
                '<!DOCTYPE TS>', 1)
            path.write_text(text, encoding="utf-8")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
