"""The import benchmarks' strong peer (bench/scale_insert_peer.c, as bench/store_import.py runs it):
it compiles with the system's gcc against libsqlite3 and writes exactly the rows the store's import
writes, into the same schema."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"


@pytest.fixture
def store_import():
    sys.path.insert(0, str(BENCH))
    try:
        import store_import

        yield store_import
    finally:
        sys.path.remove(str(BENCH))


@pytest.mark.skipif(not shutil.which("gcc"), reason="no gcc on PATH")
def test_peer_compiles_and_writes_the_store_import_rows(tmp_path, store_import):
    exe = store_import.build_peer(str(tmp_path))
    assert exe, "bench/scale_insert_peer.c does not compile (is libsqlite3-dev installed?)"
    departments, items = 7, 150  # 1,050 rows: eight full 128-row INSERTs and a remainder of 26
    store, cycle, depts, item_ids = store_import.prepare(str(tmp_path / "store.db"), departments, items)
    given = [
        (d, it, store_import.ANSWERS[(i + j) % 5], "", "") for i, d in enumerate(depts) for j, it in enumerate(item_ids)
    ]
    rows, seconds = store_import.run_peer(exe, str(tmp_path), departments, items, given)
    assert rows == departments * items
    assert seconds >= 0

    # The same rows as the store's import of them.
    result = store.import_responses("bench", cycle, given)
    assert result.inserted == rows
    store.close()
    keys = "SELECT cycle, department, item_id, answer FROM responses ORDER BY 1, 2, 3"
    peer = sqlite3.connect(tmp_path / "peer.db").execute(keys).fetchall()
    ours = sqlite3.connect(tmp_path / "store.db").execute(keys).fetchall()
    assert peer == ours
