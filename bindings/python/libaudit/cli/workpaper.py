"""``libaudit workpaper``: working papers (監査調書, docs/audit.md): add an entry per 課 and item of
an audit cycle, judge it, review it (the chief auditor), raise a finding from it (linked), list and
show them. Writes name the person who acts with ``--as PERSON``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .. import labels
from ..audit import WorkingPaper
from ..dates import day_argument
from ..evidence import EvidenceFile
from ..i18n import _
from ..table import format_table
from .common import actor, command, group, open_store, print_json, writer


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ws = group(sub, "workpaper", _("working papers (監査調書): add, judge, review, raise a finding, list, show"))
    w = [writer()]
    x = command(ws, "add", _add, _("record what was examined for one 課 and item"), parents=w)
    x.add_argument("--cycle", type=int, required=True, metavar="ID", help=_("the audit cycle"))
    x.add_argument("--dept", required=True, metavar="CODE", help=_("the 課's code"))
    x.add_argument("--item", required=True, metavar="ID", help=_("the checklist item's id"))
    x.add_argument(
        "--method",
        required=True,
        metavar="METHOD",
        help=_("document_review, interview, onsite_inspection or system_check (or the Japanese label)"),
    )
    x.add_argument("--observed", required=True, metavar="TEXT", help=_("what was seen"))
    x.add_argument(
        "--judgement", default="", metavar="J", help=_("conforming, nonconforming, observation or not_applicable")
    )
    x.add_argument("--date", type=day_argument, metavar="DATE", help=_("the day of the examination (default: today)"))
    x = command(ws, "judge", _judge, _("judge an entry"), parents=w)
    _paper_id(x)
    x.add_argument("judgement", metavar="JUDGEMENT", help=_("conforming, nonconforming, observation or not_applicable"))
    x.add_argument("--observed", default="", metavar="TEXT", help=_("replace what was seen"))
    x = command(ws, "review", _review, _("review an entry (the chief auditor)"), parents=w)
    _paper_id(x)
    x.add_argument("--note", default="", metavar="TEXT", help=_("a note for the trail"))
    x = command(ws, "raise-finding", _raise, _("raise a finding from an entry, linked to it"), parents=w)
    _paper_id(x)
    x.add_argument("--severity", required=True, metavar="S", help=_("the finding's severity"))
    x.add_argument("--due", required=True, type=day_argument, metavar="DATE", help=_("the finding's due date"))
    x.add_argument("--condition", default="", metavar="TEXT", help=_("the condition (default: what was seen)"))
    x.add_argument("--recommendation", default="", metavar="TEXT", help=_("the recommendation"))
    x = command(ws, "list", _list, _("list the working papers of an audit cycle"), json_flag=True)
    x.add_argument("--cycle", type=int, required=True, metavar="ID", help=_("the audit cycle"))
    x.add_argument("--dept", metavar="CODE", help=_("only this 課"))
    x = command(ws, "show", _show, _("show one entry"), json_flag=True)
    _paper_id(x)


def _paper_id(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", type=int, metavar="ID", help=_("the working paper's number"))


def _add(args: argparse.Namespace) -> int:
    fields = {"cycle": args.cycle, "department": args.dept, "item": args.item, "method": args.method}
    with open_store(args.db) as s:
        print(
            s.workpapers.add(
                actor(args), **fields, observed=args.observed, judgement=args.judgement, examined_on=args.date
            )
        )
    return 0


def _judge(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        s.workpapers.judge(actor(args), args.id, args.judgement, args.observed)
    return 0


def _review(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        s.workpapers.review(actor(args), args.id, args.note)
    return 0


def _raise(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        print(
            s.workpapers.raise_finding(
                actor(args),
                args.id,
                severity=args.severity,
                due=args.due,
                condition=args.condition,
                recommendation=args.recommendation,
            )
        )
    return 0


def paper_rows(papers: Sequence[WorkingPaper]) -> list[list[object]]:
    """Table rows of working papers, kinds by label in Japanese (shared with the demo)."""
    return [
        [
            p.id,
            p.department,
            p.item,
            labels.shown("audit_method", p.method),
            labels.shown("audit_judgement", p.judgement) if p.judgement else "",
            p.auditor,
            p.examined_on,
            p.reviewed_by,
            ", ".join(str(f) for f in p.findings),
            p.observed[:30],
        ]
        for p in papers
    ]


def paper_headers() -> list[str]:
    return [
        _("no."),
        _("課"),
        _("item"),
        _("method"),
        _("judgement"),
        _("auditor"),
        _("day"),
        _("reviewed by"),
        _("findings"),
        _("observed"),
    ]


def _list(args: argparse.Namespace) -> int:
    with open_store(args.db, read_only=True) as s:
        papers = s.workpapers.list(args.cycle, args.dept)
    if args.json:
        print_json([p.to_dict() for p in papers])
        return 0
    print(format_table(paper_headers(), paper_rows(papers), "><<<<<<<<<"))
    return 0


def _show(args: argparse.Namespace) -> int:
    with open_store(args.db, read_only=True) as s:
        paper = s.workpapers.get(args.id)
        files = s.evidence.list("working_paper", str(paper.id))
    if args.json:
        print_json({**paper.to_dict(), "evidence": [f.to_dict() for f in files]})
        return 0
    print(format_table(paper_headers(), paper_rows([paper]), "><<<<<<<<<"))
    print(paper.observed)
    if paper.review_note:
        print(paper.review_note)
    if files:
        print()
        print(_("Evidence files:"))
        print(format_table(evidence_headers(), evidence_rows(files), "><<<<<"))
    return 0


def evidence_headers() -> list[str]:
    return [_("id"), _("revision"), _("title"), _("file"), _("SHA-256"), _("state")]


def evidence_rows(files: Sequence[EvidenceFile]) -> list[list[object]]:
    """Table rows of evidence files: id, revision, title, file name, SHA-256 prefix, state."""
    return [
        [f.id, f.revision, f.title, f.file_name, f.sha256[:12], labels.shown("evidence_status", f.status)]
        for f in files
    ]


__all__ = ["evidence_headers", "evidence_rows", "paper_headers", "paper_rows", "register"]
