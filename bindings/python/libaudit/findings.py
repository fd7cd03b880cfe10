"""Follow-up of audits (docs/findings.md): the people who act, findings (指摘事項) with their
state machine, 横展開 check requests, promotion of self-inspection answers to draft findings,
and exceptions (例外措置) with CISO approval, expiry and emergency reporting.

::

    from libaudit import Store
    with Store("audit.db") as store:
        store.people.import_csv("me", "people.csv")          # name,department,roles
        fid = store.findings.open("監査 一郎", cycle=3, department="101", items=["6.1.a"],
                                  severity="minor_nonconformity", condition="…", due="2025-03-31")
        store.findings.move("佐藤 花子", fid, "plan_submitted", note="計画書を提出")
        for f in store.findings.overdue():
            print(f.department, f.days_overdue, f.state_label)

Every action names a person of the register (``by``); role checks and the separation of duties
(兼務の禁止) read it. Failures raise RoleError (a PermissionError), TransitionError (a
ValueError), ValidationError, NotFoundError, and change nothing. Everything is in the store's
hash-chained trail and covered by ``store.verify()``.

Dates are ISO strings or ``datetime.date``; "today" is the date in Japan (Asia/Tokyo, UTC+9).
Every query that depends on the day takes ``today=`` (a date, an ISO date, or an aware
datetime, converted to Japan time), defaulting to today in Japan.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as _dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Union

from . import _core

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

DateLike = Union[None, str, _dt.date, _dt.datetime]

SEVERITIES: tuple[tuple[str, str], ...] = tuple(_core.finding_severities())
STATES: tuple[tuple[str, str], ...] = tuple(_core.finding_states())
EXCEPTION_STATUSES: tuple[tuple[str, str], ...] = tuple(_core.exception_statuses())
SEVERITY_LABELS: dict[str, str] = dict(SEVERITIES)
STATE_LABELS: dict[str, str] = dict(STATES)
EXCEPTION_STATUS_LABELS: dict[str, str] = dict(EXCEPTION_STATUSES)
#: 小牧市 7(7)イ: emergency exceptions are reported 事後速やかに; the default window in days.
EMERGENCY_REPORT_DAYS: int = _core.emergency_report_days()
JST = _dt.timezone(_dt.timedelta(hours=9), "JST")


@dataclass(frozen=True)
class TransitionRule:
    """One row of the state machine: ``from_state`` may become ``to_state`` by a person holding
    one of ``roles`` (``note``: the extra condition)."""

    from_state: str
    to_state: str
    roles: tuple[str, ...]
    note: str


#: THE table of the finding state machine (libaudit/src/followup/findings.cpp, kTransitions).
TRANSITIONS: tuple[TransitionRule, ...] = tuple(
    TransitionRule(f, t, tuple(r), n) for f, t, r, n in _core.transition_rules()
)


def japan_date(when: DateLike = None) -> _dt.date:
    """The calendar date in Japan: of an aware datetime (naive ones are taken as UTC), of an ISO
    8601 timestamp with a zone ("2025-03-31T15:00:00Z" -> 2025-04-01), a date as is, or today."""
    if when is None:
        return _dt.date.fromisoformat(_core.today_japan())
    if isinstance(when, _dt.datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=_dt.timezone.utc)
        return when.astimezone(JST).date()
    if isinstance(when, _dt.date):
        return when
    return _dt.date.fromisoformat(_core.japan_date_of(str(when)))


def _day(when: DateLike) -> str:
    """'' (today in Japan, decided by the core) or an ISO date."""
    return "" if when is None else japan_date(when).isoformat()


def _date(when: str | _dt.date | _dt.datetime) -> str:
    return japan_date(when).isoformat()


class _Plain:
    def to_dict(self) -> dict[str, Any]:
        """Plain data (English codes), as ``--json`` prints it."""
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Person(_Plain):
    """Someone who acts: name (unique), the department (課) they belong to, their roles."""

    name: str
    department: str
    roles: tuple[str, ...]

    def has(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class Finding(_Plain):
    """A finding (指摘事項) against one 課 and one or more checklist items."""

    id: int
    cycle: int
    department: str
    items: tuple[str, ...]
    severity: str
    state: str
    condition: str
    criterion: str
    evidence: str
    recommendation: str
    due: str
    raised_by: str
    raised_at: str
    source_finding: int
    promoted_from: int
    remediated_by: str
    updated_at: str
    checks_open: int
    checks_total: int
    days_overdue: int = 0

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.severity, self.severity)

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def closed(self) -> bool:
        return self.state in ("verified", "risk_accepted", "discarded")

    def is_overdue(self, today: DateLike = None) -> bool:
        """Past its due date (in Japan) and not closed (drafts are never overdue)."""
        return not self.closed and self.state != "draft" and _dt.date.fromisoformat(self.due) < japan_date(today)


@dataclass(frozen=True)
class Transition(_Plain):
    id: int
    finding: int
    from_state: str
    to_state: str
    by: str
    at: str
    note: str


@dataclass(frozen=True)
class CheckRequest(_Plain):
    """A 横展開 request: 課 `department` checks for the problem of `finding`."""

    id: int
    finding: int
    department: str
    requested_by: str
    requested_at: str
    answer: str  # "" (unanswered), checked_no_issue or same_issue_found
    answered_by: str
    answered_at: str
    note: str
    linked_finding: int

    @property
    def answered(self) -> bool:
        return bool(self.answer)


@dataclass(frozen=True)
class OverdueGroup(_Plain):
    """Overdue findings of one 課: how many, the oldest's days past due, ids oldest first."""

    department: str
    name: str
    count: int
    oldest_days: int
    findings: tuple[int, ...]


