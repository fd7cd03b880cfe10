"""Benchmark: bulk-import responses into a libaudit store (validation and trail on) against the
same rows inserted with Python's own sqlite3.executemany into the same schema (the weak baseline)
and by a small C program (the strong peer, the C limit), in one run.

    PYTHONPATH=build/py/python python bench/store_import.py [--departments 1000 --items 1000]

Prints both rates and their ratio, by wall clock and by CPU time of the process (all threads;
the import uses a second thread for part of its work, so the two differ), best and median of a
few alternating rounds. Both sides use the same file settings (WAL, synchronous=FULL,
foreign_keys=ON) and commit once. The baseline gets its rows ready-made with department ids
resolved and writes no trail; the store validates every row, skips unchanged rows and appends
one hash-chained trail record per 1,024 changed responses (docs/store.md, "The trail"). After
the first round the store is verified (not timed).

The baseline's settings are weak on purpose, and kept so that older figures compare: foreign keys
on, SQLite's default 2 MiB cache, one row per INSERT (executemany), rows in the file's order. The
strong peer, bench/scale_insert_peer.c (bench/scale.py's too), is compiled here with the system's
gcc against libsqlite3 (skipped, saying so, when either is missing) and writes the same rows
(department ids resolved, sorted by the primary key, handed over in a file: not timed) into the
same schema the fastest way SQLite offers: one transaction, a prepared 128-row multi-VALUES
INSERT, the store's journal and synchronous settings and cache, foreign keys off (as the store's
import has them). Its time is its transaction's, measured inside the program;
the store's includes taking the rows from Python. Results are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

import libaudit


def checklist_yaml(
    n_items: int, per_section: int = 100, *, id: str = "bench", title: str = "Benchmark checklist", body: str = "小牧市"
) -> str:
    """A checklist of `n_items` staff items in chapters of `per_section`, asked of every 課 (the
    benches' one generator: store_import, import_pieces, web_load)."""
    lines = [
        "format: 1",
        f"id: {id}",
        f"title: {title}",
        'version: "1"',
        f"body: {body}",
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
    rows = [{"code": f"B{b:03d}", "name": f"部{b}"} for b in range(n_bu)]
    rows += [{"code": f"K{k:05d}", "name": f"課{k}", "parent_code": f"B{k % n_bu:03d}"} for k in range(n_depts)]
    store.import_departments("bench", rows)
    checklist = libaudit.Checklist.from_yaml(checklist_yaml(n_items), "bench.yaml")
    cl = store.import_checklist("bench", checklist)
    cycle = store.create_cycle("bench", name="bench", kind="self_inspection", fiscal_year=2024, checklist=cl)
    store.open_cycle("bench", cycle)
    items = [i.id for i in checklist.items]
    depts = [f"K{k:05d}" for k in range(n_depts)]
    return store, cycle, depts, items


ANSWERS = ["implemented", "partial", "not_implemented", "not_applicable", "unknown"]


def timed(fn):
    """Wall-clock and CPU seconds of fn() (CPU time: this process, all threads). The kernel first
    writes back what earlier rounds left dirty (not timed), so that its writeback threads do not
    compete with the timed run for the cores."""
    os.sync()
    w0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - w0, time.process_time() - c0


def run_store(tmp: str, n_depts: int, n_items: int, rows: list, verify: bool) -> tuple:
    store, cycle, _, _ = prepare(os.path.join(tmp, "store.db"), n_depts, n_items)
    result, wall, cpu = timed(lambda: store.import_responses("bench", cycle, rows))
    assert result.inserted == len(rows), result
    again, wall_again, _ = timed(lambda: store.import_responses("bench", cycle, rows))
    assert again.unchanged == len(rows), again
    if verify:
        report, v_wall, v_cpu = timed(store.verify)
        assert report.ok, report.problems[:5]
        size = sum(os.path.getsize(os.path.join(tmp, f)) for f in os.listdir(tmp))
        print(
            f"verify: ok, {report.records:,} trail records, {v_wall:.1f} s wall / {v_cpu:.1f} s CPU; "
            f"store files {size / 2**20:.0f} MiB",
            flush=True,
        )
    store.close()
    return wall, cpu, wall_again


def run_baseline(tmp: str, n_depts: int, n_items: int, rows: list) -> tuple:
    base, cycle, _, _ = prepare(os.path.join(tmp, "baseline.db"), n_depts, n_items)
    base.close()
    con = sqlite3.connect(os.path.join(tmp, "baseline.db"), isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA synchronous = FULL")
    ids = dict(con.execute("SELECT code, id FROM departments"))
    brows = [(cycle, ids[d], it, a, c, e, "bench", "2024-06-01T00:00:00.000000Z") for d, it, a, c, e in rows]

    def insert():
        con.execute("BEGIN IMMEDIATE")
        con.executemany(
            "INSERT INTO responses(cycle, department, item_id, answer, comment, evidence, answered_by, answered_at) "
            "VALUES (?,?,?,?,?,?,?,?)",
            brows,
        )
        con.execute("COMMIT")

    _, wall, cpu = timed(insert)
    con.close()
    return wall, cpu


PEER_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scale_insert_peer.c")


def build_peer(out_dir: str) -> str | None:
    """The C import peer (bench/scale_insert_peer.c, shared with bench/scale.py) compiled with gcc -O2
    against the system's libsqlite3 (its path), or None (with the reason printed) when there is no
    gcc or no sqlite3.h / libsqlite3."""
    gcc = shutil.which("gcc")
    if not gcc:
        print("strong peer skipped: no gcc on PATH", flush=True)
        return None
    exe = os.path.join(out_dir, "scale_insert_peer")
    done = subprocess.run([gcc, "-O2", "-o", exe, PEER_SOURCE, "-lsqlite3"], capture_output=True, text=True)
    if done.returncode:
        print(f"strong peer skipped: gcc failed: {done.stderr.strip()[:300]}", flush=True)
        return None
    return exe


def run_peer(exe: str, tmp: str, n_depts: int, n_items: int, rows: list) -> tuple[int, float]:
    """(rows in the table afterwards, seconds of the peer's transaction) for a fresh store: `rows`
    written as the peer reads them (ids resolved, sorted by the primary key; not timed)."""
    path = os.path.join(tmp, "peer.db")
    peer, cycle, _, _ = prepare(path, n_depts, n_items)
    peer.close()
    con = sqlite3.connect(path)
    ids = dict(con.execute("SELECT code, id FROM departments"))
    con.close()
    keyed = sorted((ids[d], it.encode(), it, a) for d, it, a, *_ in rows)
    tsv = os.path.join(tmp, "peer_rows.tsv")
    with open(tsv, "w", encoding="utf-8") as f:
        f.writelines(f"{cycle}\t{d}\t{it}\t{a}\n" for d, _, it, a in keyed)
    os.sync()
    out = subprocess.run([exe, path, tsv], check=True, capture_output=True, text=True)
    result = json.loads(out.stdout)
    return int(result["rows"]), float(result["seconds"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--departments", type=int, default=1000)
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5, help="alternate store and baseline this often")
    ap.add_argument("--dir", default=None, help="where to put the databases (default: a temporary directory)")
    args = ap.parse_args()
    n = args.departments * args.items
    depts = [f"K{k:05d}" for k in range(args.departments)]
    items = [i.id for i in libaudit.Checklist.from_yaml(checklist_yaml(args.items), "bench.yaml").items]
    rows = [(d, it, ANSWERS[(i + j) % 5], "", "") for i, d in enumerate(depts) for j, it in enumerate(items)]
    store_runs, base_runs, peer_runs = [], [], []
    peer_dir = tempfile.TemporaryDirectory()
    exe = build_peer(peer_dir.name)
    for k in range(args.rounds):
        with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
            store_runs.append(run_store(tmp, args.departments, args.items, rows, verify=k == 0))
        with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
            base_runs.append(run_baseline(tmp, args.departments, args.items, rows))
        if exe:
            with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
                count, seconds = run_peer(exe, tmp, args.departments, args.items, rows)
                assert count == n, (count, n)
                peer_runs.append(seconds)
    med = statistics.median
    s_wall, s_cpu = [r[0] for r in store_runs], [r[1] for r in store_runs]
    b_wall, b_cpu = [r[0] for r in base_runs], [r[1] for r in base_runs]
    s_again = min(r[2] for r in store_runs)
    print(f"responses: {n:,} per run, {args.rounds} alternating rounds (load average {os.getloadavg()[0]:.1f})")
    print(f"{'':34}{'wall clock, best':>20}{'median':>12}{'CPU time, best':>20}{'median':>12}")

    def line(label: str, wall: list, cpu: list, note: str) -> None:
        print(
            f"{label:34}{n / min(wall):>13,.0f} resp/s{n / med(wall):>12,.0f}"
            f"{n / min(cpu):>13,.0f} resp/s{n / med(cpu):>12,.0f}   {note}"
        )

    line("libaudit Store.import_responses", s_wall, s_cpu, "(trail on)")
    print(f"{'  re-import, all unchanged':34}{n / s_again:>13,.0f} resp/s{'':>44}   (nothing written)")
    line("sqlite3.executemany baseline", b_wall, b_cpu, "(no trail)")
    print(
        f"{'ratio store / baseline':34}{min(b_wall) / min(s_wall):>19.2f}x{med(b_wall) / med(s_wall):>11.2f}x"
        f"{min(b_cpu) / min(s_cpu):>19.2f}x{med(b_cpu) / med(s_cpu):>11.2f}x"
    )
    if peer_runs:
        print(
            f"{'C peer, 128-row prepared INSERT':34}{n / min(peer_runs):>13,.0f} resp/s{n / med(peer_runs):>12,.0f}"
            f"{'':>44}   (no trail; wall clock of its transaction)"
        )
        print(
            f"{'ratio store / C peer (time)':34}{min(s_wall) / min(peer_runs):>19.2f}x"
            f"{med(s_wall) / med(peer_runs):>11.2f}x"
        )
    peer_dir.cleanup()
    print(f"(SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
