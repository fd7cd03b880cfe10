"""``libaudit export``: per-課 questionnaires (.xlsx or CSV) of a cycle (docs/exchange.md), or
the cycle's responses, scores and findings as Parquet for the analytic engines (``--format
parquet``, docs/analytics.md).

Returned questionnaires are read by ``libaudit responses import`` (cli/cycles.py), which hands
workbooks, questionnaire CSVs and folders to :func:`run_import` below.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import exchange
from ..dates import day_argument
from ..errors import QuestionnaireError, ValidationError
from ..files import output_format
from ..i18n import _, ngettext
from ..store import Store
from .common import print_problems


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from .common import writer

    p = sub.add_parser(
        "export",
        parents=[writer()],
        help=_("write per-課 questionnaires (点検票) of a cycle as .xlsx or CSV; each is recorded (cycle status)")
        + " "
        + _("(or, with --format parquet, the cycle's responses, scores and findings for DuckDB, pandas or Spark)"),
    )
    p.add_argument("db", metavar="DB", help=_("the store (an SQLite file)"))
    p.add_argument("--cycle", type=int, required=True, metavar="ID", help=_("the cycle's id"))
    who = p.add_mutually_exclusive_group()
    who.add_argument("--dept", metavar="CODE", help=_("one 課"))
    who.add_argument("--all-depts", action="store_true", help=_("every target 課 of the cycle, into the folder -o"))
    p.add_argument(
        "--format",
        choices=["xlsx", "csv", "parquet"],
        help=_("default: from the extension of -o (x.csv: CSV), else xlsx; a contradiction is refused")
        + " "
        + _("(parquet: the whole cycle into the new folder -o; docs/analytics.md)"),
    )
    p.add_argument(
        "--encoding",
        choices=["utf-8-sig", "cp932"],
        default="utf-8-sig",
        help=_("CSV only: UTF-8 with BOM (default) or CP932 (Shift_JIS as Excel on Japanese Windows)"),
    )
    p.add_argument(
        "--carry-over",
        type=int,
        metavar="CYCLE",
        help=_("pre-fill the answers of an earlier cycle of the same checklist (e.g. last 年度's)"),
    )
    p.add_argument(
        "--deadline", type=day_argument, metavar="YYYY-MM-DD", help=_("回答期限, printed on the instructions sheet")
    )
    p.add_argument("--contact", metavar="TEXT", help=_("the contact for questions, printed on the instructions sheet"))
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PATH",
        help=_("a file (--dept) or a folder (--all-depts, or --dept with an existing folder)"),
    )
    p.set_defaults(func=_export, usage_error=p.error)


def _export_parquet(args: argparse.Namespace) -> int:
    from ..analytics import export_parquet
    from .common import open_store

    if args.dept is not None or args.all_depts:
        args.usage_error(_("--format parquet exports the whole cycle: leave out --dept and --all-depts"))
    if args.output == "-":
        raise ValidationError(_("a Parquet export is written to a new folder, not to standard output"))
    with open_store(args.db, read_only=True) as s:
        paths = export_parquet(s, args.cycle, args.output)
    for p in paths:
        print(p)
    print(
        ngettext("exported {n} Parquet file", "exported {n} Parquet files", len(paths)).format(n=len(paths)),
        file=sys.stderr,
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from .common import Progress, actor, open_store

    if args.format == "parquet":
        return _export_parquet(args)
    if args.dept is None and not args.all_depts:  # a usage error (exit 2), as argparse's own
        args.usage_error(_("give --dept CODE or --all-depts (or --format parquet for the whole cycle)"))
    who = actor(args)
    with open_store(args.db) as s:
        if args.output == "-":
            raise ValidationError(_("a questionnaire is written to a file (.xlsx or .csv), not to standard output"))
        out = Path(args.output)
        folder = args.all_depts or out.is_dir()
        args.format = output_format(out, args.format, exchange.QUESTIONNAIRE_FORMATS, default="xlsx", directory=folder)
        if args.all_depts:
            bar = Progress(_("exporting"))
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
    print(
        ngettext("exported {n} questionnaire", "exported {n} questionnaires", len(paths)).format(n=len(paths)),
        file=sys.stderr,
    )
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
    show_all: bool = False,
) -> int:
    """Import returned questionnaires and print the per-file summary (or every problem)."""
    try:
        result = exchange.import_files(
            store, cycle, paths, actor, dry_run=dry_run, encoding=encoding, department=department
        )
    except QuestionnaireError as e:
        print("libaudit: " + _("{problem}; fix these and import again:").format(problem=e.args[0]), file=sys.stderr)
        print_problems(e.problems, show_all=show_all)
        if e.outcomes:
            print(_("files:"), file=sys.stderr)
            for o in e.outcomes:
                print(f"  {o}", file=sys.stderr)
        return 1
    for w in result.warnings:
        print(_("warning: {warning}").format(warning=w), file=sys.stderr)
    for o in result.skipped:
        print(str(o), file=sys.stderr)
    print(result.table())
    if dry_run:
        print(
            ngettext(
                "dry run: {n} answer would change; nothing was written",
                "dry run: {n} answers would change; nothing was written",
                result.changed,
            ).format(n=result.changed)
        )
    else:
        print(
            ngettext(
                "imported: {new} new, {updated} updated answer(s) from {n} file",
                "imported: {new} new, {updated} updated answer(s) from {n} files",
                len(result.files),
            ).format(new=result.inserted, updated=result.updated, n=len(result.files))
        )
        if result.evidence:
            print(
                ngettext(
                    "{n} evidence file attached to the answers",
                    "{n} evidence files attached to the answers",
                    result.evidence,
                ).format(n=result.evidence)
            )
    return 0
