"""Benchmark: the 課 × chapter matrix of a large synthetic store (default 4,000 課 × a 300-item
checklist in 10 chapters: 1.2M responses), time and peak memory, against pandas computing the
same matrix from the same SQLite file, in one run.

    PYTHONPATH=build/py/python python bench/matrix_bench.py [--departments 4000 --items 300]

The store is generated once by bench/scoring_bench.py's generator (Store.import_responses,
trail on) and kept at --db. Every measurement runs in a fresh process (so that its peak memory
is its own): the process imports pandas and reads the cycle (CycleData), then resets the kernel's peak-RSS mark
(``/proc/self/clear_refs``) and runs one step; "peak" is the step's peak RSS above the RSS it
started from. Best of --rounds:

* ``matrix`` -- ``data.matrix("rate").to_pandas()``: the core's columns to a DataFrame
  (課 × chapter), no Python object per cell.
* ``cells`` -- ``data.matrix("rate").cells``: the dataclass view, one GroupScore per cell (what
  matrix() returned before the columns).
* ``pandas`` -- the peer: sqlite3 + pandas.read_sql of the responses and the small tables from
  the same file, 実施率 per (課, chapter) with groupby, unstacked to the same 課 × chapter frame.
  Timed end to end (its read is its scan), beside libaudit's read + matrix.

The libaudit and pandas matrices are checked equal before any figure is printed. Give
``--python-path DIR`` to time another build of the package (e.g. the one before the columns)
in the same run. Results: docs/performance.md ("Matrix").
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")  # resets VmHWM to the current RSS (Linux)


def pandas_matrix(path: str, cycle: int):
    import pandas as pd

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    df = pd.read_sql("SELECT department, item_id, answer FROM responses WHERE cycle = ?", con, params=(cycle,))
    depts = pd.read_sql("SELECT id, code FROM departments", con).set_index("id")["code"]
    items = pd.read_sql(
        "SELECT i.item_id, i.weight, i.chapter_id FROM items i JOIN cycles c ON c.checklist = i.checklist "
        "WHERE c.id = ?",
        con,
        params=(cycle,),
    ).set_index("item_id")
    con.close()
    df = df[df["answer"] != "not_applicable"]
    value = df["answer"].map({"implemented": 1.0, "partial": 0.5, "not_implemented": 0.0, "unknown": 0.0})
    weight = df["item_id"].map(items["weight"])
    df = pd.DataFrame(
        {
            "department": df["department"].map(depts),
            "chapter": df["item_id"].map(items["chapter_id"]),
            "num": weight * value,
            "den": weight,
        }
    )
    g = df.groupby(["department", "chapter"], sort=True)[["num", "den"]].sum()
    return (100.0 * g["num"] / g["den"]).unstack("chapter")


def worker(mode: str, path: str, cycle: int) -> dict[str, float]:
    import pandas  # noqa: F401 (imported before the clock starts: every mode uses it, or not at all)

    import libaudit

    t0 = time.perf_counter()
    if mode == "pandas":
        start = rss_kib("VmRSS")
        reset_peak()
        result = pandas_matrix(path, cycle)
        t1 = t0
    else:
        store = libaudit.Store(path, create=False, read_only=True)
        data = store.scoring_data(cycle)
        t1 = time.perf_counter()
        start = rss_kib("VmRSS")
        reset_peak()
        t1 = time.perf_counter()
        m = data.matrix("rate")
        result = m.to_pandas() if mode == "matrix" else m.cells
    t2 = time.perf_counter()
    peak = rss_kib("VmHWM") - start
    out = {"read": t1 - t0, "step": t2 - t1, "peak_mib": peak / 1024}
    if mode != "cells":
        out["checksum"] = float(result.sum().sum())
        out["cells"] = int(result.notna().sum().sum())
    return out


def measure(mode: str, path: Path, cycle: int, rounds: int, python_path: str | None) -> dict[str, float]:
    env = dict(os.environ)
    if python_path:
        env["PYTHONPATH"] = python_path
    runs = []
    for _ in range(rounds):
        r = subprocess.run(
            [sys.executable, __file__, "--worker", mode, "--db", str(path), "--cycle", str(cycle)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        runs.append(json.loads(r.stdout))
    best = min(runs, key=lambda r: r["read"] + r["step"])
    best["peak_mib"] = min(r["peak_mib"] for r in runs)
    return best


def prepare(args: argparse.Namespace) -> tuple[Path, int]:
    sys.path.insert(0, str(Path(__file__).parent))
    from scoring_bench import generate

    import libaudit

    path = Path(args.db)
    n = args.departments * args.items
    if path.exists() and not args.regenerate:
        with libaudit.Store(path, create=False) as s:
            cycles = s.cycles()
            if cycles and s.response_count(cycles[0].id) == n and len(s.departments()) > args.departments:
                return path, cycles[0].id
    print(f"generating {n:,} responses into {path} (once) ...", file=sys.stderr, flush=True)
    return path, generate(path, args.departments, args.items)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--departments", type=int, default=4_000)
    ap.add_argument("--items", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--db", default=None)
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--python-path", help="also time this build of the package (e.g. the one before the columns)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--cycle", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.db, args.cycle)))
        return 0
    if args.db is None:
        args.db = str(ROOT / "build" / "bench" / f"matrix_{args.departments}x{args.items}.db")
    path, cycle = prepare(args)
    modes = [("matrix", "libaudit matrix().to_pandas() (columns)", None)]
    modes.append(("cells", "libaudit matrix().cells (dataclass view)", None))
    if args.python_path:
        modes.append(("matrix", "matrix().to_pandas(), --python-path build", args.python_path))
    results = [(label, measure(mode, path, cycle, args.rounds, pp)) for mode, label, pp in modes]
    peer = measure("pandas", path, cycle, args.rounds, None)
    ours = results[0][1]
    assert ours["cells"] == peer["cells"], "different numbers of scored cells"
    assert abs(ours["checksum"] - peer["checksum"]) < 1e-6 * max(1.0, abs(peer["checksum"])), "matrices differ"
    chapters = 10
    print(
        f"matrix {args.departments:,} 課 × {chapters} chapters ({args.departments * args.items:,} responses), "
        f"best of {args.rounds} (load average {os.getloadavg()[0]:.1f}); libaudit and pandas agree"
    )
    print(f"{'':48}{'read':>9}{'matrix':>9}{'total':>9}{'peak':>11}")
    for label, r in [*results, ("pandas read_sql + groupby (peer)", peer)]:
        total = r["read"] + r["step"]
        print(f"{label:48}{r['read']:>8.2f}s{r['step']:>8.2f}s{total:>8.2f}s{r['peak_mib']:>7.0f} MiB")
    total = ours["read"] + ours["step"]
    print(f"{'ratio pandas / libaudit (end to end)':48}{'':18}{(peer['read'] + peer['step']) / total:>8.1f}x")
    print(f"{'ratio dataclass view / columns (matrix step)':48}{'':9}{results[1][1]['step'] / ours['step']:>8.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
