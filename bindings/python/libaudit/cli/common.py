"""What the command modules share: who acts (``--as``), the common options, opening a store,
subcommand groups, the progress bar, and printing import results, diagnostics and JSON.

This module imports only the library. The command modules import it; between themselves the
only imports are one-way (checklist -> store and extract for the subcommands they add to the
checklist group, cycles -> exchange for returned questionnaires), so they form no circle.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any, Callable, TextIO

from .. import Checklist, ChecklistError, ImportValidationError, Store
from ..dates import day_argument
from ..errors import LibauditError, QuestionnaireError
from ..i18n import _, ngettext
from ..store import ImportResult, read_trail_key
from ..table import terminal_safe

Command = Callable[[argparse.Namespace], int]


def actor(args: argparse.Namespace) -> str:
    """``--as NAME``, else the login name; SystemExit when there is none."""
    if args.actor:
        return str(args.actor)
    try:
        return getpass.getuser()
    except Exception:  # no login name (e.g. a container without a passwd entry)
        raise SystemExit("libaudit: " + _("cannot tell who you are; give --as NAME")) from None


def writer() -> argparse.ArgumentParser:
    """The parent parser of every command that writes: ``--as NAME``."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--as", dest="actor", metavar="NAME", help=_("who makes the change (default: your login name)"))
    return p


def encoding() -> argparse.ArgumentParser:
    """The parent parser of every command that reads a CSV: ``--encoding``."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--encoding",
        default="detect",
        choices=["detect", "utf-8", "cp932"],
        help=_("the CSV's encoding (default: detect UTF-8 with or without BOM, else CP932)"),
    )
    return p


def by_option(p: argparse.ArgumentParser) -> None:
    """``--by PERSON``: who acts, a name from the person register (the follow-up commands)."""
    p.add_argument("--by", required=True, metavar="PERSON", help=_("who acts (a name from the person register)"))


def as_of_option(p: argparse.ArgumentParser) -> None:
    """``--as-of DATE``: an open cycle read as the store stood then (score, benchmark)."""
    p.add_argument(
        "--as-of",
        type=day_argument,
        metavar="DATE",
        help=_(
            "an open cycle as the store stood at the end of DATE in Japan (YYYY-MM-DD; default now); "
            "a closed cycle is always read at its close (docs/scoring.md)"
        ),
    )


def today_option(p: argparse.ArgumentParser) -> None:
    """``--today DATE``: the day overdue and expiry are computed for."""
    p.add_argument(
        "--today",
        type=day_argument,
        metavar="DATE",
        help=_("the day to compute overdue/expiry for (default: today in Japan)"),
    )


#: The environment variable naming the trail key file (docs/store.md, "Threat model").
TRAIL_KEY_ENV = "LIBAUDIT_TRAIL_KEY"


def key_file_option(p: argparse.ArgumentParser) -> None:
    """``--key-file PATH``: the trail key file (else $LIBAUDIT_TRAIL_KEY)."""
    p.add_argument(
        "--key-file",
        metavar="PATH",
        help=_("the trail key file (mode 0600; default: ${env}); made by `libaudit trail-key new`").format(
            env=TRAIL_KEY_ENV
        ),
    )


def trail_key(key_file: str | None = None) -> bytes | None:
    """The trail key read from `key_file`, else from the file $LIBAUDIT_TRAIL_KEY names; None when
    neither is given. A bad key file raises (ValidationError, LibauditIOError): nothing is done
    with a key that cannot be read."""
    path = key_file or os.environ.get(TRAIL_KEY_ENV)
    return read_trail_key(path) if path else None


def open_store(path: str, *, read_only: bool = False, key_file: str | None = None) -> Store:
    """An existing store (a command other than ``init`` never creates one); a command that only
    reads opens it `read_only` (it then works on a read-only filesystem and writes nothing). A
    store opened for writing gets the trail key (:func:`trail_key`), so that every command
    that writes seals its trail records when a key is given."""
    if read_only:
        return Store(path, create=False, read_only=True)
    return Store(path, create=False, trail_key=trail_key(key_file))


class TerminalSafe:
    """A text stream that writes everything through :func:`libaudit.table.terminal_safe`: what
    the command line prints (tables, ``show``, errors, argparse's messages) never holds a raw
    control character or bidi override. ``unescaped`` is the stream itself (the progress bar's
    carriage return)."""

    def __init__(self, stream: TextIO):
        self.unescaped = stream

    def write(self, text: str) -> int:
        self.unescaped.write(terminal_safe(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding, …
        return getattr(self.unescaped, name)


def group(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help: str) -> Any:
    """A command with required subcommands (``libaudit NAME SUBCOMMAND …``)."""
    p = sub.add_parser(name, help=help)
    subs = p.add_subparsers(dest=f"{name}_command", metavar="SUBCOMMAND")
    subs.required = True
    return subs


class IntermixedParser(argparse.ArgumentParser):
    """A command whose positionals may follow its options (``finding move DB --where F STATE``):
    argparse's plain parse fills a ``nargs="*"`` positional at its first chance, empty, and then
    refuses the later ones; the intermixed parse takes them wherever they are. Set on a parser
    made by :func:`command` with ``parser.__class__ = IntermixedParser``."""

    _intermixing = False

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        if self._intermixing:  # parse_known_intermixed_args calls this again for each pass
            return super().parse_known_args(args, namespace)
        self._intermixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False


def command(
    subs: Any,
    name: str,
    func: Command,
    help: str,
    *,
    parents: Sequence[argparse.ArgumentParser] = (),
    positionals: Iterable[str] = (),
    json_flag: bool = False,
) -> argparse.ArgumentParser:
    """A subcommand taking the store ``DB`` first, then `positionals` (metavars, e.g. "FILE.csv",
    stored as their lower-case stem: ``file``), and ``--json`` when `json_flag`."""
    x: argparse.ArgumentParser = subs.add_parser(name, parents=list(parents), help=help)
    x.add_argument("db", metavar="DB", help=_("the store (an SQLite file)"))
    for metavar in positionals:
        x.add_argument(metavar.split(".")[0].lower(), metavar=metavar)
    if json_flag:
        x.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))
    x.set_defaults(func=func)
    return x


class Progress:
    """A progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None):
        stream = stream or sys.stderr
        self.stream: TextIO = getattr(stream, "unescaped", stream)
        self.label = label
        self.active = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.active or total <= 0:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = width * done // total
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def report_import(what: str, r: ImportResult) -> None:
    print(
        _("{what}: {rows} rows, {inserted} inserted, {updated} updated, {unchanged} unchanged").format(
            what=what, rows=r.rows, inserted=r.inserted, updated=r.updated, unchanged=r.unchanged
        )
    )


