"""``libaudit exception``: exceptions (例外措置, 小牧市 7(7)): request, approve, reject, report,
list (docs/findings.md). Actions name the person who acts with ``--by PERSON``."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

from ..dates import day_argument
from ..findings import EMERGENCY_REPORT_DAYS, DateLike, ExceptionRecord
from ..i18n import _
from ..table import format_table
from .common import by_option, command, group, open_store, print_dicts, today_option


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    es = group(sub, "exception", _("exceptions (例外措置): request, approve, reject, report, list"))
    x = command(es, "request", _request, _("request an exception (or record an emergency one with --emergency)"))
    x.add_argument("--dept", required=True, metavar="CODE", help=_("the 課's code"))
    x.add_argument("--item", required=True, metavar="ID", help=_("the checklist item's id"))
    x.add_argument("--system", default="", metavar="NAME", help=_("the information system, if one"))
    x.add_argument("--reason", required=True, metavar="TEXT", help=_("why the item cannot be followed"))
    x.add_argument("--measure", default="", metavar="TEXT", help=_("the compensating measure (代替措置)"))
    x.add_argument("--start", required=True, type=day_argument, metavar="DATE", help=_("first day (YYYY-MM-DD)"))
    x.add_argument("--end", required=True, type=day_argument, metavar="DATE", help=_("last day (YYYY-MM-DD)"))
    x.add_argument("--emergency", action="store_true", help=_("taken already; to be reported to the CISO afterwards"))
    by_option(x)
    for name, help_ in (
        ("approve", _("the CISO approves")),
        ("reject", _("the CISO rejects")),
        ("report", _("an emergency exception reported to the CISO")),
    ):
        x = command(es, name, _decide, help_)
        x.add_argument("exception", type=int, metavar="ID", help=_("the exception's id"))
        by_option(x)
        x.add_argument("--note", default="", metavar="TEXT", help=_("a note for the trail"))
        x.set_defaults(action=name)
    x = command(es, "list", _list, _("list exceptions"))
    x.add_argument(
        "--which",
        default="all",
        choices=["all", "in_force", "expiring", "expired", "late"],
        help=_("which exceptions (default: all)"),
    )
    x.add_argument("--days", type=int, default=30, metavar="N", help=_("expiring: within N days (default 30)"))
    x.add_argument(
        "--report-days",
        type=int,
        default=EMERGENCY_REPORT_DAYS,
        metavar="N",
        help=_("emergency exceptions are late after N days unreported (default {n})").format(n=EMERGENCY_REPORT_DAYS),
    )
    today_option(x)
    x.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))


def _request(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        fields = {"department": args.dept, "item": args.item, "system": args.system, "reason": args.reason}
        period = {"start": args.start, "end": args.end, "emergency": args.emergency}
        print(s.exceptions.request(args.by, **fields, compensating_measure=args.measure, **period))
    return 0


def _decide(args: argparse.Namespace) -> int:
    """approve, reject or report (args.action)."""
    with open_store(args.db) as s:
        getattr(s.exceptions, args.action)(args.by, args.exception, args.note)
    return 0


def exception_rows(records: Iterable[ExceptionRecord], today: DateLike = None) -> list[list[Any]]:
    """Table rows of exceptions, with Japanese labels (shared with the demo)."""
    out = []
    for e in records:
        flags = []
        if e.emergency:
            flags.append(_("emergency"))
        if e.late:
            flags.append(_("reported late"))
        if e.expired(today):
            flags.append(_("expired"))
        out.append(
            [e.id, e.department, e.item, e.system, e.status_label, e.start, e.end, " ".join(flags), e.reason[:30]]
        )
    return out


def exception_headers() -> list[str]:
    """The headings of :func:`exception_rows`, in the language in use."""
    return [_("no."), _("課"), _("item"), _("system"), _("status"), _("start"), _("end"), _("notes"), _("reason")]


EXCEPTION_HEADERS = ["番号", "課", "項目", "システム", "状態", "開始", "終了", "注記", "理由"]  # the demo's (Japanese)


def _list(args: argparse.Namespace) -> int:
    with open_store(args.db, read_only=True) as s:
        x = s.exceptions
        if args.which == "all":
            rows = x.list(today=args.today, report_days=args.report_days)
        elif args.which == "in_force":
            rows = x.in_force(args.today)
        elif args.which == "expiring":
            rows = x.expiring(args.days, args.today)
        elif args.which == "expired":
            rows = x.expired(args.today)
        else:
            rows = x.late(args.report_days, args.today)
    if args.json:
        print_dicts(rows)
        return 0
    print(format_table(exception_headers(), exception_rows(rows, args.today)))
    return 0


__all__ = ["EXCEPTION_HEADERS", "exception_headers", "exception_rows", "register"]
