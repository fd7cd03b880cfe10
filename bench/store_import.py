"""Benchmark: bulk-import responses into a libaudit store (validation and trail on) against the
same rows inserted with Python's own sqlite3.executemany into the same schema, in one run.

    PYTHONPATH=build/store/python python bench/store_import.py [--departments 1000 --items 1000]

Prints both rates and their ratio. Both sides use the same file settings (WAL, synchronous=FULL,
foreign_keys=ON) and commit once. The baseline gets its rows ready-made with department ids
resolved and writes no trail; the store validates every row, skips unchanged rows, and appends
one hash-chained trail record per response. Results are recorded in docs/performance.md.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time

import libaudit


def checklist_yaml(n_items: int, per_section: int = 100) -> str:
    lines = [
        "format: 1",
        "id: bench",
        "title: Benchmark checklist",
        'version: "1"',
        "body: 小牧市",
        "source: {document: bench.txt, title: ベンチマーク基準}",
        "sections:",
    ]
    for s in range((n_items + per_section - 1) // per_section):
        lines += [f'  - id: "{s + 1}"', f'    clause: "{s + 1}"', f"    title: 章{s + 1}", "    items:"]
        for k in range(s * per_section, min(n_items, (s + 1) * per_section)):
            lines += [
                f'      - id: "{s + 1}.{k + 1}"',
                f'        clause: "{s + 1}({k + 1})"',
                f"        text: 職員は、項目{k + 1}を実施しなければならない。",
                f"        question: 項目{k + 1}を実施しているか。",
                "        roles: [staff]",
            ]
    return "\n".join(lines) + "\n"


def prepare(path: str, n_depts: int, n_items: int) -> tuple[libaudit.Store, int, list, list]:
    store = libaudit.Store(path)
    n_bu = max(1, n_depts // 100)
    rows = [dict(code=f"B{b:03d}", name=f"部{b}") for b in range(n_bu)]
    rows += [dict(code=f"K{k:05d}", name=f"課{k}", parent_code=f"B{k % n_bu:03d}") for k in range(n_depts)]
    store.import_departments("bench", rows)
    checklist = libaudit.Checklist.from_yaml(checklist_yaml(n_items), "bench.yaml")
    cl = store.import_checklist("bench", checklist)
    cycle = store.create_cycle("bench", name="bench", kind="self_inspection", fiscal_year=2024, checklist=cl)
    store.open_cycle("bench", cycle)
    items = [i.id for i in checklist.items]
    depts = [f"K{k:05d}" for k in range(n_depts)]
    return store, cycle, depts, items


ANSWERS = ["implemented", "partial", "not_implemented", "not_applicable", "unknown"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--departments", type=int, default=1000)
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--dir", default=None, help="where to put the databases (default: a temporary directory)")
    args = ap.parse_args()
    n = args.departments * args.items
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        # libaudit
        store, cycle, depts, items = prepare(os.path.join(tmp, "store.db"), args.departments, args.items)
        rows = [(d, it, ANSWERS[(i + j) % 5], "", "") for i, d in enumerate(depts) for j, it in enumerate(items)]
        t0 = time.perf_counter()
        result = store.import_responses("bench", cycle, rows)
        t_store = time.perf_counter() - t0
        assert result.inserted == n, result
        t0 = time.perf_counter()
        again = store.import_responses("bench", cycle, rows)
        t_again = time.perf_counter() - t0
        assert again.unchanged == n, again
        trail = store.trail(after=0, limit=0)[-1].seq if n < 50_000 else None
        store.close()
        del rows

        # sqlite3.executemany into the same schema
        base, cycle_b, depts_b, _ = prepare(os.path.join(tmp, "baseline.db"), args.departments, args.items)
        base.close()
        con = sqlite3.connect(os.path.join(tmp, "baseline.db"), isolation_level=None)
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA synchronous = FULL")
        ids = dict(con.execute("SELECT code, id FROM departments"))
        now = "2024-06-01T00:00:00.000000Z"
        brows = [
            (cycle_b, ids[d], it, ANSWERS[(i + j) % 5], "", "", "bench", now)
            for i, d in enumerate(depts_b)
            for j, it in enumerate(items)
        ]
        t0 = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.executemany(
            "INSERT INTO responses(cycle, department, item_id, answer, comment, evidence, answered_by, answered_at) "
            "VALUES (?,?,?,?,?,?,?,?)",
            brows,
        )
        con.execute("COMMIT")
        t_base = time.perf_counter() - t0
        con.close()

    r_store, r_base = n / t_store, n / t_base
    print(f"responses:                     {n:,}")
    print(f"libaudit Store.import_responses {r_store:12,.0f} responses/s  ({t_store:.2f} s, trail on)")
    print(f"  re-import, all unchanged      {n / t_again:12,.0f} responses/s  ({t_again:.2f} s, nothing written)")
    print(f"sqlite3.executemany baseline    {r_base:12,.0f} responses/s  ({t_base:.2f} s, no trail)")
    print(f"ratio store / baseline          {r_store / r_base:12.2f}x")
    print(f"(SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
