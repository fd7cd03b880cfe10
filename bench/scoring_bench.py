"""Benchmark: score 10,000,000 responses (33,334 課 × a 300-item checklist, the scale of a whole
prefecture's municipalities) by 課 and by chapter, read from a libaudit store, against pandas
doing the same on the same rows read from the same SQLite file, in one run.

    PYTHONPATH=build/scoring/python python bench/scoring_bench.py [--departments 33334 --items 300]

The store is generated once (through Store.import_responses, trail on) and kept at --db
(default: build/bench/scoring_bench.db) for later runs with the same sizes. Then, best of
--rounds alternating rounds:

* libaudit, end to end: open the store, read the cycle (CycleData: checklist, 課, systems and
  every answer through Store.scan_responses), 実施率 by 課 and by chapter as Python objects.
* libaudit, the scoring step alone: the two score() calls on the data already read.
* pandas, end to end: sqlite3 + pandas.read_sql of the responses (課 id, item id, answer)
  and of the small department and item tables from the same file, joined in pandas, then the
  same 実施率 (Σw·v / Σw over answered, applicable items; v = 1
  implemented, 0.5 partial, 0 otherwise; 該当しない left out) with groupby by 課 and by chapter.

Both sides' figures are checked equal before any time is printed. Results: docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import time
from pathlib import Path

import libaudit

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = ["implemented", "partial", "not_implemented", "not_applicable", "unknown"]
# The answer mix of a middling municipality: mostly implemented.
WEIGHTS = [0.62, 0.15, 0.13, 0.06, 0.04]


def checklist_yaml(n_items: int, chapters: int = 10, sections: int = 3) -> str:
    """n_items items in `chapters` chapters of `sections` sections; every third item weighs 2."""
    lines = [
        "format: 1",
        "id: bench-scoring",
        "title: 採点ベンチマーク点検表",
        'version: "1"',
        "body: ベンチ県",
        "source: {document: bench.txt, title: ベンチマーク基準}",
        "sections:",
    ]
    per_chapter = (n_items + chapters - 1) // chapters
    k = 0
    for c in range(chapters):
        lines += [f'  - id: "{c + 1}"', f'    clause: "{c + 1}"', f"    title: 第{c + 1}章", "    sections:"]
        per_section = (per_chapter + sections - 1) // sections
        for s in range(sections):
            if k >= n_items or k >= (c + 1) * per_chapter:
                break
            lines += [
                f'      - id: "{c + 1}.{s + 1}"',
                f'        clause: "({s + 1})"',
                f"        title: 節{s + 1}",
                "        items:",
            ]
            for _ in range(per_section):
                if k >= n_items or k >= (c + 1) * per_chapter:
                    break
                k += 1
                lines += [
                    f'          - id: "{c + 1}.{s + 1}.{k}"',
                    f'            clause: "{c + 1}({s + 1}){k}"',
                    f"            text: 職員は、項目{k}を実施しなければならない。",
                    f"            question: 項目{k}を実施しているか。",
                    "            roles: [staff]",
                ]
                if k % 3 == 0:
                    lines.append("            weight: 2")
    return "\n".join(lines) + "\n"


def generate(path: Path, n_depts: int, n_items: int, seed: int = 7) -> int:
    """Writes the benchmark store; returns the cycle id."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    t0 = time.perf_counter()
    with libaudit.Store(path) as store:
        store.set_body("bench", "ベンチ県")
        n_bu = max(1, n_depts // 20)
        rows = [{"code": f"B{b:05d}", "name": f"部{b}"} for b in range(n_bu)]
        rows += [{"code": f"K{k:06d}", "name": f"課{k}", "parent_code": f"B{k % n_bu:05d}"} for k in range(n_depts)]
        store.import_departments("bench", rows)
        checklist = libaudit.Checklist.from_yaml(checklist_yaml(n_items), "bench.yaml")
        cl = store.import_checklist("bench", checklist)
        cycle = store.create_cycle("bench", name="bench", kind="self_inspection", fiscal_year=2024, checklist=cl)
        store.open_cycle("bench", cycle)
        items = [i.id for i in checklist.items]
        chunk = max(1, 1_000_000 // n_items)
        for start in range(0, n_depts, chunk):
            batch = []
            for k in range(start, min(n_depts, start + chunk)):
                code = f"K{k:06d}"
                answers = rng.choices(ANSWERS, WEIGHTS, k=n_items)
                batch.extend(zip([code] * n_items, items, answers))
            store.import_responses("bench", cycle, batch)
            print(
                f"  generated {min(n_depts, start + chunk) * n_items:,} responses ({time.perf_counter() - t0:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
        store.close_cycle("bench", cycle)
    return cycle


def run_libaudit(path: Path, cycle: int):
    t0 = time.perf_counter()
    store = libaudit.Store(path, create=False)
    data = store.scoring_data(cycle)
    t1 = time.perf_counter()
    by_dept = data.score("rate", "department")
    by_chapter = data.score("rate", "chapter")
    t2 = time.perf_counter()
    store.close()
    return (t2 - t0, t2 - t1, t1 - t0), by_dept, by_chapter


def run_pandas(path: Path, cycle: int):
    import pandas as pd

    t0 = time.perf_counter()
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    # The responses table alone (no join in SQLite); the small tables are joined in pandas.
    df = pd.read_sql("SELECT department, item_id, answer FROM responses WHERE cycle = ?", con, params=(cycle,))
    depts = pd.read_sql("SELECT id, code FROM departments", con).set_index("id")["code"]
    items = pd.read_sql(
        "SELECT i.item_id, i.weight, i.chapter_id FROM items i JOIN cycles c "
        "ON c.checklist = i.checklist WHERE c.id = ?",
        con,
        params=(cycle,),
    ).set_index("item_id")
    con.close()
    t1 = time.perf_counter()
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
    g = df.groupby("department", sort=True)[["num", "den"]].sum()
    by_dept = 100.0 * g["num"] / g["den"]
    g = df.groupby("chapter", sort=True)[["num", "den"]].sum()
    by_chapter = 100.0 * g["num"] / g["den"]
    t2 = time.perf_counter()
    return (t2 - t0, t2 - t1, t1 - t0), by_dept, by_chapter


def check_equal(lib_dept, lib_chapter, pd_dept, pd_chapter) -> float:
    worst = 0.0
    for table, series in ((lib_dept, pd_dept), (lib_chapter, pd_chapter)):
        ours = {r.group: r.score for r in table}
        theirs = series.to_dict()
        assert set(ours) == set(theirs), "different groups"
        worst = max(worst, max(abs(ours[k] - theirs[k]) for k in ours))
    assert worst < 1e-9, f"libaudit and pandas disagree by {worst}"
    return worst


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--departments", type=int, default=33_334)
    ap.add_argument("--items", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--db", default=str(ROOT / "build" / "bench" / "scoring_bench.db"))
    ap.add_argument("--regenerate", action="store_true")
    args = ap.parse_args()
    try:
        import pandas as pd
    except ImportError:
        print("scoring_bench: needs pandas (pip install pandas; it is in requirements-dev.txt)", file=sys.stderr)
        return 1
    path = Path(args.db)
    n = args.departments * args.items
    cycle = None
    if path.exists() and not args.regenerate:
        with libaudit.Store(path, create=False) as s:
            cycles = s.cycles()
            if cycles and s.response_count(cycles[0].id) == n and len(s.departments()) > args.departments:
                cycle = cycles[0].id
    if cycle is None:
        print(f"generating {n:,} responses into {path} (once) ...", file=sys.stderr, flush=True)
        cycle = generate(path, args.departments, args.items)

    lib_runs, pd_runs = [], []
    for _ in range(args.rounds):
        t, lib_dept, lib_chapter = run_libaudit(path, cycle)
        lib_runs.append(t)
        t, pd_dept, pd_chapter = run_pandas(path, cycle)
        pd_runs.append(t)
    worst = check_equal(lib_dept, lib_chapter, pd_dept, pd_chapter)
    lib = [min(r[k] for r in lib_runs) for k in range(3)]
    pdt = [min(r[k] for r in pd_runs) for k in range(3)]
    print(
        f"responses: {n:,} ({args.departments:,} 課 × {args.items} items), best of {args.rounds} alternating "
        f"rounds (load average {os.getloadavg()[0]:.1f}); 実施率 by 課 and by chapter; max difference {worst:.1e}"
    )
    print(f"{'':44}{'end to end':>12}{'read':>10}{'score':>10}")
    print(f"{'libaudit (scan_responses + scoring)':44}{lib[0]:>11.2f}s{lib[2]:>9.2f}s{lib[1]:>9.2f}s")
    print(f"{'pandas (read_sql + groupby)':44}{pdt[0]:>11.2f}s{pdt[2]:>9.2f}s{pdt[1]:>9.2f}s")
    print(f"{'ratio pandas / libaudit':44}{pdt[0] / lib[0]:>11.1f}x{pdt[2] / lib[2]:>9.1f}x{pdt[1] / lib[1]:>9.1f}x")
    print(
        f"(SQLite {sqlite3.sqlite_version}, pandas {pd.__version__}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
