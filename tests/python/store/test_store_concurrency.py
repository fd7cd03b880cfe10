"""Concurrency: 8 processes each write 1,000 responses to the same database at once; all 8,000
are there afterwards, no process failed ("database is locked" or otherwise), and the trail
verifies."""

from __future__ import annotations

import subprocess
import sys
import time

from _store_util import ACTOR, big_checklist_yaml

import libaudit

PROCESSES = 8
PER_PROCESS = 1000
CHUNK = 50  # each process writes in 20 transactions, so the writers interleave

WRITER = r"""
import os, sys, time, libaudit
db, cycle, k, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rows = [(f"K{k}", f"{i // 100 + 1}.{i + 1}", "implemented" if i % 3 else "partial") for i in range(PER)]
while not os.path.exists(go):
    time.sleep(0.001)
with libaudit.Store(db) as store:
    for start in range(0, len(rows), CHUNK):
        store.import_responses(f"writer-{k}", cycle, rows[start:start + CHUNK])
print("ok")
""".replace("PER", str(PER_PROCESS)).replace("CHUNK", str(CHUNK))


def test_eight_writers_at_once(tmp_path):
    db = tmp_path / "shared.db"
    with libaudit.Store(db) as s:
        s.import_departments(
            ACTOR,
            [{"code": "B", "name": "部"}]
            + [{"code": f"K{k}", "name": f"課{k}", "parent_code": "B"} for k in range(PROCESSES)],
        )
        cl = s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(big_checklist_yaml(PER_PROCESS), "big.yaml"))
        cycle = s.create_cycle(ACTOR, name="同時書込み", kind="self_inspection", fiscal_year=2024, checklist=cl)
        s.open_cycle(ACTOR, cycle)
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(cycle), str(k), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(PROCESSES)
    ]
    time.sleep(0.5)  # let every process start and wait at the line
    go.touch()
    results = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert "locked" not in err
        assert p.returncode == 0, err
        assert out.strip() == "ok"
    with libaudit.Store(db) as s:
        assert s.response_count(cycle) == PROCESSES * PER_PROCESS
        responses = s.responses(cycle)
        assert {r.answered_by for r in responses} == {f"writer-{k}" for k in range(PROCESSES)}
        report = s.verify()
        assert report.ok, [str(p) for p in report.problems]
        batches = [t for t in s.trail() if t.entity == "responses"]
        assert len(batches) == PROCESSES * PER_PROCESS // CHUNK


CREATOR = r"""
import os, sys, time, libaudit
db, k, go = sys.argv[1], int(sys.argv[2]), sys.argv[3]
while not os.path.exists(go):
    time.sleep(0.001)
with libaudit.Store(db) as store:   # every process creates the schema if it is missing
    store.put_department(f"p{k}", f"D{k}", f"部{k}")
print("ok")
"""


def test_eight_processes_create_the_same_new_store(tmp_path):
    db, go = tmp_path / "new.db", tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CREATOR, str(db), str(k), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(PROCESSES)
    ]
    time.sleep(0.5)
    go.touch()
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    with libaudit.Store(db) as s:
        assert sorted(d.code for d in s.departments()) == sorted(f"D{k}" for k in range(PROCESSES))
        assert s.schema_version == libaudit._core.STORE_SCHEMA_VERSION
        assert s.verify().ok
