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

The rules live in the C++ core; this module only wraps its calls. The entities (Person, Finding,
Transition, CheckRequest, ExceptionRecord) are the core's read-only classes, whose attributes
come from the core's field tables (libaudit/followup/fields.h). Dates are ISO strings,
``datetime.date`` or aware ``datetime`` (converted to Japan time; naive ones are UTC); "today"
is the date in Japan (Asia/Tokyo, UTC+9). Every query that depends on the day takes ``today=``,
defaulting to today in Japan.

This is the follow-up stage: it uses the store stage (libaudit.store) and nothing later.
``libaudit.Store`` (the package's top) offers these facades as ``store.people``,
``store.findings`` and ``store.exceptions``; ``People(store)`` etc. are the same.
"""

from __future__ import annotations

import builtins
import datetime as _dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Union

from . import _core, labels
from ._core import CheckRequest, ExceptionRecord, Finding, Person, Transition
from .i18n import _
from .store import ImportResult, Store, core_call

DateLike = Union[None, str, _dt.date, _dt.datetime]

SEVERITIES: tuple[tuple[str, str], ...] = tuple(labels.terms("severity"))
STATES: tuple[tuple[str, str], ...] = tuple(labels.terms("finding_state"))
EXCEPTION_STATUSES: tuple[tuple[str, str], ...] = tuple(labels.terms("exception_status"))
SEVERITY_LABELS: dict[str, str] = dict(SEVERITIES)
STATE_LABELS: dict[str, str] = dict(STATES)
EXCEPTION_STATUS_LABELS: dict[str, str] = dict(EXCEPTION_STATUSES)
#: 小牧市 7(7)イ: emergency exceptions are reported 事後速やかに; the default window in days.
EMERGENCY_REPORT_DAYS: int = _core.emergency_report_days()
#: Japan time, as the core reckons it (libaudit/base/fiscal_year.h), for showing a trail time.
JST = _dt.timezone(_dt.timedelta(minutes=_core.JAPAN_UTC_OFFSET_MINUTES), "JST")


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
    return _dt.date.fromisoformat(_core.japan_date(when))


@dataclass(frozen=True)
class OverdueGroup:
    """Overdue findings of one 課: how many, the oldest's days past due, ids oldest first."""

    department: str
    name: str
    count: int
    oldest_days: int
    findings: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as ``--json`` prints it."""
        return asdict(self)


@dataclass(frozen=True)
class FindingMove:
    """One move of a bulk move (:meth:`Findings.move_many`): `finding` to `state` with `note`;
    `line` is the line of the decisions CSV it was read from (0: none)."""

    finding: int
    state: str
    note: str = ""
    line: int = 0

    @classmethod
    def of(cls, row: Sequence[Any]) -> FindingMove:
        """From ``(finding, state)`` or ``(finding, state, note)``."""
        if len(row) not in (2, 3):
            raise TypeError(
                _("a move is (finding, state) or (finding, state, note), not {row!r}").format(row=tuple(row))
            )
        return cls(int(row[0]), str(row[1]), str(row[2]) if len(row) == 3 else "")

    def as_tuple(self) -> tuple[int, str, str, int]:
        return (self.finding, self.state, self.note, self.line)


def read_decisions(path: str | os.PathLike[str], encoding: str = "detect") -> builtins.list[FindingMove]:
    """The moves of a decisions CSV: header ``finding,state,note`` (or 指摘番号,状態,メモ; note
    optional), the state by code or Japanese label. ImportValidationError lists every bad row."""
    return [FindingMove(*row) for row in _core.finding_read_decisions(os.fspath(path), encoding)]


class People:
    """The register of people (``store.people``)."""

    def __init__(self, store: Store):
        self._store = store

    def add(self, actor: str, name: str, department: str, roles: str | Iterable[str]) -> None:
        """Insert or update one person. `roles`: DOMAIN.md ids, a list or a string separated by
        ';' or spaces. ValidationError for an unknown department or role."""
        if not isinstance(roles, str):
            roles = " ".join(roles)
        core_call(self._store, _core.person_put, actor, name, department, roles)

    def import_rows(self, actor: str, rows: Iterable[Sequence[str]]) -> ImportResult:
        """All-or-nothing import of (name, department, roles) rows; ImportValidationError lists
        every bad row."""
        return ImportResult(**core_call(self._store, _core.person_import, actor, [list(r) for r in rows]))

    def import_csv(self, actor: str, path: str | os.PathLike[str], encoding: str = "detect") -> ImportResult:
        """CSV with the header ``name,department,roles`` (roles separated by ';' or spaces)."""
        return ImportResult(**core_call(self._store, _core.person_import_csv, actor, os.fspath(path), encoding))

    def list(self) -> builtins.list[Person]:
        return core_call(self._store, _core.person_list)

    def get(self, name: str) -> Person:
        return core_call(self._store, _core.person_get, name)


class Findings:
    """Findings (``store.findings``): raise, move, list, overdue, 横展開, promote."""

    def __init__(self, store: Store):
        self._store = store

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
        or chief auditor not of `department` (RoleError). The criterion is filled from the items.
        C++: Findings::raise (``raise`` is a Python keyword)."""
        if isinstance(items, str):
            items = [i for i in items.replace(",", " ").split() if i]
        args = (cycle, department, list(items), severity, condition, evidence, recommendation, due)
        return core_call(self._store, _core.finding_raise, by, *args)

    def move(self, by: str, finding: int, state: str, note: str = "") -> None:
        """Move a finding to `state` (see TRANSITIONS); TransitionError or RoleError otherwise."""
        core_call(self._store, _core.finding_move, by, finding, state, note)

    def move_many(
        self,
        by: str,
        moves: Iterable[FindingMove | Sequence[Any]],
        *,
        dry_run: bool = False,
        source: str = "",
    ) -> builtins.list[Transition]:
        """Several moves, all or nothing: each ``(finding, state[, note])`` (or a
        :class:`FindingMove`) is checked as :meth:`move` checks it and recorded in the trail as it
        records it, in one transaction. When any is refused, nothing moves and ValidationError's
        ``diagnostics`` lists every refusal (located in `source` at the move's line, when it has
        one). `dry_run`: checked, nothing written. Returns the transitions (id 0 on a dry run)."""
        rows = [m.as_tuple() if isinstance(m, FindingMove) else FindingMove.of(m).as_tuple() for m in moves]
        return core_call(self._store, _core.finding_move_many, by, rows, dry_run, source)

    def move_where(
        self,
        by: str,
        state: str,
        *,
        cycle: int | None = None,
        department: str | None = None,
        from_state: str | None = None,
        severity: str | None = None,
        note: str = "",
        dry_run: bool = False,
    ) -> builtins.list[Transition]:
        """:meth:`move_many` of every finding the filter selects (its cycle, 課, current state
        `from_state`, severity), each to `state`: e.g. confirm a cycle's promoted drafts with
        ``move_where(by, "open", cycle=2, from_state="draft")``. Selected and moved in one
        transaction; nothing selected returns []."""
        args = (cycle, department, from_state, severity, state, note, dry_run)
        return core_call(self._store, _core.finding_move_where, by, *args)

    def move_decisions(
        self, by: str, path: str | os.PathLike[str], *, encoding: str = "detect", dry_run: bool = False
    ) -> builtins.list[Transition]:
        """:meth:`move_many` of the decisions in a CSV with the header ``finding,state,note``
        (:func:`read_decisions`); refusals are located at the file's lines."""
        moves = read_decisions(path, encoding)
        return self.move_many(by, moves, dry_run=dry_run, source=os.fspath(path))

    def get(self, finding: int) -> Finding:
        return core_call(self._store, _core.finding_get, finding)

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
        """Findings by id, filtered. NotFoundError when `cycle` names no cycle."""
        return core_call(self._store, _core.finding_list, cycle, department, state, overdue, drafts, today)

    def history(self, finding: int) -> builtins.list[Transition]:
        """The transitions of a finding: who, when, from, to, note."""
        return core_call(self._store, _core.finding_history, finding)

    def overdue(self, today: DateLike = None) -> builtins.list[Finding]:
        """Overdue findings, oldest due date first (``days_overdue`` set)."""
        return core_call(self._store, _core.finding_overdue, today)

    def overdue_by_department(self, today: DateLike = None) -> builtins.list[OverdueGroup]:
        """Overdue findings grouped by 課, the 課 with most first."""
        groups = core_call(self._store, _core.finding_overdue_by_department, today)
        return [OverdueGroup(d, n, c, o, tuple(f)) for d, n, c, o, f in groups]

    def spread(self, by: str, finding: int, departments: Sequence[str] | None = None) -> builtins.list[int]:
        """横展開: ask `departments` (default: every other 課 one of the finding's items applies
        to) to check for the same problem. Returns the new request ids."""
        return core_call(self._store, _core.finding_spread, by, finding, list(departments or []))

    def answer_check(self, by: str, request: int, answer: str, note: str = "", due: DateLike = None) -> int:
        """Answer a check request (checked_no_issue / same_issue_found); the latter raises a linked
        finding against the answering 課, whose id is returned (else 0)."""
        return core_call(self._store, _core.finding_answer_check, by, request, answer, note, due)

    def checks(self, finding: int) -> builtins.list[CheckRequest]:
        return core_call(self._store, _core.finding_checks, finding)

    def promote(
        self, by: str, self_inspection: int, into: int, *, include_partial: bool = False, due: DateLike = None
    ) -> tuple[builtins.list[int], int]:
        """Draft findings from a self-inspection's not_implemented (and optionally partial)
        answers, into audit cycle `into`. Returns (created draft ids, skipped count)."""
        return core_call(self._store, _core.finding_promote, by, self_inspection, into, include_partial, due)


class Exceptions:
    """Exceptions (``store.exceptions``, 例外措置, 小牧市 7(7)). ``late`` of a returned record is
    computed as of the query's `today` and report window."""

    def __init__(self, store: Store):
        self._store = store

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
        args = (department, item, system, reason, compensating_measure, start, end, emergency)
        return core_call(self._store, _core.exception_request, by, *args)

    def approve(self, by: str, exception: int, note: str = "") -> None:
        """CISO only (RoleError); a requested or reported exception (TransitionError)."""
        core_call(self._store, _core.exception_approve, by, exception, note)

    def reject(self, by: str, exception: int, note: str = "") -> None:
        core_call(self._store, _core.exception_reject, by, exception, note)

    def report(self, by: str, exception: int, note: str = "") -> None:
        """An emergency exception reported to the CISO (taken -> reported)."""
        core_call(self._store, _core.exception_report, by, exception, note)

    def _records(self, which: str, days: int, today: DateLike, report_days: int) -> builtins.list[ExceptionRecord]:
        return core_call(self._store, _core.exception_list, which, days, today, report_days)

    def get(
        self, exception: int, *, today: DateLike = None, report_days: int = EMERGENCY_REPORT_DAYS
    ) -> ExceptionRecord:
        return core_call(self._store, _core.exception_get, exception, today, report_days)

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
        """(課 code, item id) pairs of the exceptions that count for the cycle (docs/scoring.md,
        "As of"): approved at the point the cycle is read at (a closed cycle: its close; another:
        the end of day `as_of` in Japan, default now) and their period overlapping its 年度."""
        return set(core_call(self._store, _core.exceptions_for_scoring, cycle, as_of))


__all__ = [
    "CheckRequest",
    "EMERGENCY_REPORT_DAYS",
    "EXCEPTION_STATUSES",
    "ExceptionRecord",
    "Exceptions",
    "Finding",
    "FindingMove",
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
    "read_decisions",
]
