"""The headless command line: hall IT scripts and our own checks drive the program through it.

Imports nothing from Qt, so these commands start fast. Each command module registers its
parsers; a leaf sets `handler(args) -> (result, text)`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Any

from cli.interrupts import end_on_interrupt, ignore_interrupts, restore
from cli.output import EXIT_FAILURE, EXIT_USAGE, Failed, emit, exit_code_for, fail
from hall import program
from hall.errors import HallError

COMMAND_MODULES = ("cli.faces", "cli.queue_cmd", "cli.admin_cmd", "cli.demo_cmd", "cli.devices_cmd",
                   "cli.sync_cmd", "cli.serve_cmd", "cli.access_cmd", "cli.case_cmd",
                   "cli.display_cmd", "cli.hall_cmd", "cli.appointment_cmd",
                   "cli.rating_cmd")

# A handler that streams its own lines (display --headless) returns None as its result.
Handler = Callable[[argparse.Namespace], tuple[dict[str, Any] | None, str | None]]


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would print and exit; we keep the contract
        raise UsageError(f"{self.prog}: {message}")


class _OneLineEach(argparse.HelpFormatter):
    """argparse measures the commands' names at the group's indent but prints them 2 deeper:
    the longest (`appointment`) would wrap its help onto a second line."""

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        self._action_max_length += 2


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog=program.name(), description="厅端 hall terminal",
                    formatter_class=_OneLineEach)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    # the Qt faces start before this parser (cli/faces.py); listed here so --help shows them
    for face, text in (("kiosk", "the self-service kiosk, a window (`kiosk --help`)"),
                       ("desk", "the clerk's comprehensive window (`desk --help`)")):
        if face not in sub.choices:
            sub.add_parser(face, help=text, add_help=False)
    _help_of_groups(parser)
    return parser


def _help_of_groups(parser: argparse.ArgumentParser) -> None:
    """A group of commands (`ticket`, `access user`) run without its action prints its own help,
    not the top level's."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                if any(isinstance(a, argparse._SubParsersAction) for a in child._actions):
                    child.set_defaults(help_parser=child)
                _help_of_groups(child)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line of this process (`argv` None), or one run in-process (a list)."""
    previous = end_on_interrupt()  # Ctrl-C: exit 130 at once (cli/interrupts.py)
    finished = False
    try:
        code = _main(argv)
        try:
            sys.stdout.flush()  # all output out while an interrupt still ends the process
        except (BrokenPipeError, ValueError):
            pass
        finished = True
        return code
    finally:
        if finished and argv is None:
            ignore_interrupts()  # answered: a late Ctrl-C changes nothing about the exit
        else:
            restore(previous)


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    from cli.faces import face_of, run_face

    face = face_of(args_list)
    if face is not None:  # a Qt face: it takes over (the CLI itself imports no Qt)
        return run_face(face, args_list[1:])
    as_json = "--json" in args_list
    try:
        args = build_parser().parse_args(args_list)
    except UsageError as exc:
        return fail("usage", str(exc), EXIT_USAGE, as_json)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        group: argparse.ArgumentParser = getattr(args, "help_parser", None) or build_parser()
        group.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        result, text = handler(args)
    except HallError as exc:
        return fail(exc.code, exc.message, exit_code_for(exc), as_json)
    except Failed as exc:
        return fail(exc.code, exc.message, exc.exit_code, as_json, exc.result)
    except UsageError as exc:
        return fail("usage", str(exc), EXIT_USAGE, as_json)
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        return fail("os", str(exc), EXIT_FAILURE, as_json)
    except Exception as exc:  # a bug: a redacted crash report, and still the error contract
        store = store_failure(args, exc)
        if store is not None:
            return fail(store.code, store.message, exit_code_for(store), as_json)
        return crashed(args, exc, as_json)
    if result is not None:
        emit(result, as_json, text)
    return 0


def store_failure(args: argparse.Namespace, exc: Exception) -> HallError | None:
    """A database error no command mapped (a read that met a damaged page): said as what it is
    about the store, not as a crash."""
    from hall.store.engine import DatabaseError, store_error

    if not isinstance(exc, DatabaseError):
        return None
    from cli.common import data_dir
    from hall.store import STORE_FILE

    return store_error(data_dir(getattr(args, "data_dir", None)) / STORE_FILE, exc)


def crashed(args: argparse.Namespace, exc: Exception, as_json: bool) -> int:
    from cli.common import data_dir
    from hall import logs

    folder = data_dir(getattr(args, "data_dir", None))
    try:
        report: object = logs.crash_report(folder, type(exc), exc, exc.__traceback__)
    except OSError:
        report = "(no crash report: the data directory is not writable)"
    message = f"unexpected {type(exc).__name__}: {logs.redact(str(exc))}; report in {report}"
    return fail("internal", message, EXIT_FAILURE, as_json)
