"""Shared by the follow-up tests and the later stages' tests that raise findings: the world most
of them start from and the finding most of them open."""

from __future__ import annotations

from pathlib import Path

from _store_util import ACTOR, ready_store, write

import libaudit


def audit_world(path: Path, tmp: Path, people_csv: str) -> tuple[libaudit.Store, int, int]:
    """ready_store's store and open self-inspection, an internal audit (令和6年度 内部監査) open
    on the same checklist, and the people of `people_csv`; returns (store, self-inspection, audit)."""
    store, si = ready_store(path, tmp)
    cl = store.cycle(si).checklist
    audit = store.create_cycle(ACTOR, name="令和6年度 内部監査", kind="internal_audit", fiscal_year=2024, checklist=cl)
    store.open_cycle(ACTOR, audit)
    store.people.import_csv(ACTOR, write(tmp / "people.csv", people_csv))
    return store, si, audit


def observation(store: libaudit.Store, who: str, cycle: int, department: str = "101", item: str = "7.1") -> int:
    """An observation (観察事項) by `who` in `cycle` for 課 `department` against `item`, with
    condition "x", due 2025-03-31; returns its id."""
    return store.findings.open(
        who,
        cycle=cycle,
        department=department,
        items=[item],
        severity="observation",
        condition="x",
        due="2025-03-31",
    )
