"""Benchmark: the committee report for 100 課 × 300 items with two years of history, and all
100 department sheets, rendered to HTML, against named baselines measured in the same run:

* scoring alone: read the cycle (CycleData) and score it by 課, 部 and chapter, plus the matrix;
* json.dumps of the same view model (the committee report's data, no template, no charts).

    PYTHONPATH=build/report/python python bench/report_bench.py [--departments 100 --items 300]

Best of --rounds. Targets: committee report < 0.5 s, all sheets < 3 s. Results: docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import libaudit

ANSWERS = ["implemented", "partial", "not_implemented", "not_applicable", "unknown"]
WEIGHTS = [0.62, 0.15, 0.13, 0.06, 0.04]


def checklist_yaml(n_items: int, chapters: int = 10) -> str:
    lines = [
        "format: 1",
        "id: bench-report",
        "title: 報告書ベンチマーク点検表",
        'version: "1"',
        "body: ベンチ市",
        "source: {document: bench.txt, title: ベンチマーク基準}",
        "sections:",
    ]
    per = (n_items + chapters - 1) // chapters
    for c in range(chapters):
        lines += [f'  - id: "{c + 1}"', f'    clause: "{c + 1}"', f"    title: 第{c + 1}章の対策", "    items:"]
        for k in range(c * per, min(n_items, (c + 1) * per)):
            lines += [
                f'      - id: "{c + 1}.{k + 1}"',
                f'        clause: "{c + 1}({k + 1})"',
                f"        text: 職員は、対策{k + 1}を実施しなければならない。",
                f"        question: 対策{k + 1}を実施しているか。",
                "        roles: [staff]",
            ]
    return "\n".join(lines) + "\n"


def generate(path: Path, n_depts: int, n_items: int) -> tuple:
    rng = random.Random(11)
    with libaudit.Store(path) as store:
        store.set_body("bench", "ベンチ市")
        n_bu = max(1, n_depts // 5)
        rows = [{"code": f"B{b:03d}", "name": f"第{b + 1}部"} for b in range(n_bu)]
        rows += [
            {
                "code": f"K{k:04d}",
                "name": f"第{k + 1}課",
                "parent_code": f"B{k % n_bu:03d}",
                "security_manager": f"課長{k}",
            }
            for k in range(n_depts)
        ]
        store.import_departments("bench", rows)
        checklist = libaudit.Checklist.from_yaml(checklist_yaml(n_items), "bench.yaml")
        cl = store.import_checklist("bench", checklist)
        items = [i.id for i in checklist.items]
        cycles = []
        for year in (2023, 2024):
            c = store.create_cycle(
                "bench", name=f"{year}年度 自己点検", kind="self_inspection", fiscal_year=year, checklist=cl
            )
            store.open_cycle("bench", c)
            batch = []
            for k in range(n_depts):
                for item, a in zip(items, rng.choices(ANSWERS, WEIGHTS, k=n_items)):
                    batch.append((f"K{k:04d}", item, a, "担当者不在のため未確認" if a == "unknown" else ""))
            store.import_responses("bench", c, batch)
            store.close_cycle("bench", c)
            cycles.append(c)
    return tuple(cycles)


def best(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--departments", type=int, default=100)
    ap.add_argument("--items", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        before, after = generate(db, args.departments, args.items)
        store = libaudit.Store(db, create=False)

        def scoring_alone():
            data = store.scoring_data(after)
            data.score("rate", "department"), data.score("rate", "parent"), data.score("rate", "chapter")
            data.matrix("rate")

        def committee():
            libaudit.Reporter(store, after, compare=before).render("committee", "html")

        view = libaudit.Reporter(store, after, compare=before).view("committee")

        def dumps():
            json.dumps(view, ensure_ascii=False)

        def sheets():
            r = libaudit.Reporter(store, after, compare=before)
            for code in r.departments():
                r.render("department", "html", code)

        t_score, t_dumps = best(scoring_alone, args.rounds), best(dumps, args.rounds)
        t_comm, t_sheets = best(committee, args.rounds), best(sheets, args.rounds)
        size = len(libaudit.Reporter(store, after, compare=before).render("committee", "html").encode())
        store.close()
    n = f"{args.departments} 課 × {args.items} items, 2 years"
    print(f"report bench: {n} (best of {args.rounds})")
    print(f"  baseline scoring alone (load + 課/部/chapter + matrix): {t_score * 1000:8.1f} ms")
    print(f"  baseline json.dumps of the committee view model:       {t_dumps * 1000:8.1f} ms")
    print(
        f"  committee report, HTML end to end ({size / 1024:.0f} KiB):         {t_comm * 1000:8.1f} ms"
        f"  = {t_comm / t_score:.1f}× scoring alone  (target < 500 ms)"
    )
    print(
        f"  all {args.departments} department sheets, HTML:                 {t_sheets * 1000:8.1f} ms"
        f"  = {t_sheets / args.departments * 1000:.1f} ms/sheet  (target < 3000 ms)"
    )
    ok = t_comm < 0.5 and t_sheets < 3.0
    print("  targets met" if ok else "  TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
