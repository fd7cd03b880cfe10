"""Crash safety: a child process bulk-importing responses is killed with SIGKILL at random
moments. After each kill the database passes PRAGMA integrity_check, verify() passes, and the
import is either wholly present or wholly absent."""

from __future__ import annotations

import signal

import pytest
from _store_util import ACTOR, KillTrials, big_checklist_yaml

import libaudit

TRIALS = 24
DEPARTMENTS = 40
ITEMS = 500  # 20,000 responses per import

CHILD = r"""
import sys, libaudit
db, cycle = sys.argv[1], int(sys.argv[2])
rows = [(f"K{d:03d}", f"{i // 100 + 1}.{i + 1}", ("implemented", "partial", "unknown")[(d + i) % 3], "c" * (i % 7))
        for d in range(NDEPT) for i in range(NITEMS)]
store = libaudit.Store(db)
print("ready", flush=True)
store.import_responses("child", cycle, rows)
print("done", flush=True)
""".replace("NDEPT", str(DEPARTMENTS)).replace("NITEMS", str(ITEMS))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_during_bulk_import(tmp_path):
    db = tmp_path / "crash.db"
    with libaudit.Store(db) as s:
        s.import_departments(
            ACTOR,
            [{"code": "B", "name": "部"}]
            + [{"code": f"K{d:03d}", "name": f"課{d}", "parent_code": "B"} for d in range(DEPARTMENTS)],
        )
        checklist = s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(big_checklist_yaml(ITEMS), "big.yaml"))
        cycles = []
        for t in range(TRIALS):
            c = s.create_cycle(ACTOR, name=f"trial {t}", kind="self_inspection", fiscal_year=2024, checklist=checklist)
            s.open_cycle(ACTOR, c)
            cycles.append(c)

    trials = KillTrials(db, seed=20241)
    outcomes = []
    for t, cycle in enumerate(cycles):
        trials.run([CHILD, str(db), str(cycle)])
        with libaudit.Store(db) as s:
            report = s.verify()
            assert report.ok, [str(p) for p in report.problems]
            n = s.response_count(cycle)
            assert n in (0, DEPARTMENTS * ITEMS), f"trial {t}: partial import of {n} rows"
            outcomes.append(n)
    # Informational: how many kills landed before/after the commit.
    print(f"\n{TRIALS} trials: {outcomes.count(0)} absent, {TRIALS - outcomes.count(0)} present")
