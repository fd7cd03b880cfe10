"""``libaudit person | finding | exception``: the follow-up of audits (docs/findings.md).

Actions name the person who acts with ``--by PERSON`` (a name from the register, which the role
checks and the separation of duties read; it is also the trail's actor). ``person add/import``
take ``--as NAME`` like the store's commands. Listings print aligned tables with Japanese
labels; ``--json`` prints objects with the English codes.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

import libaudit

from .. import Store
from ..findings import EMERGENCY_REPORT_DAYS, SEVERITIES, STATES, Finding, japan_date
from ..table import format_table
from .store import _actor, _encoding, _open, _writer


def _csv_list(text: str) -> list[str]:
    return [x for x in text.replace("，", ",").replace(" ", ",").split(",") if x]


def _json(rows: Sequence[Any]) -> None:
    print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))


def _by(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", required=True, metavar="PERSON", help="who acts (a name from the person register)")


def _today(p: argparse.ArgumentParser) -> None:
    p.add_argument("--today", metavar="DATE", help="the day to compute overdue/expiry for (default: today in Japan)")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    w, enc = _writer(), _encoding()

    # -- person
    p = sub.add_parser("person", help="the register of people who act (name, 課, roles)")
    ps = p.add_subparsers(dest="person_command", metavar="SUBCOMMAND")
    ps.required = True
    x = ps.add_parser("import", parents=[w, enc], help="import people from CSV: name,department,roles")
    x.add_argument("db", metavar="DB")
    x.add_argument("file", metavar="FILE.csv")
    x.set_defaults(func=_person_import)
    x = ps.add_parser("add", parents=[w], help="add or update one person")
    x.add_argument("db", metavar="DB")
    x.add_argument("name")
    x.add_argument("--dept", required=True, metavar="CODE")
    x.add_argument("--roles", required=True, metavar="ROLE,…", help="DOMAIN.md ids: auditor, ciso, security_manager, …")
    x.set_defaults(func=_person_add)
    x = ps.add_parser("list", help="list the register")
    x.add_argument("db", metavar="DB")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=_person_list)

    # -- finding
    p = sub.add_parser("finding", help="findings (指摘事項): raise, move, list, 横展開, promote")
    fs = p.add_subparsers(dest="finding_command", metavar="SUBCOMMAND")
    fs.required = True
    x = fs.add_parser("open", help="raise a finding in an audit cycle (prints its id)")
    x.add_argument("db", metavar="DB")
    x.add_argument("--cycle", type=int, required=True, metavar="ID")
    x.add_argument("--dept", required=True, metavar="CODE")
    x.add_argument("--items", required=True, metavar="ID,…")
    x.add_argument(
        "--severity", required=True, metavar="S", help=", ".join(f"{c} ({label})" for c, label in SEVERITIES)
    )
    _by(x)
    x.add_argument("--due", required=True, metavar="DATE")
    x.add_argument("--condition", required=True, metavar="TEXT", help="what was found (状況)")
    x.add_argument("--evidence", default="", metavar="TEXT", help="the evidence seen (監査証拠)")
    x.add_argument("--recommendation", default="", metavar="TEXT")
    x.set_defaults(func=_finding_open)
    x = fs.add_parser("move", help="move a finding to another state")
    x.add_argument("db", metavar="DB")
    x.add_argument("finding", type=int, metavar="FINDING")
    x.add_argument("state", metavar="STATE", help=", ".join(c for c, _ in STATES))
    _by(x)
    x.add_argument("--note", default="", metavar="TEXT")
    x.set_defaults(func=_finding_move)
    x = fs.add_parser("list", help="list findings")
    x.add_argument("db", metavar="DB")
    x.add_argument("--cycle", type=int, metavar="ID")
    x.add_argument("--dept", metavar="CODE")
    x.add_argument("--state", metavar="STATE")
    x.add_argument("--overdue", action="store_true", help="only overdue findings")
    x.add_argument("--by-dept", action="store_true", help="overdue findings counted by 課")
    _today(x)
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=_finding_list)
    x = fs.add_parser("show", help="one finding with its history and check requests")
    x.add_argument("db", metavar="DB")
    x.add_argument("finding", type=int, metavar="FINDING")
    _today(x)
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=_finding_show)
    x = fs.add_parser("spread", help="横展開: ask other 課 to check for the same problem")
    x.add_argument("db", metavar="DB")
    x.add_argument("finding", type=int, metavar="FINDING")
    g = x.add_mutually_exclusive_group(required=True)
    g.add_argument("--depts", metavar="CODE,…")
    g.add_argument("--all", action="store_true", help="every other 課 the finding's items apply to")
    _by(x)
    x.set_defaults(func=_finding_spread)
    x = fs.add_parser("answer-check", help="answer a 横展開 check request")
    x.add_argument("db", metavar="DB")
    x.add_argument("request", type=int, metavar="REQUEST")
    x.add_argument("answer", choices=["checked_no_issue", "same_issue_found"])
    _by(x)
    x.add_argument("--note", default="", metavar="TEXT")
    x.add_argument("--due", metavar="DATE", help="due date of the linked finding (default: the source's)")
    x.set_defaults(func=_finding_answer)
    x = fs.add_parser("promote", help="draft findings from a self-inspection's not_implemented answers")
    x.add_argument("db", metavar="DB")
    x.add_argument("--cycle", type=int, required=True, metavar="ID", help="the self-inspection cycle")
    x.add_argument("--into", type=int, required=True, metavar="AUDIT_CYCLE")
    x.add_argument("--include-partial", action="store_true", help="also 一部実施 (partial) answers")
    x.add_argument("--due", metavar="DATE", help="default: the end of the audit cycle's 年度")
    _by(x)
    x.set_defaults(func=_finding_promote)

    # -- exception
    p = sub.add_parser("exception", help="exceptions (例外措置): request, approve, reject, report, list")
    es = p.add_subparsers(dest="exception_command", metavar="SUBCOMMAND")
    es.required = True
    x = es.add_parser("request", help="request an exception (or record an emergency one with --emergency)")
    x.add_argument("db", metavar="DB")
    x.add_argument("--dept", required=True, metavar="CODE")
    x.add_argument("--item", required=True, metavar="ID")
    x.add_argument("--system", default="", metavar="NAME")
    x.add_argument("--reason", required=True, metavar="TEXT")
    x.add_argument("--measure", default="", metavar="TEXT", help="the compensating measure (代替措置)")
    x.add_argument("--start", required=True, metavar="DATE")
    x.add_argument("--end", required=True, metavar="DATE")
    x.add_argument("--emergency", action="store_true", help="taken already; to be reported to the CISO (7(7)イ)")
    _by(x)
    x.set_defaults(func=_exception_request)
    for name, fn, help_ in (
        ("approve", _exception_approve, "the CISO approves"),
        ("reject", _exception_reject, "the CISO rejects"),
        ("report", _exception_report, "an emergency exception reported to the CISO"),
    ):
        x = es.add_parser(name, help=help_)
        x.add_argument("db", metavar="DB")
        x.add_argument("exception", type=int, metavar="ID")
        _by(x)
        x.add_argument("--note", default="", metavar="TEXT")
        x.set_defaults(func=fn)
    x = es.add_parser("list", help="list exceptions")
    x.add_argument("db", metavar="DB")
    x.add_argument("--which", default="all", choices=["all", "in_force", "expiring", "expired", "late"])
    x.add_argument("--days", type=int, default=30, metavar="N", help="expiring: within N days (default 30)")
    x.add_argument(
        "--report-days",
        type=int,
        default=EMERGENCY_REPORT_DAYS,
        metavar="N",
        help=f"emergency exceptions are late after N days unreported (default {EMERGENCY_REPORT_DAYS})",
    )
    _today(x)
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=_exception_list)


# ---- person -----------------------------------------------------------------------------


def _person_import(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        r = s.people.import_csv(_actor(args), args.file, args.encoding)
    print(f"people: {r.rows} rows: {r.inserted} new, {r.updated} updated, {r.unchanged} unchanged")
    return 0


def _person_add(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        s.people.add(_actor(args), args.name, args.dept, args.roles.replace(",", " "))
    return 0


def _person_list(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        people = s.people.list()
        if args.json:
            _json(people)
            return 0
        names = {d.code: d.name for d in s.departments()}
    print(
        format_table(
            ["氏名", "所属", "課名", "役割"],
            [[p.name, p.department, names.get(p.department, ""), " ".join(p.roles)] for p in people],
        )
    )
    return 0


# ---- finding ----------------------------------------------------------------------------


def _finding_open(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        print(
            s.findings.open(
                args.by,
                cycle=args.cycle,
                department=args.dept,
                items=_csv_list(args.items),
                severity=args.severity,
                condition=args.condition,
                due=args.due,
                evidence=args.evidence,
                recommendation=args.recommendation,
            )
        )
    return 0


def _finding_move(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        s.findings.move(args.by, args.finding, args.state, args.note)
        f = s.findings.get(args.finding)
    print(f"finding {f.id}: {f.state} ({f.state_label})")
    return 0


def finding_rows(findings: Sequence[Finding], today) -> list[list[Any]]:
    """Table rows of findings, with Japanese labels (shared with the demo)."""
    rows = []
    for f in findings:
        late = f.is_overdue(today)
        days = (japan_date(today) - japan_date(f.due)).days if late else 0
        checks = f"{f.checks_open}/{f.checks_total}" if f.checks_total else ""
        rows.append(
            [
                f.id,
                f.cycle,
                f.department,
                ",".join(f.items),
                f.severity_label,
                f.state_label,
                f.due,
                f"{days}日超過" if late else "",
                checks,
                f.condition[:40],
            ]
        )
    return rows


FINDING_HEADERS = ["番号", "実施回", "課", "項目", "重要度", "状態", "期限", "期限超過", "横展開未回答", "指摘内容"]


def _finding_list(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        if args.by_dept:
            groups = s.findings.overdue_by_department(args.today)
            if args.json:
                _json(groups)
                return 0
            print(
                format_table(
                    ["課", "課名", "期限超過件数", "最長超過日数", "指摘番号"],
                    [[g.department, g.name, g.count, g.oldest_days, ",".join(map(str, g.findings))] for g in groups],
                    "<<>><",
                )
            )
            return 0
        if args.overdue:  # oldest first, with days past due
            dept = libaudit.nfkc(args.dept).strip() if args.dept else None
            found = [
                f
                for f in s.findings.overdue(args.today)
                if (args.cycle is None or f.cycle == args.cycle)
                and (dept is None or f.department == dept)
                and (args.state is None or f.state == args.state)
            ]
        else:
            found = s.findings.list(cycle=args.cycle, department=args.dept, state=args.state, today=args.today)
    if args.json:
        _json(found)
        return 0
    print(format_table(FINDING_HEADERS, finding_rows(found, args.today), ">><<<<<><<"))
    return 0


def _finding_show(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        f = s.findings.get(args.finding)
        history = s.findings.history(args.finding)
        checks = s.findings.checks(args.finding)
    if args.json:
        d = f.to_dict()
        d["history"] = [t.to_dict() for t in history]
        d["checks"] = [c.to_dict() for c in checks]
        print(json.dumps(d, ensure_ascii=False, indent=2))
        return 0
    overdue = "  (期限超過)" if f.is_overdue(args.today) else ""
    print(f"指摘 {f.id}  実施回 {f.cycle}  課 {f.department}  項目 {', '.join(f.items)}")
    print(f"重要度: {f.severity_label}  状態: {f.state_label}  期限: {f.due}{overdue}")
    print(f"指摘者: {f.raised_by} ({f.raised_at})")
    for label, text in (
        ("状況", f.condition),
        ("監査基準", f.criterion),
        ("監査証拠", f.evidence),
        ("改善提案", f.recommendation),
    ):
        if text:
            print(f"{label}: {text}")
    if f.source_finding:
        print(f"横展開元: 指摘 {f.source_finding}")
    if history:
        print()
        print(
            format_table(
                ["日時", "担当", "変更前", "変更後", "メモ"],
                [[t.at, t.by, _label(t.from_state), _label(t.to_state), t.note] for t in history],
            )
        )
    if checks:
        print()
        print(f"横展開: {f.checks_open}/{f.checks_total} 未回答")
        print(
            format_table(
                ["依頼", "課", "回答", "回答者", "関連指摘"],
                [
                    [
                        c.id,
                        c.department,
                        {"": "未回答", "checked_no_issue": "問題なし", "same_issue_found": "同様の問題あり"}[c.answer],
                        c.answered_by,
                        c.linked_finding or "",
                    ]
                    for c in checks
                ],
            )
        )
    return 0


def _label(state: str) -> str:
    return dict(STATES).get(state, state)


def _finding_spread(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        ids = s.findings.spread(args.by, args.finding, None if args.all else _csv_list(args.depts))
        checks = {c.id: c.department for c in s.findings.checks(args.finding)}
    print(f"横展開: {len(ids)} check requests" + (": " + ", ".join(f"{i} ({checks[i]})" for i in ids) if ids else ""))
    return 0


def _finding_answer(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        linked = s.findings.answer_check(args.by, args.request, args.answer, args.note, args.due)
    if linked:
        print(f"linked finding {linked}")
    return 0


def _finding_promote(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        created, skipped = s.findings.promote(
            args.by, args.cycle, args.into, include_partial=args.include_partial, due=args.due
        )
    print(
        f"{len(created)} draft findings"
        + (f" ({created[0]}-{created[-1]})" if created else "")
        + f", {skipped} skipped"
    )
    return 0


# ---- exception --------------------------------------------------------------------------


def _exception_request(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        print(
            s.exceptions.request(
                args.by,
                department=args.dept,
                item=args.item,
                system=args.system,
                reason=args.reason,
                compensating_measure=args.measure,
                start=args.start,
                end=args.end,
                emergency=args.emergency,
            )
        )
    return 0


def _exception_approve(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        s.exceptions.approve(args.by, args.exception, args.note)
    return 0


def _exception_reject(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        s.exceptions.reject(args.by, args.exception, args.note)
    return 0


def _exception_report(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
        s.exceptions.report(args.by, args.exception, args.note)
    return 0


def exception_rows(records, today=None) -> list[list[Any]]:
    out = []
    for e in records:
        flags = []
        if e.emergency:
            flags.append("緊急")
        if e.late:
            flags.append("報告遅延")
        if e.status == "approved" and japan_date(e.end) < japan_date(today):
            flags.append("期間満了")
        out.append(
            [e.id, e.department, e.item, e.system, e.status_label, e.start, e.end, " ".join(flags), e.reason[:30]]
        )
    return out


EXCEPTION_HEADERS = ["番号", "課", "項目", "システム", "状態", "開始", "終了", "注記", "理由"]


def _exception_list(args: argparse.Namespace) -> int:
    with _open(args.db) as s:
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
        _json(rows)
        return 0
    print(format_table(EXCEPTION_HEADERS, exception_rows(rows, args.today)))
    return 0


__all__ = ["register", "finding_rows", "exception_rows", "FINDING_HEADERS", "EXCEPTION_HEADERS", "Store"]
