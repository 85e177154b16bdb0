"""The Qt faces a command line may ask for: `kiosk`, `desk`, `display` (without --headless).

The CLI never imports Qt itself: a face's module is imported only when its command runs, and its
`main(argv) -> int` takes over. `display --headless` stays in the CLI (cli/display_cmd.py).
"""

from __future__ import annotations

import importlib
from typing import Any

FACES = {"kiosk": "kiosk.app", "desk": "desk.app", "display": "display.app", "rater": "rater.app"}


def register(sub: Any) -> None:
    """The faces in `main.py --help` (a technician finds them there); their own options are in
    `main.py kiosk --help` and `main.py desk --help`: `face_of` routes them before argparse."""
    sub.add_parser("kiosk", help="the self-service kiosk (取号, 办件查询, 好差评, …)", add_help=False)
    sub.add_parser("desk", help="the clerk's comprehensive window (叫号, 受理, 出件)", add_help=False)
    sub.add_parser("rater", help="a window's rating pad (窗口评价器): `rater --window N`",
                   add_help=False)


def face_of(argv: list[str]) -> str | None:
    """The module of the Qt face a command line asks for, if any."""
    if not argv or argv[0] not in FACES:
        return None
    if argv[0] == "display" and "--headless" in argv:
        return None
    return FACES[argv[0]]


def run_face(module: str, argv: list[str]) -> int:
    entry = importlib.import_module(module)
    return int(entry.main(argv))
