"""`python -m ui [--screenshots DIR] [--elder]`: the shell's sample page, to check the theme,
the font and the translation on a machine without a face."""

from __future__ import annotations

import sys

from ui.app import Shell, run_face
from ui.sample import SamplePage


def main(argv: list[str]) -> int:
    def build(shell: Shell) -> SamplePage:
        return SamplePage(shell.theme)

    return run_face("ui", build, argv,
                    pages=lambda shell: {"sample": lambda: SamplePage(shell.theme)})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
