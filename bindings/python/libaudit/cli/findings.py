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
from ..table import format_table
from .common import by_option, command, group, open_store, print_dicts, print_json, today_option
from .exceptions import EXCEPTION_HEADERS, exception_rows  # re-exported for the demo

CHECK_ANSWER_LABELS = {"": "未回答", **dict(labels.terms("check_answer"))}


def _csv_list(text: str) -> list[str]:
    return [x for x in text.replace("，", ",").replace(" ", ",").split(",") if x]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fs = group(sub, "finding", "findings (指摘事項): raise, move, list, 横展開, promote")
    x = command(fs, "open", _open, "raise a finding in an audit cycle (prints its id)")
    x.add_argument("--cycle", type=int, required=True, metavar="ID")
    x.add_argument("--dept", required=True, metavar="CODE")
    x.add_argument("--items", required=True, metavar="ID,…")
    x.add_argument(
        "--severity", required=True, metavar="S", help=", ".join(f"{c} ({label})" for c, label in SEVERITIES)
    )
    by_option(x)
    x.add_argument("--due", required=True, type=day_argument, metavar="DATE")
    x.add_argument("--condition", required=True, metavar="TEXT", help="what was found (状況)")
    x.add_argument("--evidence", default="", metavar="TEXT", help="the evidence seen (監査証拠)")
    x.add_argument("--recommendation", default="", metavar="TEXT")
    x = command(fs, "move", _move, "move a finding to another state")
    x.add_argument("finding", type=int, metavar="FINDING")
    x.add_argument("state", metavar="STATE", help=", ".join(c for c, _ in STATES))
    by_option(x)
    x.add_argument("--note", default="", metavar="TEXT")
    x = command(fs, "list", _list, "list findings")
    x.add_argument("--cycle", type=int, metavar="ID")
    x.add_argument("--dept", metavar="CODE")
    x.add_argument("--state", metavar="STATE")
    x.add_argument("--overdue", action="store_true", help="only overdue findings")
    x.add_argument("--by-dept", action="store_true", help="overdue findings counted by 課")
    today_option(x)
    x.add_argument("--json", action="store_true")
    x = command(fs, "show", _show, "one finding with its history and check requests")
    x.add_argument("finding", type=int, metavar="FINDING")
    today_option(x)
    x.add_argument("--json", action="store_true")
    _register_followups(fs)


def _register_followups(fs: Any) -> None:
    """spread, answer-check, promote."""
    x = command(fs, "spread", _spread, "横展開: ask other 課 to check for the same problem")
    x.add_argument("finding", type=int, metavar="FINDING")
    g = x.add_mutually_exclusive_group(required=True)
    g.add_argument("--depts", metavar="CODE,…")
    g.add_argument("--all", action="store_true", help="every other 課 the finding's items apply to")
    by_option(x)
    x = command(fs, "answer-check", _answer, "answer a 横展開 check request")
    x.add_argument("request", type=int, metavar="REQUEST")
    x.add_argument("answer", choices=[code for code, _ in labels.terms("check_answer")])
    by_option(x)
    x.add_argument("--note", default="", metavar="TEXT")
    x.add_argument(
        "--due", type=day_argument, metavar="DATE", help="due date of the linked finding (default: the source's)"
    )
    x = command(fs, "promote", _promote, "draft findings from a self-inspection's not_implemented answers")
    x.add_argument("--cycle", type=int, required=True, metavar="ID", help="the self-inspection cycle")
    x.add_argument("--into", type=int, required=True, metavar="AUDIT_CYCLE")
    x.add_argument("--include-partial", action="store_true", help="also 一部実施 (partial) answers")
    x.add_argument("--due", type=day_argument, metavar="DATE", help="default: the end of the audit cycle's 年度")
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
    print(f"finding {f.id}: {f.state} ({f.state_label})")
    return 0


def finding_rows(findings: Iterable[Finding], today: DateLike) -> list[list[Any]]:
    """Table rows of findings, with Japanese labels (shared with the demo)."""
    rows = []
    for f in findings:
        days = f.days_past_due(today)
        checks = f"{f.checks_open}/{f.checks_total}" if f.checks_total else ""
        overdue = f"{days}日超過" if f.is_overdue(today) else ""
        row = [f.id, f.cycle, f.department, ",".join(f.items), f.severity_label, f.state_label, f.due, overdue]
        rows.append([*row, checks, f.condition[:40]])
    return rows


FINDING_HEADERS = ["番号", "実施回", "課", "項目", "重要度", "状態", "期限", "期限超過", "横展開未回答", "指摘内容"]


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
            print(format_table(["課", "課名", "期限超過件数", "最長超過日数", "指摘番号"], rows, "<<>><"))
            return 0
        if args.overdue:
            found = _overdue(s.findings, args)
        else:
            found = s.findings.list(cycle=args.cycle, department=args.dept, state=args.state, today=args.today)
    if args.json:
        print_dicts(found)
        return 0
    print(format_table(FINDING_HEADERS, finding_rows(found, args.today), ">><<<<<><<"))
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
    overdue = "  (期限超過)" if f.is_overdue(args.today) else ""
    print(f"指摘 {f.id}  実施回 {f.cycle}  課 {f.department}  項目 {', '.join(f.items)}")
    print(f"重要度: {f.severity_label}  状態: {f.state_label}  期限: {f.due}{overdue}")
    print(f"指摘者: {f.raised_by} ({f.raised_at})")
    texts = (("状況", f.condition), ("監査基準", f.criterion), ("監査証拠", f.evidence), ("改善提案", f.recommendation))
    for label, text in texts:
        if text:
            print(f"{label}: {text}")
    if f.source_finding:
        print(f"横展開元: 指摘 {f.source_finding}")
    if history:
        moves = [[t.at, t.by, _label(t.from_state), _label(t.to_state), t.note] for t in history]
        print()
        print(format_table(["日時", "担当", "変更前", "変更後", "メモ"], moves))
    if checks:
        print()
        print(f"横展開: {f.checks_open}/{f.checks_total} 未回答")
        asked: list[list[Any]] = [
            [c.id, c.department, CHECK_ANSWER_LABELS[c.answer], c.answered_by, c.linked_finding or ""] for c in checks
        ]
        print(format_table(["依頼", "課", "回答", "回答者", "関連指摘"], asked))
    return 0


def _label(state: str) -> str:
    return labels.label_or_id("finding_state", state)


def _spread(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        ids = s.findings.spread(args.by, args.finding, None if args.all else _csv_list(args.depts))
        checks = {c.id: c.department for c in s.findings.checks(args.finding)}
    print(f"横展開: {len(ids)} check requests" + (": " + ", ".join(f"{i} ({checks[i]})" for i in ids) if ids else ""))
    return 0


def _answer(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        linked = s.findings.answer_check(args.by, args.request, args.answer, args.note, args.due)
    if linked:
        print(f"linked finding {linked}")
    return 0


def _promote(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        created, skipped = s.findings.promote(
            args.by, args.cycle, args.into, include_partial=args.include_partial, due=args.due
        )
    span = f" ({created[0]}-{created[-1]})" if created else ""
    print(f"{len(created)} draft findings{span}, {skipped} skipped")
    return 0


__all__ = ["EXCEPTION_HEADERS", "FINDING_HEADERS", "exception_rows", "finding_rows", "register"]
