"""The audit itself (docs/audit.md): the audit plan (監査計画) of a 年度 — which 課 are audited and
why, who audits each and when — proposed by the core's documented rules, overridden by the audit
team with a reason, approved by the chief auditor; and the working papers (監査調書) the audit
records per 課 and item, from which findings are raised.

::

    from libaudit import Store
    with Store("audit.db") as store:
        plan = store.plans.propose("監査 一郎", fiscal_year=2026)
        for e in plan.selected_entries:
            print(e.department, e.name, e.selected_by, [(r.reason, r.figure) for r in e.reasons])
        store.plans.assign("監査 一郎", plan.id, "4010", "監査 二郎")   # 兼務の禁止 is checked
        store.plans.approve("総務部長 監査統括", plan.id)

The rules live in the C++ core (libaudit/audit/plan.h); this module only wraps its calls and
turns the plans into dataclasses. Failures raise RoleError, TransitionError, ValidationError or
NotFoundError and change nothing; every change is in the store's trail, with who made it.

This is the audit stage: it uses the stages before it and nothing later. ``libaudit.Store``
offers the facades as ``store.plans`` and ``store.workpapers``; ``AuditPlans(store)`` and
``WorkingPapers(store)`` are the same.
"""

from __future__ import annotations

import builtins
import datetime as _dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from . import _core
from .store import Store, core_call

#: Every 課 is planned at least once within this many 年度 unless told otherwise (docs/audit.md).
DEFAULT_ROTATION = 3


@dataclass(frozen=True)
class PlanReason:
    """One reason considered for a 課: its id (plan_reason vocabulary), Japanese label, figure
    and the risk points it adds."""

    reason: str
    label: str
    figure: str
    points: int


@dataclass(frozen=True)
class PlanEntry:
    """One 課 of a plan: selected or not and how (rotation, risk, added; removed), its risk
    points, the 年度 it was last audited (0: never), its reasons, auditor and day."""

    department: str
    name: str
    selected: bool
    selected_by: str
    selected_by_label: str
    points: int
    last_audited: int
    reasons: tuple[PlanReason, ...]
    auditor: str
    scheduled: str
    override_reason: str


@dataclass(frozen=True)
class AuditPlan:
    """An audit plan (監査計画) as the core keeps it; ``to_dict()`` is its JSON."""

    id: int
    fiscal_year: int
    fiscal_year_label: str
    rotation: int
    state: str
    state_label: str
    basis_cycle: int
    reference_day: str
    auditors: tuple[str, ...]
    proposed_by: str
    proposed_at: str
    approved_by: str
    approved_at: str
    entries: tuple[PlanEntry, ...]

    @property
    def selected_entries(self) -> list[PlanEntry]:
        """The 課 to audit, by code."""
        return [e for e in self.entries if e.selected]

    def entry(self, department: str) -> PlanEntry:
        """The entry of one 課; KeyError when the plan has none."""
        for e in self.entries:
            if e.department == department:
                return e
        raise KeyError(department)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _plan(d: dict[str, Any]) -> AuditPlan:
    entries = tuple(
        PlanEntry(
            **{k: v for k, v in e.items() if k != "reasons"},
            reasons=tuple(PlanReason(**r) for r in e["reasons"]),
        )
        for e in d["entries"]
    )
    fields = {k: v for k, v in d.items() if k not in ("entries", "selected", "auditors")}
    return AuditPlan(**fields, auditors=tuple(d["auditors"]), entries=entries)


def _day(day: str | _dt.date | None) -> str | None:
    return day.isoformat() if isinstance(day, _dt.date) else day


