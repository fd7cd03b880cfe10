"""``libaudit finding``: findings (指摘事項): raise, move, list, show, 横展開, promote
(docs/findings.md). The register is ``libaudit person`` (cli/people.py), exceptions are
``libaudit exception`` (cli/exceptions.py).

Actions name the person who acts with ``--by PERSON`` (a name from the register, which the role
checks and the separation of duties read; it is also the trail's actor). Listings print aligned
tables with Japanese labels; ``--json`` prints objects with the English codes.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

import libaudit

from .. import labels
from ..dates import day_argument
from ..findings import SEVERITIES, STATES, DateLike, Finding, Findings
from ..i18n import _, ngettext
from ..table import format_table
from .common import by_option, command, group, open_store, print_dicts, print_json, today_option
from .exceptions import EXCEPTION_HEADERS, exception_headers, exception_rows  # re-exported for the demo

CHECK_ANSWER_LABELS = {"": "未回答", **dict(labels.terms("check_answer"))}  # "" -> 未回答 (data: a label)


def _csv_list(text: str) -> list[str]:
    return [x for x in text.replace("，", ",").replace(" ", ",").split(",") if x]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fs = group(sub, "finding", _("findings (指摘事項): raise, move, list, 横展開, promote"))
    x = command(fs, "open", _open, _("raise a finding in an audit cycle (prints its id)"))
    x.add_argument("--cycle", type=int, required=True, metavar="ID", help=_("the audit cycle's id"))
    x.add_argument("--dept", required=True, metavar="CODE", help=_("the 課's code"))
    x.add_argument("--items", required=True, metavar="ID,…", help=_("the checklist items concerned"))
    x.add_argument(
        "--severity",
        required=True,
        metavar="S",
        help=_("the severity: {severities}").format(severities=", ".join(f"{c} ({label})" for c, label in SEVERITIES)),
    )
    by_option(x)
    x.add_argument("--due", required=True, type=day_argument, metavar="DATE", help=_("due date (YYYY-MM-DD)"))
    x.add_argument("--condition", required=True, metavar="TEXT", help=_("what was found (状況)"))
    x.add_argument("--evidence", default="", metavar="TEXT", help=_("the evidence seen (監査証拠)"))
    x.add_argument("--recommendation", default="", metavar="TEXT", help=_("the recommendation (改善提案)"))
    x = command(fs, "move", _move, _("move a finding to another state"))
    x.add_argument("finding", type=int, metavar="FINDING", help=_("the finding's id"))
    x.add_argument(
        "state", metavar="STATE", help=_("the new state: {states}").format(states=", ".join(c for c, _s in STATES))
    )
    by_option(x)
    x.add_argument("--note", default="", metavar="TEXT", help=_("a note for the history"))
    x = command(fs, "list", _list, _("list findings"))
    x.add_argument("--cycle", type=int, metavar="ID", help=_("only this cycle's"))
    x.add_argument("--dept", metavar="CODE", help=_("only this 課's"))
    x.add_argument("--state", metavar="STATE", help=_("only findings in this state"))
    x.add_argument("--overdue", action="store_true", help=_("only overdue findings"))
    x.add_argument("--by-dept", action="store_true", help=_("overdue findings counted by 課"))
    today_option(x)
    x.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))
    x = command(fs, "show", _show, _("one finding with its history and check requests"))
    x.add_argument("finding", type=int, metavar="FINDING", help=_("the finding's id"))
    today_option(x)
    x.add_argument("--json", action="store_true", help=_("print JSON instead of text"))
    _register_followups(fs)


def _register_followups(fs: Any) -> None:
    """spread, answer-check, promote."""
    x = command(fs, "spread", _spread, _("横展開: ask other 課 to check for the same problem"))
    x.add_argument("finding", type=int, metavar="FINDING", help=_("the finding's id"))
    g = x.add_mutually_exclusive_group(required=True)
    g.add_argument("--depts", metavar="CODE,…", help=_("the 課 to ask"))
    g.add_argument("--all", action="store_true", help=_("every other 課 the finding's items apply to"))
    by_option(x)
    x = command(fs, "answer-check", _answer, _("answer a 横展開 check request"))
    x.add_argument("request", type=int, metavar="REQUEST", help=_("the check request's id"))
    x.add_argument("answer", choices=[code for code, _label in labels.terms("check_answer")], help=_("the answer"))
    by_option(x)
    x.add_argument("--note", default="", metavar="TEXT", help=_("a note with the answer"))
    x.add_argument(
        "--due", type=day_argument, metavar="DATE", help=_("due date of the linked finding (default: the source's)")
    )
    x = command(fs, "promote", _promote, _("draft findings from a self-inspection's not_implemented answers"))
    x.add_argument("--cycle", type=int, required=True, metavar="ID", help=_("the self-inspection cycle"))
    x.add_argument(
        "--into", type=int, required=True, metavar="AUDIT_CYCLE", help=_("the audit cycle the drafts go into")
    )
    x.add_argument("--include-partial", action="store_true", help=_("also 一部実施 (partial) answers"))
    x.add_argument("--due", type=day_argument, metavar="DATE", help=_("default: the end of the audit cycle's 年度"))
    by_option(x)


def _open(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        what = {"cycle": args.cycle, "department": args.dept, "items": _csv_list(args.items)}
        text = {"condition": args.condition, "evidence": args.evidence, "recommendation": args.recommendation}
        print(s.findings.open(args.by, **what, severity=args.severity, due=args.due, **text))
    return 0


def _move(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        s.findings.move(args.by, args.finding, args.state, args.note)
        f = s.findings.get(args.finding)
    print(_("finding {id}: {state} ({label})").format(id=f.id, state=f.state, label=f.state_label))
    return 0


def finding_rows(findings: Iterable[Finding], today: DateLike) -> list[list[Any]]:
    """Table rows of findings, with Japanese labels (shared with the demo)."""
    rows = []
    for f in findings:
        days = f.days_past_due(today)
        checks = f"{f.checks_open}/{f.checks_total}" if f.checks_total else ""
        overdue = _("{days} days over").format(days=days) if f.is_overdue(today) else ""
        row = [f.id, f.cycle, f.department, ",".join(f.items), f.severity_label, f.state_label, f.due, overdue]
        rows.append([*row, checks, f.condition[:40]])
    return rows


def finding_headers() -> list[str]:
    """The headings of :func:`finding_rows`, in the language in use."""
    return [
        _("no."),
        _("cycle"),
        _("課"),
        _("items"),
        _("severity"),
        _("state"),
        _("due"),
        _("overdue"),
        _("横展開 open"),
        _("finding"),
    ]


FINDING_HEADERS = [
    "番号",
    "実施回",
    "課",
    "項目",
    "重要度",
    "状態",
    "期限",
    "期限超過",
    "横展開未回答",
    "指摘内容",
]  # the demo's


def _overdue(findings: Findings, args: argparse.Namespace) -> list[Finding]:
    """Overdue findings, oldest first (days past due set), filtered as `list` filters."""
    dept = libaudit.nfkc(args.dept).strip() if args.dept else None
    return [
        f
        for f in findings.overdue(args.today)
        if (args.cycle is None or f.cycle == args.cycle)
        and (dept is None or f.department == dept)
        and (args.state is None or f.state == args.state)
    ]


def _list(args: argparse.Namespace) -> int:
    with open_store(args.db, read_only=True) as s:
        if args.by_dept:
            groups = s.findings.overdue_by_department(args.today)
            if args.json:
                print_dicts(groups)
                return 0
            rows = [[g.department, g.name, g.count, g.oldest_days, ",".join(map(str, g.findings))] for g in groups]
            heads = [_("課"), _("課 name"), _("overdue"), _("longest overdue (days)"), _("findings")]
            print(format_table(heads, rows, "<<>><"))
            return 0
        if args.overdue:
            found = _overdue(s.findings, args)
        else:
            found = s.findings.list(cycle=args.cycle, department=args.dept, state=args.state, today=args.today)
    if args.json:
        print_dicts(found)
        return 0
    print(format_table(finding_headers(), finding_rows(found, args.today), ">><<<<<><<"))
    return 0


def _show(args: argparse.Namespace) -> int:
    with open_store(args.db, read_only=True) as s:
        f = s.findings.get(args.finding)
        history = s.findings.history(args.finding)
        checks = s.findings.checks(args.finding)
    if args.json:
        d = f.to_dict()
        d["history"] = [t.to_dict() for t in history]
        d["checks"] = [c.to_dict() for c in checks]
        print_json(d)
        return 0
    overdue = "  " + _("(overdue)") if f.is_overdue(args.today) else ""
    print(
        _("finding {id}  cycle {cycle}  課 {dept}  items {items}").format(
            id=f.id, cycle=f.cycle, dept=f.department, items=", ".join(f.items)
        )
    )
    print(
        _("severity: {severity}  state: {state}  due: {due}").format(
            severity=f.severity_label, state=f.state_label, due=f.due
        )
        + overdue
    )
    print(_("raised by: {by} ({at})").format(by=f.raised_by, at=f.raised_at))
    texts = (
        (_("condition (状況)"), f.condition),
        (_("criterion (監査基準)"), f.criterion),
        (_("evidence (監査証拠)"), f.evidence),
        (_("recommendation (改善提案)"), f.recommendation),
    )
    for label, text in texts:
        if text:
            print(f"{label}: {text}")
    if f.source_finding:
        print(_("横展開 from: finding {id}").format(id=f.source_finding))
    if history:
        moves = [[t.at, t.by, _label(t.from_state), _label(t.to_state), t.note] for t in history]
        print()
        print(format_table([_("at"), _("by"), _("from"), _("to"), _("note")], moves))
    if checks:
        print()
        print(_("横展開: {open}/{total} unanswered").format(open=f.checks_open, total=f.checks_total))
        asked: list[list[Any]] = [
            [c.id, c.department, CHECK_ANSWER_LABELS[c.answer], c.answered_by, c.linked_finding or ""] for c in checks
        ]
        print(format_table([_("request"), _("課"), _("answer"), _("answered by"), _("linked finding")], asked))
    return 0


def _label(state: str) -> str:
    return labels.label_or_id("finding_state", state)


def _spread(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        ids = s.findings.spread(args.by, args.finding, None if args.all else _csv_list(args.depts))
        checks = {c.id: c.department for c in s.findings.checks(args.finding)}
    listed = ", ".join(f"{i} ({checks[i]})" for i in ids)
    print(
        ngettext("横展開: {n} check request", "横展開: {n} check requests", len(ids)).format(n=len(ids))
        + (": " + listed if ids else "")
    )
    return 0


def _answer(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        linked = s.findings.answer_check(args.by, args.request, args.answer, args.note, args.due)
    if linked:
        print(_("linked finding {id}").format(id=linked))
    return 0


def _promote(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        created, skipped = s.findings.promote(
            args.by, args.cycle, args.into, include_partial=args.include_partial, due=args.due
        )
    span = f" ({created[0]}-{created[-1]})" if created else ""
    print(
        ngettext(
            "{n} draft finding{span}, {skipped} skipped", "{n} draft findings{span}, {skipped} skipped", len(created)
        ).format(n=len(created), span=span, skipped=skipped)
    )
    return 0


__all__ = [
    "EXCEPTION_HEADERS",
    "FINDING_HEADERS",
    "exception_headers",
    "exception_rows",
    "finding_headers",
    "finding_rows",
    "register",
]
