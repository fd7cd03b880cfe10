"""Shared by the follow-up tests: the finding most of them open, an observation (観察事項) with
condition "x" due 2025-03-31, by `who` in `cycle` for 課 `department` against `item`."""

from __future__ import annotations

import libaudit


def observation(store: libaudit.Store, who: str, cycle: int, department: str = "101", item: str = "7.1") -> int:
    return store.findings.open(
        who,
        cycle=cycle,
        department=department,
        items=[item],
        severity="observation",
        condition="x",
        due="2025-03-31",
    )
