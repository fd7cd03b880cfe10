"""``libaudit export``: per-課 questionnaires (.xlsx or CSV) of a cycle (docs/exchange.md).

Returned questionnaires are read by ``libaudit responses import`` (cli/cycles.py), which hands
workbooks, questionnaire CSVs and folders to :func:`run_import` below.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import exchange
from ..errors import QuestionnaireError
from ..store import Store


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from .common import writer

    p = sub.add_parser(
        "export",
        parents=[writer()],
        help="write per-課 questionnaires (点検票) of a cycle as .xlsx or CSV; each is recorded (cycle status)",
    )
    p.add_argument("db", metavar="DB")
    p.add_argument("--cycle", type=int, required=True, metavar="ID")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--dept", metavar="CODE", help="one 課")
    who.add_argument("--all-depts", action="store_true", help="every target 課 of the cycle, into the folder -o")
    p.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    p.add_argument(
        "--encoding",
        choices=["utf-8-sig", "cp932"],
        default="utf-8-sig",
        help="CSV only: UTF-8 with BOM (default) or CP932 (Shift_JIS as Excel on Japanese Windows)",
    )
    p.add_argument(
        "--carry-over",
        type=int,
        metavar="CYCLE",
        help="pre-fill the answers of an earlier cycle of the same checklist (e.g. last 年度's)",
    )
    p.add_argument("--deadline", metavar="YYYY-MM-DD", help="回答期限, printed on the instructions sheet")
    p.add_argument("--contact", metavar="TEXT", help="問い合わせ先, printed on the instructions sheet")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PATH",
        help="a file (--dept) or a folder (--all-depts, or --dept with an existing folder)",
    )
    p.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    from .common import Progress, actor, open_store

    who = actor(args)
    with open_store(args.db) as s:
        out = Path(args.output)
        if args.all_depts:
            bar = Progress("exporting")
            paths = exchange.export_all(
                s,
                args.cycle,
                out,
                format=args.format,
                encoding=args.encoding,
                carry_over_from=args.carry_over,
                deadline=args.deadline,
                contact=args.contact,
                progress=bar,
                actor=who,
            )
        else:
            if out.is_dir():
                out = out / exchange.file_name(s, args.dept, args.format)
            if args.format == "xlsx":
                paths = [
                    exchange.export_workbook(
                        s,
                        args.cycle,
                        args.dept,
                        out,
                        carry_over_from=args.carry_over,
                        deadline=args.deadline,
                        contact=args.contact,
                        actor=who,
                    )
                ]
            else:
                paths = [
                    exchange.export_csv(
                        s,
                        args.cycle,
                        args.dept,
                        out,
                        encoding=args.encoding,
                        carry_over_from=args.carry_over,
                        deadline=args.deadline,
                        actor=who,
                    )
                ]
    for p in paths:
        print(p)
    print(f"exported {len(paths)} questionnaire(s)", file=sys.stderr)
    return 0


def run_import(
    store: Store,
    cycle: int,
    paths: list[str],
    actor: str,
    *,
    dry_run: bool,
    encoding: str,
    department: str | None = None,
) -> int:
    """Import returned questionnaires and print the per-file summary (or every problem)."""
    try:
        result = exchange.import_files(
            store, cycle, paths, actor, dry_run=dry_run, encoding=encoding, department=department
        )
    except QuestionnaireError as e:
        print(f"libaudit: {e.args[0]}; fix these and import again:", file=sys.stderr)
        for p in e.problems:
            print(str(p), file=sys.stderr)
        if e.outcomes:
            print("files:", file=sys.stderr)
            for o in e.outcomes:
                print(f"  {o}", file=sys.stderr)
        return 1
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for o in result.skipped:
        print(str(o), file=sys.stderr)
    print(result.table())
    if dry_run:
        print(f"dry run: {result.changed} answer(s) would change; nothing was written")
    else:
        print(f"imported: {result.inserted} new, {result.updated} updated answer(s) from {len(result.files)} file(s)")
    return 0
