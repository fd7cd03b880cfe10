"""The ``libaudit`` command line. Each command group registers itself from its own module."""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..errors import LibauditError
from ..files import os_error_text
from ..i18n import _
from . import (
    benchmark,
    checklist,
    cycles,
    evidence,
    exceptions,
    exchange,
    findings,
    organisation,
    people,
    plan,
    report,
    score,
    serve,
    store,
    vocabulary,
    workpaper,
)
from .common import TerminalSafe, add_all_options, print_error

# Each module registers its command groups; this package composes them (and only it imports
# every command module). Shared helpers are in cli/common.py.
_GROUPS = [
    checklist,
    store,
    organisation,
    cycles,
    exchange,
    score,
    people,
    findings,
    exceptions,
    plan,
    workpaper,
    evidence,
    report,
    benchmark,
    serve,
    vocabulary,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="libaudit",
        description=_("Information-security self-inspections (自己点検) and audits for Japanese local governments."),
    )
    parser.add_argument(
        "--version", action="version", version=f"libaudit {__version__}", help=_("print the version and exit")
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for group in _GROUPS:
        group.register(sub)
    add_all_options(parser)  # --all on every command: print every problem, not the first 20
    return parser


def main(argv: list[str] | None = None) -> int:
    """Runs one command. Everything it prints goes through terminal_safe (cli/common.py); an
    error is one line ``libaudit: …`` on stderr, never a traceback."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalSafe(out), TerminalSafe(err)
    try:
        return _run(build_parser().parse_args(argv))
    finally:
        sys.stdout, sys.stderr = out, err


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args) or 0)
    except LibauditError as e:
        print_error(e, show_all=getattr(args, "all", False))
        return 1
    except KeyboardInterrupt:
        print("libaudit: " + _("interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as e:  # a file named on the command line that cannot be read or written
        where = f"{e.filename}: " if e.filename else ""
        print(f"libaudit: {where}{os_error_text(e)}", file=sys.stderr)
        return 1
