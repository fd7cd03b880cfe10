"""``libaudit report committee|department|audit|findings|workpapers DB --cycle ID …`` (``report plan DB
--plan ID``): the reports
(docs/reports.md) as HTML, Markdown, CSV, JSON or PDF."""

from __future__ import annotations

import argparse
import sys

from ..dates import day_argument
from ..errors import ValidationError
from ..i18n import _
from ..report import format_of, render
from .common import Progress, open_store


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report", help=_("reports: committee report, department sheets, audit report, findings register")
    )
    p.add_argument(
        "kind",
        choices=["committee", "department", "audit", "findings", "plan", "workpapers"],
        help=_(
            "committee (委員会報告), department (課別結果票), audit (監査報告書), findings (指摘事項一覧), "
            "plan (監査計画書, with --plan), workpapers (監査調書)"
        ),
    )
    p.add_argument("db", metavar="DB", help=_("the store (an SQLite file)"))
    p.add_argument("--cycle", type=int, metavar="ID", help=_("the cycle reported on (every report but plan)"))
    p.add_argument("--plan", type=int, default=0, metavar="ID", help=_("plan report: the audit plan"))
    p.add_argument("--compare", type=int, metavar="ID", help=_("a previous cycle (e.g. last 年度) to compare with"))
    who = p.add_mutually_exclusive_group()
    who.add_argument("--dept", metavar="CODE", help=_("department sheet: the 課"))
    who.add_argument(
        "--all-depts", action="store_true", help=_("department sheet: one file per 課 into the directory -o")
    )
    p.add_argument(
        "--format",
        choices=["html", "md", "csv", "json", "pdf"],
        help=_("default: from the extension of -o (x.pdf: PDF), else html; a contradiction is refused"),
    )
    p.add_argument(
        "-o",
        "--out",
        required=True,
        metavar="OUT",
        help=_("the file to write (a directory with --all-depts; - for standard output, with --format)"),
    )
    p.add_argument(
        "--templates", metavar="DIR", help=_("your template directory (files missing there: the built-in ones)")
    )
    p.add_argument(
        "--opinion", default="", metavar="TEXT", help=_("audit report: the auditors' overall opinion (総合意見)")
    )
    p.add_argument(
        "--auditor", action="append", default=[], metavar="NAME", help=_("audit report: an auditor (repeatable)")
    )
    p.add_argument("--period", default="", metavar="TEXT", help=_("audit report: the audit period as written"))
    p.add_argument(
        "--as-of",
        type=day_argument,
        metavar="YYYY-MM-DD",
        help=_(
            "an open cycle as the store stood at the end of this day in Japan, dated and counting overdue and "
            "expiry from it (default: now / today); a closed cycle is always its published close (docs/scoring.md)"
        ),
    )
    p.add_argument("--model", default="rate", help=_("scoring model (default: rate, 実施率)"))
    p.set_defaults(func=_report)


def _report(args: argparse.Namespace) -> int:
    if args.kind == "plan" and not args.plan:
        print("libaudit: " + _("the plan report needs the audit plan (--plan ID)"), file=sys.stderr)
        return 2
    if args.kind != "plan" and args.cycle is None:
        print("libaudit: " + _("the report needs the cycle (--cycle ID)"), file=sys.stderr)
        return 2
    if args.kind == "department" and not (args.dept or args.all_depts):
        print("libaudit: " + _("the department sheet needs --dept CODE or --all-depts"), file=sys.stderr)
        return 2
    # The format before the store is opened: -o x.pdf --format html, or -o - without --format, is
    # refused with nothing read or written.
    fmt = format_of(args.out, args.format, directory=args.all_depts)
    to_stdout = args.out == "-"
    if to_stdout and (fmt == "pdf" or args.all_depts):
        raise ValidationError(_("standard output (-o -) takes one report as html, md, csv or json"))
    with open_store(args.db, read_only=True) as store:
        result = render(
            store,
            args.kind,
            cycle=args.cycle,
            compare=args.compare,
            format=fmt,
            out=None if to_stdout else args.out,
            templates=args.templates,
            dept=args.dept,
            all_depts=args.all_depts,
            progress=Progress(_("課別結果票")) if args.all_depts else None,
            opinion=args.opinion,
            auditors=args.auditor,
            period=args.period,
            as_of=args.as_of,
            at=args.as_of,
            model=args.model,
            plan=args.plan,
        )
    if isinstance(result, str):
        sys.stdout.write(result)
        return 0
    for path in result if isinstance(result, list) else [result]:
        print(path)
    return 0
