"""The Qt faces a command line may ask for: `kiosk`, `desk`, `display` (without --headless).

The CLI never imports Qt itself: a face's module is imported only when its command runs, and its
`main(argv) -> int` takes over. `display --headless` stays in the CLI (cli/display_cmd.py).
"""

from __future__ import annotations

import importlib

FACES = {"kiosk": "kiosk.app", "desk": "desk.app", "display": "display.app"}


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