@dataclass(frozen=True)
class ExceptionRecord(_Plain):
    """An exception (例外措置) from an item for a 課 (and optionally one of its systems)."""

    id: int
    department: str
    item: str
    system: str
    reason: str
    compensating_measure: str
    start: str
    end: str
    emergency: bool
    status: str
    requested_by: str
    requested_at: str
    decided_by: str
    decided_at: str
    decision_note: str
    reported_at: str
    late: bool = False

    @property
    def status_label(self) -> str:
        return EXCEPTION_STATUS_LABELS.get(self.status, self.status)

    def in_force(self, today: DateLike = None) -> bool:
        """Approved and `today` (Japan) within [start, end]."""
        d = japan_date(today)
        return self.status == "approved" and _dt.date.fromisoformat(self.start) <= d <= _dt.date.fromisoformat(self.end)


def _finding(d: dict[str, Any]) -> Finding:
    d = dict(d)
    d["items"] = tuple(d["items"])
    return Finding(**d)


def _group(d: dict[str, Any]) -> OverdueGroup:
    d = dict(d)
    d["findings"] = tuple(d["findings"])
    return OverdueGroup(**d)


class _Caller:
    """Calls a core function with the Store's compiled store, under the Store's lock (threads
    sharing a Store take turns, as for the Store's own methods)."""

    def __init__(self, store: Store):
        s = store._s
        self._raw = getattr(s, "_store", s)
        self._lock = getattr(s, "_lock", None) or contextlib.nullcontext()

    def __call__(self, fn: Any, *args: Any) -> Any:
        with self._lock:
            return fn(self._raw, *args)


class People:
    """The register of people (``store.people``)."""

    def __init__(self, store: Store):
        self._c = _Caller(store)

    def add(self, actor: str, name: str, department: str, roles: str | Iterable[str]) -> None:
        """Insert or update one person. `roles`: DOMAIN.md ids, a list or a string separated by
        ';' or spaces. ValidationError for an unknown department or role."""
        if not isinstance(roles, str):
            roles = " ".join(roles)
        self._c(_core.person_put, actor, name, department, roles)

    def import_rows(self, actor: str, rows: Iterable[Sequence[str]]):
        """All-or-nothing import of (name, department, roles) rows; ImportValidationError lists
        every bad row."""
        from .store import ImportResult

        return ImportResult(**self._c(_core.person_import, actor, [list(r) for r in rows]))

    def import_csv(self, actor: str, path: str | os.PathLike[str], encoding: str = "detect"):
        """CSV with the header ``name,department,roles`` (roles separated by ';' or spaces)."""
        from .store import ImportResult

        return ImportResult(**self._c(_core.person_import_csv, actor, os.fspath(path), encoding))

    def list(self) -> builtins.list[Person]:
        return [Person(p["name"], p["department"], tuple(p["roles"])) for p in self._c(_core.person_list)]

    def get(self, name: str) -> Person:
        p = self._c(_core.person_get, name)
        return Person(p["name"], p["department"], tuple(p["roles"]))


