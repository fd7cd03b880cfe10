"""Crash safety of evidence files: a child process adding a file is killed with SIGKILL at random
moments (10 trials). After each kill the database passes PRAGMA integrity_check, verify() passes,
the add is wholly present (its row, its trail record and its bytes) or wholly absent, and what a
kill leaves in the folder (a temporary, a blob no row references) is reported as unreferenced,
never counted as evidence; `clean` removes it."""

from __future__ import annotations

import hashlib
import os
import signal

import pytest
from _store_util import KillTrials, ready_store

import libaudit

TRIALS = 10
SIZE = 24 << 20  # 24 MiB per file: long enough to be killed in the middle

CHILD = r"""
import sys, libaudit
db, key, source = sys.argv[1], sys.argv[2], sys.argv[3]
store = libaudit.Store(db)
print("ready", flush=True)
store.evidence.add("child", "response", key, source)
print("done", flush=True)
"""


def source_file(path, trial: int) -> str:
    head = f"%PDF-1.4\n% trial {trial}\n".encode()
    with open(path, "wb") as f:
        f.write(head)
        block = os.urandom(1 << 20)
        for _ in range(SIZE >> 20):
            f.write(block)
    return str(path)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_during_an_evidence_add(tmp_path):
    db = tmp_path / "crash.db"
    store, cycle = ready_store(db, tmp_path)
    store.close()
    key = f"{cycle}/101/7.1"
    trials = KillTrials(db, seed=20261206)
    present = 0
    for t in range(TRIALS):
        src = source_file(tmp_path / f"src{t}.pdf", t)
        with open(src, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        trials.run([CHILD, str(db), key, src])
        with libaudit.Store(db) as s:
            report = s.verify()
            assert report.ok, [str(p) for p in report.problems]
            files = s.evidence.list()
            shas = {f.sha256 for f in files}
            added = digest in shas
            present += added
            blob = os.path.join(s.evidence.folder, "sha256", digest[:2], digest)
            if added:  # wholly present: the row, its trail record and its bytes
                assert os.path.exists(blob)
                assert any(r.entity == "evidence" and digest in r.state for r in s.trail())
            for path in report.unreferenced:  # never evidence
                assert os.path.basename(path) not in shas
            assert sorted(s.evidence.unreferenced()) == sorted(report.unreferenced)
            s.evidence.clean()
            assert s.verify().ok and not s.verify().unreferenced
            assert s.evidence.list() == files
        os.remove(src)
    print(f"\n{TRIALS} trials: {present} added, {TRIALS - present} killed before the commit")