#: How many problems a command prints before the line that says how many more (``--all``: all).
PROBLEMS_SHOWN = 20


def all_option(p: argparse.ArgumentParser) -> None:
    """``--all``: print every problem, not the first :data:`PROBLEMS_SHOWN`."""
    p.add_argument(
        "--all",
        dest="all",
        action="store_true",
        help=_("print every problem found (default: the first {n}, then how many more)").format(n=PROBLEMS_SHOWN),
    )


def add_all_options(parser: argparse.ArgumentParser) -> None:
    """``--all`` (:func:`all_option`) on every command of `parser`'s tree that has no ``--all`` of
    its own (``finding spread --all`` means every 課; it shows every problem too)."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for action in subparsers:
        for child in dict.fromkeys(action.choices.values()):  # aliases map to one parser
            add_all_options(child)
    if not subparsers and not any("--all" in a.option_strings for a in parser._actions):
        all_option(parser)


def print_problems(problems: Sequence[object], *, show_all: bool = False, stream: TextIO | None = None) -> None:
    """THE way a command prints problems: one a line (``str(p)``: the file as given, line, what),
    at most :data:`PROBLEMS_SHOWN` unless `show_all` (``--all``), then one line saying how many
    more there are and that ``--all`` shows them."""
    out = stream or sys.stderr
    shown = problems if show_all or len(problems) <= PROBLEMS_SHOWN else problems[:PROBLEMS_SHOWN]
    for p in shown:
        print(str(p), file=out)
    more = len(problems) - len(shown)
    if more:
        print(
            ngettext(
                "… and {n} more problem, not shown: --all shows it",
                "… and {n} more problems, not shown: --all shows them all",
                more,
            ).format(n=more),
            file=out,
        )


def print_error(e: LibauditError, *, show_all: bool = False) -> None:
    """An error as the command line prints it: ``libaudit: …`` on stderr; an error that lists
    problems (ValidationError's diagnostics, a questionnaire's problems) prints them all through
    :func:`print_problems`, under a line that counts them."""
    problems: Sequence[object] = getattr(e, "problems", None) or getattr(e, "diagnostics", None) or []
    if len(problems) <= 1:
        print(f"libaudit: {problems[0] if problems else e}", file=sys.stderr)
        return
    files = {getattr(p, "file", "") for p in problems} - {""}
    if isinstance(e, QuestionnaireError):
        head = str(e.args[0])
    elif len(files) == 1:
        head = ngettext("{n} problem in {file}:", "{n} problems in {file}:", len(problems)).format(
            n=len(problems), file=next(iter(files))
        )
    else:
        head = ngettext("{n} problem:", "{n} problems:", len(problems)).format(n=len(problems))
    print(f"libaudit: {head}", file=sys.stderr)
    print_problems(problems, show_all=show_all)


def run_import(args: argparse.Namespace, what: str, fn: Callable[[Store], ImportResult]) -> int:
    """`fn` on the store ``args.db``, its result reported; a refused import lists every bad row."""
    try:
        with open_store(args.db) as s:
            report_import(what, fn(s))
    except ImportValidationError as e:
        print("libaudit: " + _("nothing was imported; fix these rows and import again:"), file=sys.stderr)
        print_problems(e.diagnostics, show_all=args.all)
        return 1
    return 0


def load_checklist(path: str, *, show_all: bool = False) -> Checklist | None:
    """The checklist at `path`, or None after printing its diagnostics."""
    try:
        return Checklist.load(path)
    except ChecklistError as e:
        print_problems(e.diagnostics, show_all=show_all)
        return None


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def listed(args: argparse.Namespace, fetch: Callable[[Store], Sequence[Any]]) -> Sequence[Any] | None:
    """The rows `fetch` reads from the store ``args.db``; with ``--json`` they are printed (as
    dataclasses) and None is returned, so the caller prints its table only when it gets rows."""
    with open_store(args.db, read_only=True) as s:
        rows = fetch(s)
    if args.json:
        print_json([dataclasses.asdict(r) for r in rows])
        return None
    return rows


def print_dicts(rows: Iterable[Any]) -> None:
    """Objects with ``to_dict()`` as a JSON list (``--json``)."""
    print_json([r.to_dict() for r in rows])