class Findings:
    """Findings (``store.findings``): raise, move, list, overdue, 横展開, promote."""

    def __init__(self, store: Store):
        self._c = _Caller(store)

    def open(
        self,
        by: str,
        *,
        cycle: int,
        department: str,
        items: str | Sequence[str],
        severity: str,
        condition: str,
        due: str | _dt.date,
        evidence: str = "",
        recommendation: str = "",
    ) -> int:
        """Raise a finding (state ``open``) in an audit cycle; returns its id. `by` is an auditor
        or chief auditor not of `department` (RoleError). The criterion is filled from the items."""
        if isinstance(items, str):
            items = [i for i in items.replace(",", " ").split() if i]
        return self._c(
            _core.finding_raise,
            by,
            cycle,
            department,
            list(items),
            severity,
            condition,
            evidence,
            recommendation,
            _date(due),
        )

    def move(self, by: str, finding: int, state: str, note: str = "") -> None:
        """Move a finding to `state` (see TRANSITIONS); TransitionError or RoleError otherwise."""
        self._c(_core.finding_move, by, finding, state, note)

    def get(self, finding: int) -> Finding:
        return _finding(self._c(_core.finding_get, finding))

    def list(
        self,
        *,
        cycle: int | None = None,
        department: str | None = None,
        state: str | None = None,
        overdue: bool = False,
        drafts: bool = True,
        today: DateLike = None,
    ) -> builtins.list[Finding]:
        """Findings by id, filtered."""
        return [
            _finding(d) for d in self._c(_core.finding_list, cycle, department, state, overdue, drafts, _day(today))
        ]

    def history(self, finding: int) -> builtins.list[Transition]:
        """The transitions of a finding: who, when, from, to, note."""
        return [Transition(**d) for d in self._c(_core.finding_history, finding)]

    def overdue(self, today: DateLike = None) -> builtins.list[Finding]:
        """Overdue findings, oldest due date first (``days_overdue`` set)."""
        return [_finding(d) for d in self._c(_core.finding_overdue, _day(today))]

    def overdue_by_department(self, today: DateLike = None) -> builtins.list[OverdueGroup]:
        """Overdue findings grouped by 課, the 課 with most first."""
        return [_group(d) for d in self._c(_core.finding_overdue_by_department, _day(today))]

    def spread(self, by: str, finding: int, departments: Sequence[str] | None = None) -> builtins.list[int]:
        """横展開: ask `departments` (default: every other 課 one of the finding's items applies
        to) to check for the same problem. Returns the new request ids."""
        return list(self._c(_core.finding_spread, by, finding, list(departments or [])))

    def answer_check(
        self, by: str, request: int, answer: str, note: str = "", due: None | str | _dt.date = None
    ) -> int:
        """Answer a check request (checked_no_issue / same_issue_found); the latter raises a linked
        finding against the answering 課, whose id is returned (else 0)."""
        return self._c(_core.finding_answer_check, by, request, answer, note, "" if due is None else _date(due))

    def checks(self, finding: int) -> builtins.list[CheckRequest]:
        return [CheckRequest(**d) for d in self._c(_core.finding_checks, finding)]

    def promote(
        self,
        by: str,
        self_inspection: int,
        into: int,
        *,
        include_partial: bool = False,
        due: None | str | _dt.date = None,
    ) -> tuple[builtins.list[int], int]:
        """Draft findings from a self-inspection's not_implemented (and optionally partial)
        answers, into audit cycle `into`. Returns (created draft ids, skipped count)."""
        r = self._c(
            _core.finding_promote, by, self_inspection, into, include_partial, "" if due is None else _date(due)
        )
        return list(r["created"]), int(r["skipped"])


