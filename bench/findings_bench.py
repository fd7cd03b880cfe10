"""Benchmark: list overdue findings by 課 in a store holding 10,000 findings across 300 課,
against the same grouping done with Python's own sqlite3 on the same file, in one run.

    PYTHONPATH=build/<dir>/python python bench/findings_bench.py [--findings 10000 --departments 300]

Setup (not timed as the query, but reported): 300 課 under 30 部, a 50-item checklist, one
internal-audit cycle; 10,000 findings raised one by one through ``store.findings.open`` (each its
own transaction with its trail record), with due dates spread over a year, and about half moved
along the state machine (plan_submitted, in_remediation, some verified or risk-accepted), each
move a transaction with two trail records.

Timed: ``store.findings.overdue_by_department(today)`` — the 課 with overdue findings, counts,
oldest age, ids oldest first — best of N. Baseline: the same answer computed from Python's
sqlite3 (one SELECT of the open, past-due rows joined with the 課 names, grouped in a dict and
sorted the same way), also best of N, on the same file, twice: the weak baseline as first written
(a connection per call, the open states as ``NOT IN``, which cannot use the partial index on due)
and the strong one beside it (one connection, the statement prepared once, the partial index's own
``<>`` terms; its query plan printed). A last line times the full scan a caller without the query
would do (``store.findings.list()`` then filter in Python). Prints both ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import sys
import tempfile
import time

import libaudit


def checklist_yaml(n_items: int) -> str:
    lines = [
        "format: 1",
        "id: bench",
        "title: Benchmark checklist",
        'version: "1"',
        "body: 小牧市",
        "source: {document: bench.txt, title: ベンチマーク基準}",
        "sections:",
        '  - id: "1"',
        '    clause: "1"',
        "    title: 章1",
        "    items:",
    ]
    for k in range(n_items):
        lines += [
            f'      - id: "1.{k + 1}"',
            f'        clause: "1({k + 1})"',
            f"        text: 職員は、項目{k + 1}を実施しなければならない。",
            f"        question: 項目{k + 1}を実施しているか。",
            "        roles: [staff]",
        ]
    return "\n".join(lines) + "\n"


def build(path: str, n_findings: int, n_depts: int, seed: int = 6) -> tuple:
    rnd = random.Random(seed)
    store = libaudit.Store(path)
    n_bu = max(1, n_depts // 10)
    rows = [{"code": f"B{b:03d}", "name": f"部{b}"} for b in range(n_bu)]
    rows += [{"code": f"K{k:04d}", "name": f"課{k}", "parent_code": f"B{k % n_bu:03d}"} for k in range(n_depts)]
    rows += [{"code": "AUD", "name": "監査室"}]
    store.import_departments("bench", rows)
    cl = store.import_checklist("bench", libaudit.Checklist.from_yaml(checklist_yaml(50), "bench.yaml"))
    audit = store.create_cycle("bench", name="内部監査", kind="internal_audit", fiscal_year=2024, checklist=cl)
    store.open_cycle("bench", audit)
    people = [("監査A", "AUD", "auditor"), ("監査B", "AUD", "auditor"), ("CISO", "AUD", "ciso")]
    people += [(f"課長{k}", f"K{k:04d}", "security_manager") for k in range(n_depts)]
    store.people.import_rows("bench", people)
    f = store.findings
    start = dt.date(2024, 4, 1)
    t0 = time.perf_counter()
    moves = 0
    for n in range(n_findings):
        k = rnd.randrange(n_depts)
        due = start + dt.timedelta(days=rnd.randrange(365))
        fid = f.open(
            "監査A",
            cycle=audit,
            department=f"K{k:04d}",
            items=[f"1.{rnd.randrange(50) + 1}"],
            severity=rnd.choice(["major_nonconformity", "minor_nonconformity", "observation"]),
            condition=f"指摘{n}",
            due=due,
        )
        r = rnd.random()
        if r < 0.5:
            continue
        mgr = f"課長{k}"
        if r < 0.55:
            f.move("CISO", fid, "risk_accepted")
            moves += 1
            continue
        f.move(mgr, fid, "plan_submitted")
        moves += 1
        if r < 0.7:
            continue
        f.move(mgr, fid, "in_remediation")
        moves += 1
        if r < 0.85:
            continue
        f.move(mgr, fid, "remediation_reported")
        moves += 1
        f.move("監査B", fid, "verified")
        moves += 1
    setup = time.perf_counter() - t0
    return store, setup, moves


WEAK_SQL = (
    "SELECT f.department, f.due, f.id, coalesce(d.name, '') FROM findings f "
    "LEFT JOIN departments d ON d.code = f.department "
    "WHERE f.state NOT IN ('verified', 'risk_accepted', 'discarded', 'draft') AND f.due < ? "
    "ORDER BY f.due, f.id"
)


def baseline(path: str, today: str):
    """The same answer with Python's sqlite3: overdue rows grouped by 課, most first."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute(WEAK_SQL, (today,)).fetchall()
    finally:
        con.close()
    t = dt.date.fromisoformat(today)
    groups: dict = {}
    for dept, due, fid, name in rows:
        g = groups.get(dept)
        if g is None:
            g = groups[dept] = [dept, name, 0, (t - dt.date.fromisoformat(due)).days, []]
        g[2] += 1
        g[4].append(fid)
    return sorted(groups.values(), key=lambda g: (-g[2], g[0]))


