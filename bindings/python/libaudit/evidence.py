"""Evidence files (証跡ファイル): files attached to a response, a working-paper entry, a finding or
an exception, content-addressed by SHA-256 in a folder beside the store (docs/evidence.md). A thin
layer over the core (libaudit/store/evidence.h): every rule is there.

::

    from libaudit import Store
    with Store("audit.db") as store:
        f = store.evidence.add("監査A", "response", "1/4010/8.1.a", "scan.pdf",
                               title="持出し記録簿", evidence_date="2024-10-01")
        store.evidence.revise("監査A", f.id, "scan-v2.pdf")
        store.evidence.copy_out(f.id, 0, "out.pdf")   # checked against its SHA-256
        store.evidence.withdraw("監査A", f.id, "wrong 課")
        assert store.verify().ok                       # every file's bytes checked
"""

# libaudit-stage: store

from __future__ import annotations

import builtins
import datetime as _dt
import os
from dataclasses import asdict, dataclass
from typing import Any, Callable, Optional, Union

from . import _core
from .store import PathLike, core_call

Progress = Optional[Callable[[int, int], None]]
DateLike = Union[str, _dt.date, None]


@dataclass(frozen=True)
class EvidenceFile:
    """One revision of an evidence item; ``status`` is active, withdrawn or purged."""

    id: int
    revision: int
    target_kind: str
    target_key: str
    title: str
    file_name: str
    media_type: str
    sha256: str
    size: int
    evidence_date: str
    added_by: str
    added_at: str
    status: str
    withdrawn_by: str = ""
    withdrawn_at: str = ""
    withdraw_reason: str = ""
    purged_by: str = ""
    purged_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EvidenceSettings:
    """Per store: the largest file accepted (bytes) and how long a withdrawn item's bytes are
    kept before a purge (days)."""

    max_bytes: int
    retention_days: int


def _file(d: dict[str, Any]) -> EvidenceFile:
    return EvidenceFile(**d)


class Evidence:
    """The evidence files of a store (``store.evidence``). Every write takes the actor first and
    is one transaction with its trail records; a failed call writes nothing."""

    def __init__(self, store: Any):
        self._store = store

    @property
    def folder(self) -> str:
        """Where the bytes live: ``<store>.evidence``."""
        return os.fspath(core_call(self._store, _core._evidence_folder))

    def add(
        self,
        actor: str,
        target_kind: str,
        target_key: str,
        source: PathLike,
        *,
        title: str = "",
        evidence_date: DateLike = None,
        file_name: str = "",
        progress: Progress = None,
    ) -> EvidenceFile:
        """Adds revision 1 of a new item attached to (target_kind, target_key), e.g.
        ("response", "CYCLE/課/ITEM"), ("finding", "3"), ("exception", "2")."""
        return _file(
            core_call(
                self._store,
                _core._evidence_add,
                actor,
                target_kind,
                target_key,
                os.fspath(source),
                title,
                _day(evidence_date),
                file_name,
                progress,
            )
        )

    def revise(
        self,
        actor: str,
        id: int,
        source: PathLike,
        *,
        title: str = "",
        evidence_date: DateLike = None,
        file_name: str = "",
        progress: Progress = None,
    ) -> EvidenceFile:
        """Adds the next revision of item `id`; the earlier ones stay."""
        return _file(
            core_call(
                self._store,
                _core._evidence_revise,
                actor,
                int(id),
                os.fspath(source),
                title,
                _day(evidence_date),
                file_name,
                progress,
            )
        )

    def withdraw(self, actor: str, id: int, reason: str) -> builtins.list[EvidenceFile]:
        """Withdraws every revision of item `id` (the bytes stay until a purge)."""
        return [_file(d) for d in core_call(self._store, _core._evidence_withdraw, actor, int(id), reason)]

    def purge(self, actor: str, id: int, today: DateLike = None) -> builtins.list[EvidenceFile]:
        """Removes the bytes of a withdrawn item whose retention period has ended."""
        return [_file(d) for d in core_call(self._store, _core._evidence_purge, actor, int(id), _day(today) or None)]

    def list(self, target_kind: str = "", target_key: str = "") -> builtins.list[EvidenceFile]:
        """Every revision, by id then revision (only one target's when given)."""
        return [_file(d) for d in core_call(self._store, _core._evidence_list, target_kind, target_key)]

    def get(self, id: int, revision: int = 0) -> EvidenceFile:
        """Revision `revision` of item `id` (0: its last)."""
        return _file(core_call(self._store, _core._evidence_get, int(id), int(revision)))

    def copy_out(self, id: int, revision: int, out: PathLike, progress: Progress = None) -> EvidenceFile:
        """Writes the bytes of a revision to `out` (a temporary renamed into place), checked
        against the recorded SHA-256 on the way; a changed or missing file raises StoreError."""
        return _file(core_call(self._store, _core._evidence_copy_out, int(id), int(revision), os.fspath(out), progress))

    @property
    def settings(self) -> EvidenceSettings:
        return EvidenceSettings(**core_call(self._store, _core._evidence_settings))

    def set_settings(self, actor: str, *, max_bytes: int | None = None, retention_days: int | None = None) -> None:
        """Changes the store's limit or retention period (recorded in the trail)."""
        now = self.settings
        core_call(
            self._store,
            _core._evidence_set_settings,
            actor,
            now.max_bytes if max_bytes is None else int(max_bytes),
            now.retention_days if retention_days is None else int(retention_days),
        )

    def unreferenced(self) -> builtins.list[str]:
        """Files of the folder that are not evidence (left by an interrupted add or a purge)."""
        return [os.fspath(p) for p in core_call(self._store, _core._evidence_unreferenced)]

    def clean(self) -> builtins.list[str]:
        """Removes what :meth:`unreferenced` lists; returns the paths removed."""
        return [os.fspath(p) for p in core_call(self._store, _core._evidence_clean)]


def _day(d: DateLike) -> str:
    if d is None:
        return ""
    return d if isinstance(d, str) else d.isoformat()[:10]


def sniff(path: PathLike, name: str = "") -> tuple[str, str]:
    """(media type, "") for a file accepted as evidence, ("", why not) for one refused."""
    media, why = _core.sniff_evidence(os.fspath(path), name or os.path.basename(os.fspath(path)))
    return media, why
