"""厅端 entry point: `python main.py COMMAND …` (kiosk, desk, display, serve, ticket, …)."""

from __future__ import annotations

import sys

if __name__ == "__main__":
    from cli import main

    sys.exit(main())
