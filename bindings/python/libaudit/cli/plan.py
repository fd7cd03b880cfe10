"""``libaudit plan``: the audit plan (監査計画) of a 年度 (docs/audit.md): propose, show, list,
add/remove a 課 with a reason, assign an auditor, schedule, approve. Writes name the person who
acts with ``--as PERSON`` (an auditor or chief auditor of the person register)."""

from __future__ import annotations

import argparse

from .. import labels
from ..audit import DEFAULT_ROTATION, AuditPlan
from ..dates import day_argument
from ..i18n import _
from ..table import format_table
from .common import actor, command, group, open_store, print_json, writer


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ps = group(sub, "plan", _("the audit plan (監査計画): propose, show, change, approve"))
    w = [writer()]
    x = command(ps, "propose", _propose, _("propose the audit plan of a fiscal year"), parents=w, json_flag=True)
    x.add_argument("--fiscal-year", type=int, required=True, metavar="YEAR", help=_("the 年度 (e.g. 2025)"))
    x.add_argument(
        "--rotation",
        type=int,
        default=DEFAULT_ROTATION,
        metavar="N",
        help=_("every 課 is audited at least once in N years (default {n})").format(n=DEFAULT_ROTATION),
    )
    x.add_argument(
        "--auditors",
        default="",
        metavar="NAME,…",
        help=_("the auditors to assign (default: every auditor and chief auditor of the register)"),
    )
    x.add_argument("--start", type=day_argument, metavar="DATE", help=_("first day of the schedule (default: July 1)"))
    x.add_argument("--dry-run", action="store_true", help=_("print the proposal without writing it"))
    x = command(ps, "show", _show, _("show an audit plan, every 課 with its reasons"))
    _plan_id(x)
    x.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))
    x.add_argument("--all-depts", action="store_true", help=_("also list the 課 not selected"))
    command(ps, "list", _list, _("list the audit plans"), json_flag=True)
    x = command(ps, "approve", _approve, _("approve an audit plan (the chief auditor)"), parents=w)
    _plan_id(x)
    for name, func, help_ in (
        ("add", _add, _("add a 課 to a proposed plan, with a reason")),
        ("remove", _remove, _("take a 課 out of a proposed plan, with a reason")),
    ):
        x = command(ps, name, func, help_, parents=w)
        _plan_id(x)
        x.add_argument("--dept", required=True, metavar="CODE", help=_("the 課's code"))
        x.add_argument("--reason", required=True, metavar="TEXT", help=_("why (kept in the trail)"))
    x = command(ps, "assign", _assign, _("assign an auditor to a planned 課"), parents=w)
    _plan_id(x)
    x.add_argument("--dept", required=True, metavar="CODE", help=_("the 課's code"))
    x.add_argument("--auditor", required=True, metavar="PERSON", help=_("the auditor (not of that 課)"))
    x = command(ps, "schedule", _schedule, _("set the day of a planned 課's audit"), parents=w)
    _plan_id(x)
    x.add_argument("--dept", required=True, metavar="CODE", help=_("the 課's code"))
    x.add_argument("--date", required=True, type=day_argument, metavar="DATE", help=_("the day (YYYY-MM-DD)"))


def _plan_id(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", type=int, metavar="ID", help=_("the audit plan's number"))


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.replace("、", ",").split(",") if n.strip()]


def _propose(args: argparse.Namespace) -> int:
    options = {"rotation": args.rotation, "auditors": _names(args.auditors), "start": args.start}
    with open_store(args.db, read_only=args.dry_run) as s:
        if args.dry_run:
            plan = s.plans.compute(args.fiscal_year, **options)
        else:
            plan = s.plans.propose(actor(args), args.fiscal_year, **options)
    _print(plan, args.json, every=False)
    return 0


def _show(args: argparse.Namespace) -> int:
    with open_store(args.db, read_only=True) as s:
        plan = s.plans.get(args.id)
    _print(plan, args.json, every=args.all_depts)
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_store(args.db, read_only=True) as s:
        plans = s.plans.list()
    if args.json:
        print_json([p.to_dict() for p in plans])
        return 0
    heads = [_("no."), _("fiscal year"), _("state"), _("selected"), _("proposed by"), _("approved by")]
    rows = [
        [
            p.id,
            p.fiscal_year_label,
            labels.shown("plan_state", p.state),
            len(p.selected_entries),
            p.proposed_by,
            p.approved_by,
        ]
        for p in plans
    ]
    print(format_table(heads, rows, ">>><<<"))
    return 0


def reasons_text(plan: AuditPlan, department: str) -> str:
    """The reasons of a 課, each with its figure: ``low_rate 72.5; mynumber 2`` (labels in Japanese)."""
    return "; ".join(
        f"{labels.shown('plan_reason', r.reason)} {r.figure}".strip() for r in plan.entry(department).reasons
    )


def _print(plan: AuditPlan, as_json: bool, *, every: bool) -> None:
    if as_json:
        print_json(plan.to_dict())
        return
    print(
        _("audit plan {id}: {year}, {state}; {n} of {total} 課 selected (rotation {rotation} years)").format(
            id=plan.id or "-",
            year=plan.fiscal_year_label,
            state=labels.shown("plan_state", plan.state),
            n=len(plan.selected_entries),
            total=len(plan.entries),
            rotation=plan.rotation,
        )
    )
    print(
        _("basis: self-inspection cycle {cycle}; findings as of {day}; auditors: {auditors}").format(
            cycle=plan.basis_cycle or "-", day=plan.reference_day, auditors=", ".join(plan.auditors) or "-"
        )
    )
    heads = [_("課"), _("name"), _("selected by"), _("points"), _("last audited"), _("reasons"), _("auditor"), _("day")]
    rows = [
        [
            e.department,
            e.name,
            labels.shown("plan_selection", e.selected_by) if e.selected_by else "",
            e.points,
            e.last_audited or "-",
            reasons_text(plan, e.department),
            e.auditor,
            e.scheduled,
        ]
        for e in plan.entries
        if every or e.selected or e.selected_by
    ]
    print(format_table(heads, rows, "<<<>><<<"))


def _approve(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        s.plans.approve(actor(args), args.id)
    return 0


def _add(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        s.plans.add(actor(args), args.id, args.dept, args.reason)
    return 0


def _remove(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        s.plans.remove(actor(args), args.id, args.dept, args.reason)
    return 0


def _assign(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        s.plans.assign(actor(args), args.id, args.dept, args.auditor)
    return 0


def _schedule(args: argparse.Namespace) -> int:
    with open_store(args.db) as s:
        s.plans.schedule(actor(args), args.id, args.dept, args.date)
    return 0


__all__ = ["reasons_text", "register"]
