"""``libaudit cycle status``: the 回収状況 of a cycle, and ``--remind``: the 課 to chase as CSV and
a 庁内メール text (docs/exchange.md, "Collection status"). Registered into the ``cycle`` group by
cli/cycles.py; reads the store only (read-only open)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .. import exchange
from ..dates import day_argument
from ..files import write_atomically
from ..i18n import _, ngettext
from .common import command, open_store, print_json


def register(cs: Any) -> None:
    """Adds ``status`` to the ``cycle`` subcommands `cs`."""
    x = command(
        cs,
        "status",
        _status,
        _("collection status of each target department: sent, returned (when, by whom), answered, late"),
        json_flag=True,
    )
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=day_argument,
        help=_("the day lateness is judged for (default: today in Japan; a closed cycle: the day it closed)"),
    )
    x.add_argument(
        "--remind",
        action="store_true",
        help=_(
            "write the departments to chase (sent and not returned, or late) with their security managers, "
            "and a mail text"
        ),
    )
    x.add_argument("-o", "--output", metavar="FILE.csv", help=_("--remind: the CSV (default: remind.csv)"))
    x.add_argument(
        "--encoding",
        choices=["utf-8-sig", "cp932"],
        default="utf-8-sig",
        help=_("--remind: the CSV's encoding: UTF-8 with BOM (default) or CP932 for Excel"),
    )
    x.add_argument(
        "--mail-text", metavar="FILE", help=_("--remind: write the mail text to FILE instead of printing it")
    )


def register_send(cs: Any) -> None:
    """Adds ``send`` (the web questionnaire, docs/exchange.md "Web submissions") to `cs`."""
    x = command(
        cs,
        "send",
        _send,
        _("send the web questionnaire to departments with a deadline (the audit team); cycle status shows it sent"),
    )
    x.add_argument("id", type=int, metavar="ID", help=_("the cycle's id"))
    who = x.add_mutually_exclusive_group(required=True)
    who.add_argument("--dept", metavar="CODE", help=_("one 課"))
    who.add_argument("--all-depts", action="store_true", help=_("every target 課 of the cycle"))
    x.add_argument("--deadline", metavar="YYYY-MM-DD", type=day_argument, help=_("回答期限 (a day in Japan)"))
    x.add_argument(
        "--by", required=True, metavar="PERSON", help=_("監査統括責任者, 統括情報セキュリティ責任者 or CISO, by name")
    )


def _send(args: argparse.Namespace) -> int:
    deadline = args.deadline or ""
    with open_store(args.db) as s:
        depts = [args.dept] if args.dept is not None else list(s.cycle(args.id).departments)
        for d in depts:
            s.send_web_questionnaire(args.by, args.id, d, deadline)
    print(
        ngettext(
            "The web questionnaire of cycle {id} is sent to {n} department.",
            "The web questionnaire of cycle {id} is sent to {n} departments.",
            len(depts),
        ).format(id=args.id, n=len(depts))
    )
    return 0


def _status(args: argparse.Namespace) -> int:
    if not args.remind and (args.output or args.mail_text or args.encoding != "utf-8-sig"):
        raise SystemExit(_("libaudit: -o, --encoding and --mail-text go with --remind"))
    with open_store(args.db, read_only=True) as s:
        status = exchange.collection_status(s, args.id, args.as_of)
        body = s.body
    if args.json:
        print_json(status.to_dict())
        return 0
    print(_("cycle {id} ({name})").format(id=status.cycle, name=status.cycle_name))
    print(status.table())
    print(status.summary())
    if not args.remind:
        return 0
    chase = status.to_remind()
    path = exchange.write_remind_csv(status, args.output or "remind.csv", args.encoding)
    print(
        ngettext(
            "{n} department to remind, written to {path}",
            "{n} departments to remind, written to {path}",
            len(chase),
        ).format(n=len(chase), path=path),
        file=sys.stderr,
    )
    unsent = status.not_sent()
    if unsent:
        print(
            ngettext(
                "{n} department was sent no questionnaire and is not reminded; send it first: "
                "libaudit export DB --cycle {cycle} --dept CODE",
                "{n} departments were sent no questionnaire and are not reminded; send them first: "
                "libaudit export DB --cycle {cycle} --dept CODE",
                len(unsent),
            ).format(n=len(unsent), cycle=status.cycle),
            file=sys.stderr,
        )
    text = exchange.remind_mail_text(status, body)
    if args.mail_text:
        write_atomically(args.mail_text, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        print(_("mail text written to {path}").format(path=args.mail_text), file=sys.stderr)
    elif text:
        print()
        print(text, end="")
    return 0