class Exceptions:
    """Exceptions (``store.exceptions``, 例外措置, 小牧市 7(7))."""

    def __init__(self, store: Store):
        self._c = _Caller(store)

    def request(
        self,
        by: str,
        *,
        department: str,
        item: str,
        reason: str,
        start: str | _dt.date,
        end: str | _dt.date,
        compensating_measure: str = "",
        system: str = "",
        emergency: bool = False,
    ) -> int:
        """Request an exception (status requested), or record an emergency one as taken
        (emergency=True: to be reported to the CISO). Returns its id."""
        return self._c(
            _core.exception_request,
            by,
            department,
            item,
            system,
            reason,
            compensating_measure,
            _date(start),
            _date(end),
            emergency,
        )

    def approve(self, by: str, exception: int, note: str = "") -> None:
        """CISO only (RoleError); a requested or reported exception (TransitionError)."""
        self._c(_core.exception_approve, by, exception, note)

    def reject(self, by: str, exception: int, note: str = "") -> None:
        self._c(_core.exception_reject, by, exception, note)

    def report(self, by: str, exception: int, note: str = "") -> None:
        """An emergency exception reported to the CISO (taken -> reported)."""
        self._c(_core.exception_report, by, exception, note)

    def _records(self, which: str, days: int, today: DateLike, report_days: int) -> builtins.list[ExceptionRecord]:
        t = _day(today)
        late = set(self._c(_core.exception_late_ids, report_days, t))
        return [ExceptionRecord(**d, late=d["id"] in late) for d in self._c(_core.exception_list, which, days, t)]

    def get(
        self, exception: int, *, today: DateLike = None, report_days: int = EMERGENCY_REPORT_DAYS
    ) -> ExceptionRecord:
        d = self._c(_core.exception_get, exception)
        late = d["id"] in set(self._c(_core.exception_late_ids, report_days, _day(today)))
        return ExceptionRecord(**d, late=late)

    def list(
        self, *, today: DateLike = None, report_days: int = EMERGENCY_REPORT_DAYS
    ) -> builtins.list[ExceptionRecord]:
        """Every exception, by id (``late`` computed as of `today`)."""
        return self._records("all", 0, today, report_days)

    def in_force(self, today: DateLike = None) -> builtins.list[ExceptionRecord]:
        return self._records("in_force", 0, today, EMERGENCY_REPORT_DAYS)

    def expiring(self, within_days: int = 30, today: DateLike = None) -> builtins.list[ExceptionRecord]:
        """In force and ending within `within_days` days, soonest first."""
        return self._records("expiring", within_days, today, EMERGENCY_REPORT_DAYS)

    def expired(self, today: DateLike = None) -> builtins.list[ExceptionRecord]:
        """Approved, with a period that ended before `today`."""
        return self._records("expired", 0, today, EMERGENCY_REPORT_DAYS)

    def late(self, report_days: int = EMERGENCY_REPORT_DAYS, today: DateLike = None) -> builtins.list[ExceptionRecord]:
        """Emergency exceptions not reported to the CISO within `report_days` of their start."""
        return self._records("late", report_days, today, report_days)

    def for_scoring(self, cycle: int, as_of: DateLike = None) -> set[tuple[str, str]]:
        """(課 code, item id) pairs of the cycle covered by an exception in force on `as_of`
        (default today in Japan): the ``exceptions`` option of the scores."""
        return {tuple(p) for p in self._c(_core.exceptions_for_scoring, cycle, _day(as_of))}  # type: ignore[misc]


__all__ = [
    "CheckRequest",
    "EMERGENCY_REPORT_DAYS",
    "EXCEPTION_STATUSES",
    "ExceptionRecord",
    "Exceptions",
    "Finding",
    "Findings",
    "OverdueGroup",
    "People",
    "Person",
    "SEVERITIES",
    "STATES",
    "TRANSITIONS",
    "Transition",
    "TransitionRule",
    "japan_date",
]