class AuditPlans:
    """The audit plans of a store (libaudit/audit/plan.h). Every write names the person who acts
    (``by``), an auditor or chief auditor of the register; ``approve`` needs the chief auditor."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def compute(
        self,
        fiscal_year: int,
        *,
        rotation: int = DEFAULT_ROTATION,
        auditors: Sequence[str] = (),
        start: str | _dt.date | None = None,
    ) -> AuditPlan:
        """The proposal the rules make for ``fiscal_year``; nothing is written."""
        args = (int(fiscal_year), int(rotation), list(auditors), _day(start))
        return _plan(core_call(self._store, _core._plan_compute, *args))

    def propose(
        self,
        by: str,
        fiscal_year: int,
        *,
        rotation: int = DEFAULT_ROTATION,
        auditors: Sequence[str] = (),
        start: str | _dt.date | None = None,
    ) -> AuditPlan:
        """``compute``, written as a new plan in state proposed."""
        args = (int(fiscal_year), int(rotation), list(auditors), _day(start))
        return _plan(core_call(self._store, _core._plan_propose, by, *args))

    def get(self, plan: int) -> AuditPlan:
        return _plan(core_call(self._store, _core._plan_get, int(plan)))

    def list(self) -> builtins.list[AuditPlan]:
        return [_plan(d) for d in core_call(self._store, _core._plan_list)]

    def add(self, by: str, plan: int, department: str, reason: str) -> None:
        """The audit team adds a 課 to the plan, saying why."""
        core_call(self._store, _core._plan_change, by, int(plan), "add", department, reason)

    def remove(self, by: str, plan: int, department: str, reason: str) -> None:
        """The audit team takes a 課 out of the plan, saying why."""
        core_call(self._store, _core._plan_change, by, int(plan), "remove", department, reason)

    def assign(self, by: str, plan: int, department: str, auditor: str) -> None:
        """Assigns ``auditor`` to a planned 課; refused (RoleError, nothing written) when the
        auditor belongs to it (兼務の禁止)."""
        core_call(self._store, _core._plan_change, by, int(plan), "assign", department, auditor)

    def schedule(self, by: str, plan: int, department: str, day: str | _dt.date) -> None:
        """Moves a planned 課's audit to ``day`` (within the plan's 年度)."""
        core_call(self._store, _core._plan_change, by, int(plan), "schedule", department, _day(day))

    def approve(self, by: str, plan: int) -> None:
        """proposed → approved, by the chief auditor."""
        core_call(self._store, _core._plan_approve, by, int(plan))


@dataclass(frozen=True)
class WorkingPaper:
    """One entry of the working papers (監査調書): per 課 and item of an audit cycle, the method,
    what was seen, the judgement ("" until judged), who examined it and when, the review, and
    the findings raised from it. Evidence files attach to it as target ``working_paper``."""

    id: int
    cycle: int
    department: str
    item: str
    method: str
    method_label: str
    observed: str
    judgement: str
    judgement_label: str
    auditor: str
    examined_on: str
    recorded_at: str
    updated_at: str
    reviewed_by: str
    reviewed_at: str
    review_note: str
    findings: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _paper(d: dict[str, Any]) -> WorkingPaper:
    return WorkingPaper(**{**d, "findings": tuple(d["findings"])})


class WorkingPapers:
    """The working papers of a store (libaudit/audit/workpapers.h). Written by an auditor
    independent of the 課 (the one the approved plan assigns, when there is one) or a chief
    auditor; reviewed by the chief auditor."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(
        self,
        by: str,
        *,
        cycle: int,
        department: str,
        item: str,
        method: str,
        observed: str,
        judgement: str = "",
        examined_on: str | _dt.date | None = None,
    ) -> int:
        """Records an entry; returns its id. ``method``/``judgement`` by id or Japanese label."""
        args = (int(cycle), department, item, method, observed, judgement, _day(examined_on))
        return int(core_call(self._store, _core._workpaper_add, by, *args))

    def judge(self, by: str, paper: int, judgement: str, observed: str = "") -> None:
        """Sets the judgement (and replaces what was seen, when given)."""
        core_call(self._store, _core._workpaper_judge, by, int(paper), judgement, observed)

    def review(self, by: str, paper: int, note: str = "") -> None:
        """The chief auditor's review; the entry no longer changes afterwards."""
        core_call(self._store, _core._workpaper_review, by, int(paper), note)

    def raise_finding(
        self,
        by: str,
        paper: int,
        *,
        severity: str,
        due: str | _dt.date,
        condition: str = "",
        recommendation: str = "",
    ) -> int:
        """Raises a finding from an entry judged 不適合 or 観察, linked to it; returns its id."""
        args = (int(paper), severity, condition, recommendation, _day(due))
        return int(core_call(self._store, _core._workpaper_raise, by, *args))

    def get(self, paper: int) -> WorkingPaper:
        return _paper(core_call(self._store, _core._workpaper_get, int(paper)))

    def list(self, cycle: int, department: str | None = None) -> builtins.list[WorkingPaper]:
        return [_paper(d) for d in core_call(self._store, _core._workpaper_list, int(cycle), department)]

    def for_finding(self, finding: int) -> builtins.list[WorkingPaper]:
        """The entries a finding was raised from."""
        return [_paper(d) for d in core_call(self._store, _core._workpaper_for_finding, int(finding))]


__all__ = [
    "DEFAULT_ROTATION",
    "AuditPlan",
    "AuditPlans",
    "PlanEntry",
    "PlanReason",
    "WorkingPaper",
    "WorkingPapers",
]
