"""The store: a body's organisation, systems, checklists, cycles and responses in one SQLite
file, with an append-only, hash-chained trail of every change (docs/store.md).

::

    from libaudit import Store
    with Store("audit.db") as store:
        store.import_departments_csv("me", "departments.csv")
        cl = store.import_checklist("me", Checklist.load("checklists/komaki/taisaku-kijun.yaml"))
        cycle = store.create_cycle("me", name="令和6年度 自己点検", kind="self_inspection",
                                   fiscal_year=2024, checklist=cl)
        store.open_cycle("me", cycle)
        store.import_responses("me", cycle, [("101", "8.1.b.2", "実施している")])
        assert store.verify().ok

Every write takes the actor (who makes the change) first; the library never invents one.
Queries return plain dataclasses; ``to_pandas()`` gives DataFrames when pandas is installed.
Threads may share a Store (its calls take turns); any number of processes may share a file.

This is the store stage: it imports no later stage. ``libaudit.Store`` (libaudit/__init__.py)
is this class with the follow-up facades (people, findings, exceptions) and the scores added.
Another module of the package hands a Store to a ``_core`` function only through
:func:`core_call`, the one documented way to reach the compiled store.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Callable, Optional, TypeVar, Union, cast

from . import _core
from ._core import Checklist
from .i18n import _

PathLike = Union[str, "os.PathLike[str]"]
Progress = Optional[Callable[[int, int], None]]
_T = TypeVar("_T")
_S = TypeVar("_S", bound="Store")


@dataclass(frozen=True)
class Department:
    """A node of the organisation tree: a 部 (no parent) or a 課 (a leaf)."""

    code: str
    name: str
    parent_code: str = ""
    security_officer: str = ""
    security_manager: str = ""
    is_leaf: bool = True


@dataclass(frozen=True)
class System:
    """An information system (情報システム), owned by a 課, in one network tier."""

    name: str
    department: str
    tier: str
    important_assets: bool = False


@dataclass(frozen=True)
class StoredChecklist:
    id: int
    checklist_id: str
    version: str
    title: str
    body: str
    sha256: str
    imported_at: str
    items: int


@dataclass(frozen=True)
class Cycle:
    """A self-inspection or audit (実施回) over a set of 課, against one checklist version."""

    id: int
    name: str
    kind: str
    fiscal_year: int
    checklist: int
    status: str
    departments: tuple[str, ...]
    created_at: str
    # The 課 (code) that answers the body-level items (全庁共通事項) for the whole body; "" when
    # none is recorded (a cycle created before the rule: every 課 answers every item).
    secretariat: str = ""

    @property
    def fiscal_year_label(self) -> str:
        """The 和暦 label of the 年度, e.g. 令和6年度."""
        return _core.fiscal_year_label(self.fiscal_year)


@dataclass(frozen=True)
class Response:
    cycle: int
    department: str
    item: str
    answer: str
    comment: str
    evidence: str
    answered_by: str
    answered_at: str


@dataclass(frozen=True)
class TrailRecord:
    seq: int
    at: str
    actor: str
    entity: str
    key: str
    action: str
    state: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Problem:
    """One thing verify() found: the table (or "trail"), the key, the kind and what differs."""

    table: str
    key: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.table} {self.key}: {self.kind}: {self.detail}"


def _verify_report(r: dict[str, Any]) -> VerifyReport:
    return VerifyReport(
        records=r["records"],
        rows=r["rows"],
        head_hash=r["head_hash"],
        problems=tuple(Problem(*p) for p in r["problems"]),
        sealed_from=r["sealed_from"],
        key_id=r["key_id"],
        unreferenced=tuple(r["unreferenced"]),
        head_seq=r["head_seq"],
        checkpoint=r["checkpoint"],
        since=r["since"],
        checkpoint_hash=r["checkpoint_hash"],
    )


@dataclass(frozen=True)
class VerifyReport:
    records: int
    rows: int
    head_hash: str
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    #: With a trail key: the seq of the seal record from which on the key vouches for every
    #: record (0: no seal of this key, or no key given), and the key's id.
    sealed_from: int = 0
    key_id: str = ""
    #: Files in the evidence folder that are not evidence (an interrupted add, a purge cut short):
    #: not problems; ``libaudit evidence clean`` removes them (docs/evidence.md).
    unreferenced: tuple[str, ...] = field(default_factory=tuple)
    #: The seq of the last record (0: an empty trail).
    head_seq: int = 0
    #: verify(since_checkpoint=True): the checkpoint record verified from, and the seq of the
    #: head it sealed (only the records after it were walked). Store.checkpoint: the record it
    #: wrote (0: none, the verify found problems).
    checkpoint: int = 0
    since: int = 0
    #: The hash of that checkpoint record ("" when checkpoint is 0): the checkpoint's anchor. Kept
    #: outside the store, ``verify(anchor=checkpoint_hash, anchor_seq=checkpoint)`` shows that no
    #: record up to it was rewritten and that it was not removed.
    checkpoint_hash: str = ""

    @property
    def checkpoint_anchor(self) -> str:
        """The checkpoint's anchor as reports print theirs: ``証跡 337:dd9ccbcd1df1`` (seq and the
        first 12 hex digits); "" when there is no checkpoint."""
        return _core.trail_anchor_text(self.checkpoint, self.checkpoint_hash) if self.checkpoint else ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def __bool__(self) -> bool:
        return self.ok


@dataclass(frozen=True)
class ImportResult:
    rows: int
    inserted: int
    updated: int
    unchanged: int


def _frame(rows: Sequence[Any], cls: type) -> Any:
    try:
        import pandas as pd  # type: ignore[import-untyped,import-not-found,unused-ignore]  # optional
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(_("to_pandas() needs pandas: pip install pandas")) from e
    return pd.DataFrame([asdict(r) for r in rows], columns=[f.name for f in fields(cls)])


class _Serialised:
    """The compiled store with every call made under one lock. The core releases the GIL during
    long calls, and one SQLite connection must not be used by two threads at once; with this,
    threads sharing a Store take turns instead of corrupting it."""

    def __init__(self, store: Any):
        self._store = store
        self._lock = threading.RLock()  # re-entrant: a progress callback may query the store

    def __getattr__(self, name: str) -> Any:
        with self._lock:
            attr = getattr(self._store, name)  # properties (schema_version) are evaluated here
        if not callable(attr):
            return attr
        lock = self._lock

        def call(*args: Any, **kwargs: Any) -> Any:
            with lock:
                return attr(*args, **kwargs)

        return call


class Store:
    """A libaudit store at `path` (a file, or ``":memory:"``). Context manager: closes on exit.

    ``create=False`` refuses to create a missing file. ``read_only=True`` opens an existing store
    without ever writing it (no upgrade, no journal change; it works on a read-only filesystem),
    and every write then raises StoreError. Writers wait for each other up to ``busy_timeout``
    seconds. Raises StoreError (a store needing an upgrade cannot be opened read-only; a write
    refused by the filesystem says why), or SchemaVersionError for a store written by a newer
    libaudit.

    ``trail_key`` (raw bytes, at least 32, e.g. :func:`read_trail_key`; else ValidationError)
    seals the trail: every record written carries an HMAC of the key, and ``verify(trail_key=…)``
    then catches records appended or rewritten by someone without it (docs/store.md, "Threat
    model").
    """

    def __init__(
        self,
        path: PathLike,
        *,
        create: bool = True,
        busy_timeout: float = 30.0,
        read_only: bool = False,
        trail_key: bytes | None = None,
    ):
        # Typed as the compiled store it forwards to (every call made under its lock).
        core = _core._Store(os.fspath(path), create, int(busy_timeout * 1000), read_only, trail_key or b"")
        self._s = cast(_core._Store, _Serialised(core))

    # -- lifetime
    def close(self) -> None:
        self._s.close()

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> str:
        return self._s.path

    @property
    def schema_version(self) -> int:
        return self._s.schema_version

    def __repr__(self) -> str:
        return f"<libaudit.Store {self._s.path!r}{'' if self._s.is_open else ' (closed)'}>"

    # -- body
    @property
    def body(self) -> str:
        """The body (団体) this store is for, e.g. 小牧市; "" until set."""
        return self._s.body()

    def set_body(self, actor: str, body: str) -> None:
        self._s.set_body(actor, body)

    def exchange_secret(self) -> str:
        """The per-database key of questionnaire checksums (64 hex digits), created on first
        use; not in the trail (libaudit.exchange, docs/exchange.md)."""
        return self._s.exchange_secret()

    # -- organisation
    def put_department(
        self,
        actor: str,
        code: str,
        name: str,
        parent_code: str = "",
        security_officer: str = "",
        security_manager: str = "",
    ) -> None:
        """Insert or update one department (its parent must exist)."""
        self._s.put_department(
            actor,
            {
                "code": code,
                "name": name,
                "parent_code": parent_code,
                "security_officer": security_officer,
                "security_manager": security_manager,
            },
        )

    def import_departments(self, actor: str, rows: Iterable[Mapping[str, Any]]) -> ImportResult:
        """All-or-nothing upsert of departments from dicts with the CSV's keys."""
        return ImportResult(**self._s.import_departments(actor, [dict(r) for r in rows]))

    def import_departments_csv(self, actor: str, path: PathLike, encoding: str = "detect") -> ImportResult:
        return ImportResult(**self._s.import_departments_csv(actor, os.fspath(path), encoding))

    def departments(self) -> list[Department]:
        return [Department(**d) for d in self._s.departments()]

    def put_system(self, actor: str, name: str, department: str, tier: str, important_assets: bool = False) -> None:
        self._s.put_system(
            actor,
            {
                "name": name,
                "department": department,
                "tier": tier,
                "important_assets": "true" if important_assets else "false",
            },
        )

    def import_systems(self, actor: str, rows: Iterable[Mapping[str, Any]]) -> ImportResult:
        return ImportResult(**self._s.import_systems(actor, [dict(r) for r in rows]))

    def import_systems_csv(self, actor: str, path: PathLike, encoding: str = "detect") -> ImportResult:
        return ImportResult(**self._s.import_systems_csv(actor, os.fspath(path), encoding))

    def systems(self) -> list[System]:
        return [System(**d) for d in self._s.systems()]

    # -- checklists
    def import_checklist(self, actor: str, checklist: Checklist | PathLike) -> int:
        """Store a checklist version (a Checklist or a YAML path); returns its id in the store."""
        if not isinstance(checklist, Checklist):
            checklist = Checklist.load(os.fspath(checklist))
        return self._s.import_checklist(actor, checklist)

    def checklists(self) -> list[StoredChecklist]:
        return [StoredChecklist(**d) for d in self._s.checklists()]

    def find_checklist(self, ref: int | str) -> StoredChecklist:
        """The stored checklist version `ref` names: its id in the store (``3``), the checklist's
        own id (``"komaki-taisaku-kijun"``, when one version of it is stored) or
        ``"id@version"`` (``"komaki-taisaku-kijun@2024-03-01"``). NotFoundError naming what is
        stored; ValidationError listing the versions when an id has several."""
        return StoredChecklist(**self._s.find_checklist(str(ref)))

    def load_checklist(self, id: int | str) -> Checklist:
        """The stored checklist version, loaded back (`id` as :meth:`find_checklist` takes it)."""
        return self._s.load_checklist(self._checklist_row(id))

    def _checklist_row(self, ref: int | str) -> int:
        return ref if isinstance(ref, int) else self.find_checklist(ref).id

    # -- cycles
    def create_cycle(
        self,
        actor: str,
        *,
        name: str,
        kind: str,
        fiscal_year: int,
        checklist: int | str,
        departments: Sequence[str] = (),
        secretariat: str = "",
    ) -> int:
        """A new planned cycle; `checklist` is a stored version as :meth:`find_checklist` takes it
        (``"komaki-taisaku-kijun"``, ``"komaki-taisaku-kijun@2024-03-01"`` or its id in the store),
        `departments` are 課 codes (default: every 課), `secretariat` the code of the 課 among them
        that answers the body-level items (全庁共通事項; default: the one 課 named as the
        checklist's ``secretariat``; docs/store.md, "Cycles"). Returns its id."""
        row = self._checklist_row(checklist)
        return self._s.create_cycle(actor, name, kind, fiscal_year, row, list(departments), secretariat)

    def open_cycle(self, actor: str, cycle: int) -> None:
        self._s.open_cycle(actor, cycle)

    # Closing is publishing: libaudit.Store.close_cycle (the scoring stage's Publications), not here.

    # -- points of the trail (docs/scoring.md, "As of"): {"seq", "at", "hash"}
    def trail_head(self) -> dict[str, Any]:
        """The last trail record: the point "now" reads the store at."""
        return dict(self._s.trail_head())

    def cycle_point(self, cycle: int, as_of: Any = None) -> dict[str, Any]:
        """THE as-of rule: the point a computation over the cycle reads the store at — its close
        when closed, else the end of day `as_of` in Japan (default now)."""
        return dict(self._s.cycle_point(cycle, as_of))

    def cycle_closes(self, cycle: int) -> list[dict[str, Any]]:
        """Each record that closed the cycle, oldest first (two after a reopening)."""
        return [dict(p) for p in self._s.cycle_closes(cycle)]

    def cycles(self) -> list[Cycle]:
        return [self._cycle(d) for d in self._s.cycles()]

    def cycle(self, id: int) -> Cycle:
        return self._cycle(self._s.cycle(id))

    def earlier_cycle(self, a: int, b: int) -> bool:
        """Whether cycle `a` comes before cycle `b`: an earlier 年度, or created first in the same
        年度 (THE rule of carry-over, store.h ``earlier_cycle``). NotFoundError for an unknown id."""
        return self._s.earlier_cycle(a, b)

    def previous_cycle(self, cycle: int, department: str) -> Cycle | None:
        """The cycle of the same kind over `department` that comes last before `cycle` (by
        :meth:`earlier_cycle`), whose answers are "last year's" for the 課; None when there is none."""
        this = self.cycle(cycle)
        before = [
            c
            for c in self.cycles()
            if c.kind == this.kind and department in c.departments and self.earlier_cycle(c.id, cycle)
        ]
        latest: Cycle | None = None
        for c in before:
            if latest is None or self.earlier_cycle(latest.id, c.id):
                latest = c
        return latest

    @staticmethod
    def _cycle(d: dict[str, Any]) -> Cycle:
        d = dict(d)
        d["departments"] = tuple(d["departments"])
        return Cycle(**d)

    # -- responses
    def import_responses(
        self,
        actor: str,
        cycle: int,
        rows: Iterable[Sequence[Any] | Mapping[str, Any]],
        *,
        source: str = "<rows>",
        progress: Progress = None,
        trail_source: str = "",
    ) -> ImportResult:
        """All-or-nothing import of responses into an open cycle.

        Each row is a tuple ``(department, item, answer[, comment, evidence, answered_by,
        answered_at])`` or a dict with those keys. ``answer`` is a code (implemented, partial,
        not_implemented, not_applicable, unknown) or its Japanese label. Rows equal to what is
        stored are skipped. Raises ImportValidationError listing every bad row (by 1-based row
        number), CycleStateError when the cycle is not open. ``trail_source``, when given, is
        recorded as "source" in the trail records of the import (which files, their SHA-256).
        ``rows`` may be any iterable; it is read once, before the import starts, so changing it
        meanwhile (from another thread, or from ``progress``) changes nothing of what is imported.
        ``progress(done, total)`` is called now and then with the changed rows written so far and
        the changed rows to write.
        """
        return ImportResult(**self._s.import_responses(actor, cycle, rows, source, progress, trail_source))

    def import_responses_csv(
        self, actor: str, cycle: int, path: PathLike, encoding: str = "detect", *, progress: Progress = None
    ) -> ImportResult:
        return ImportResult(**self._s.import_responses_csv(actor, cycle, os.fspath(path), encoding, progress))

    def responses(self, cycle: int) -> list[Response]:
        return [Response(*r) for r in self._s.responses(cycle)]

    def response_count(self, cycle: int) -> int:
        """Responses stored for a cycle; NotFoundError when there is no such cycle."""
        self._s.cycle(cycle)
        return self._s.response_count(cycle)

    def response_history(self, cycle: int, department: str, item: str) -> list[dict[str, Any]]:
        """Every recorded state of one response, oldest first, from the trail: dicts with seq,
        at, actor, action (insert/update) and the answer, comment, evidence, answered_by,
        answered_at it was given. NotFoundError for an unknown cycle."""
        return self._s.response_history(cycle, department, item)

    # -- trail
    def trail(self, after: int = 0, limit: int = 0) -> list[TrailRecord]:
        """Trail records with seq > after, in order (at most `limit`; 0 means all)."""
        return [TrailRecord(*t) for t in self._s.trail(after, limit)]

    def verify(
        self,
        anchor: str | None = None,
        *,
        anchor_seq: int = 0,
        trail_key: bytes | None = None,
        since_checkpoint: bool = False,
    ) -> VerifyReport:
        """Walk the hash chain and replay it against the tables; every problem is listed.

        `anchor` is a head hash recorded earlier (VerifyReport.head_hash, kept outside the
        store): the chain must still contain it, which shows that nothing before it was removed
        or rewritten — including the removal of the last records together with their rows,
        which the chain alone cannot show. The check is the core's (Store::verify's TrailAnchor).
        With `anchor_seq` (a report's ``anchor.seq``) that record must carry the hash.

        `trail_key` (raw bytes): every record from the first seal record of this key on must
        carry its MAC ("trail" problems "unsealed" and "forged"; no such seal record at all is
        the problem ("trail", "seal", "unsealed")). Without it MACs are not looked at.

        `since_checkpoint`: the incremental verify (docs/store.md, "Checkpoints"): the chain from
        the latest checkpoint on, the rows of the keys written after it and the rules of the
        records after it. NotFoundError when the store has no checkpoint.
        """
        return _verify_report(self._s.verify(anchor or "", int(anchor_seq), trail_key or b"", bool(since_checkpoint)))

    def checkpoint(
        self, actor: str, anchor: str | None = None, *, anchor_seq: int = 0, trail_key: bytes | None = None
    ) -> VerifyReport:
        """A full verify (as :meth:`verify`); when it finds no problem, the verified head sealed as
        a checkpoint record in the trail (its seq in the report's ``checkpoint``), from which
        ``verify(since_checkpoint=True)`` starts. With problems nothing is written (checkpoint 0)."""
        return _verify_report(self._s.checkpoint(actor, anchor or "", int(anchor_seq), trail_key or b""))

    # -- pandas
    def to_pandas(self, what: str, cycle: int | None = None) -> Any:
        """A pandas DataFrame of "departments", "systems", "checklists", "cycles", "trail" or
        "responses" (give `cycle`). Needs pandas (an optional dependency)."""
        table: dict[str, tuple[Callable[[], Sequence[Any]], type]] = {
            "departments": (self.departments, Department),
            "systems": (self.systems, System),
            "checklists": (self.checklists, StoredChecklist),
            "cycles": (self.cycles, Cycle),
            "trail": (self.trail, TrailRecord),
        }
        if what == "responses":
            if cycle is None:
                raise ValueError(_("to_pandas('responses') needs cycle="))
            return _frame(self.responses(cycle), Response)
        if what not in table:
            raise ValueError(
                _("unknown table {what!r}: one of responses, {tables}").format(what=what, tables=", ".join(table))
            )
        getter, cls = table[what]
        return _frame(getter(), cls)


def core_call(store: Store | _core._Store, fn: Callable[..., _T], *args: Any) -> _T:
    """``fn(compiled store, *args)`` under the Store's lock: THE way another module of the package
    passes a Store to a ``_core`` function (libaudit.findings, scoring, report, exchange). Threads
    sharing a Store take turns, as for its own methods. A ``_core._Store`` is passed as it is."""
    if isinstance(store, _core._Store):
        return fn(store, *args)
    serialised = cast(_Serialised, store._s)
    with serialised._lock:
        return fn(serialised._store, *args)


def fiscal_year_of(date: str) -> int:
    """The 年度 an ISO date falls in: '2025-03-31' -> 2024."""
    return _core.fiscal_year_of(date)


def fiscal_year_range(fiscal_year: int) -> tuple[str, str]:
    """First and last day of a 年度: 2024 -> ('2024-04-01', '2025-03-31')."""
    return _core.fiscal_year_range(fiscal_year)


def fiscal_year_label(fiscal_year: int) -> str:
    """The 和暦 label: 2024 -> '令和6年度', 2019 -> '令和元年度'."""
    return _core.fiscal_year_label(fiscal_year)


def read_trail_key(path: PathLike) -> bytes:
    """The trail key in the key file at `path`: its 32 raw bytes. The file must hold exactly 64
    hex digits and a newline and be readable by its owner only (mode 0600); anything else is a
    ValidationError naming the file and the fix (``chmod 600``), an unreadable file a
    LibauditIOError."""
    return _core.read_trail_key(os.fspath(path))


def new_trail_key(path: PathLike) -> None:
    """Writes a new key file of 32 random bytes at `path`, mode 0600, whole or not at all;
    LibauditIOError when `path` exists (it is never replaced) or cannot be written."""
    _core.write_trail_key(os.fspath(path))


def trail_key_id(key: bytes) -> str:
    """The key's id as seal records name it: the first 16 hex digits of SHA-256(key)."""
    return _core.trail_key_id(key)


# The label table's answers (what libaudit.labels.terms("answer") reads; this stage imports only
# _core and errors).
ANSWERS: tuple[tuple[str, str], ...] = tuple(_core.terms("answer"))

__all__ = [
    "ANSWERS",
    "Cycle",
    "Department",
    "ImportResult",
    "Problem",
    "Response",
    "Store",
    "StoredChecklist",
    "System",
    "TrailRecord",
    "VerifyReport",
    "core_call",
    "fiscal_year_label",
    "fiscal_year_of",
    "fiscal_year_range",
    "new_trail_key",
    "read_trail_key",
    "trail_key_id",
]
