"""The ``libaudit`` command line. Each command group registers itself from its own module."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from .. import __version__
from ..errors import LibauditError
from . import checklist, exchange, findings, report, score, store

_GROUPS = [checklist, store, exchange, score, findings, report]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="libaudit",
        description="情報セキュリティ自己点検・監査ツール: self-inspections and audits for Japanese local governments.",
    )
    parser.add_argument("--version", action="version", version=f"libaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for group in _GROUPS:
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except LibauditError as e:
        print(f"libaudit: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("libaudit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