# The same WHERE as the partial index findings_due (libaudit/src/followup/schema.cpp), so that
# SQLite can use it: a NOT IN over the states is not recognised as implying the index's terms.
STRONG_SQL = (
    "SELECT f.department, f.due, f.id, coalesce(d.name, '') FROM findings f "
    "LEFT JOIN departments d ON d.code = f.department "
    "WHERE f.state <> 'verified' AND f.state <> 'risk_accepted' AND f.state <> 'discarded' "
    "AND f.state <> 'draft' AND f.due < ? ORDER BY f.due, f.id"
)


def strong_baseline(con: sqlite3.Connection, today: str):
    """The strong baseline: one connection opened once, the statement prepared once (sqlite3's
    statement cache keeps it across calls) and a WHERE the partial index on due can serve."""
    t = dt.date.fromisoformat(today)
    groups: dict = {}
    for dept, due, fid, name in con.execute(STRONG_SQL, (today,)):
        g = groups.get(dept)
        if g is None:
            g = groups[dept] = [dept, name, 0, (t - dt.date.fromisoformat(due)).days, []]
        g[2] += 1
        g[4].append(fid)
    return sorted(groups.values(), key=lambda g: (-g[2], g[0]))


def query_plan(con: sqlite3.Connection, sql: str, today: str) -> str:
    return "; ".join(row[-1] for row in con.execute("EXPLAIN QUERY PLAN " + sql, (today,)))


def full_scan(store, today: str):
    t = dt.date.fromisoformat(today)
    groups: dict = {}
    for f in store.findings.list(today=today):
        if f.closed or f.state == "draft" or dt.date.fromisoformat(f.due) >= t:
            continue
        groups.setdefault(f.department, []).append(f.id)
    return groups


def best(fn, rounds: int) -> float:
    out = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t0)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--findings", type=int, default=10_000)
    ap.add_argument("--departments", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument(
        "--dir",
        default="/dev/shm" if os.path.isdir("/dev/shm") else None,
        help="where to put the store (default /dev/shm: the setup's 20,000 commits fsync)",
    )
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = os.path.join(tmp, "findings.db")
        store, setup, moves = build(path, args.findings, args.departments)
        today = "2024-10-01"
        groups = store.findings.overdue_by_department(today)
        base = baseline(path, today)
        assert [(g.department, g.count, g.oldest_days, list(g.findings)) for g in groups] == [
            (b[0], b[2], b[3], b[4]) for b in base
        ], "the two answers differ"
        n_over = sum(g.count for g in groups)
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        assert strong_baseline(con, today) == base, "the strong baseline's answer differs"
        t_lib = best(lambda: store.findings.overdue_by_department(today), args.rounds)
        t_base = best(lambda: baseline(path, today), args.rounds)
        t_strong = best(lambda: strong_baseline(con, today), args.rounds)
        plan, weak_plan = query_plan(con, STRONG_SQL, today), query_plan(con, WEAK_SQL, today)
        con.close()
        t_scan = best(lambda: full_scan(store, today), max(3, args.rounds // 5))
        ok = store.verify().ok
        store.close()
    print(
        f"setup: {args.findings:,} findings across {args.departments} 課 with {moves:,} transitions "
        f"in {setup:.1f} s ({args.findings / setup:,.0f} findings/s incl. transitions); verify ok: {ok}"
    )
    print(f"overdue on {today}: {n_over:,} findings in {len(groups)} 課")
    print(f"libaudit findings.overdue_by_department : {t_lib * 1000:8.2f} ms   (target < 50 ms)")
    print(f"weak baseline: connect per call, NOT IN : {t_base * 1000:8.2f} ms   (plan: {weak_plan})")
    print(f"strong baseline: one connection, index  : {t_strong * 1000:8.2f} ms   (plan: {plan})")
    print(f"full scan findings.list() + filter      : {t_scan * 1000:8.2f} ms")
    print(
        f"ratio libaudit / weak baseline: {t_lib / t_base:.2f}; libaudit / strong baseline: {t_lib / t_strong:.2f}; "
        f"full scan / libaudit: {t_scan / t_lib:.1f}"
    )
    return 0 if t_lib < 0.050 else 1


if __name__ == "__main__":
    sys.exit(main())
