"""Benchmark: the same responses imported into one store in N pieces (one Store.import_responses
call per piece, as a prefecture importing its municipalities one by one) against one import of
all of them, each into a fresh store, validation and trail on.

    PYTHONPATH=build/py/python python bench/import_pieces.py [--departments 4000 --items 1000 --pieces 40]

A piece is a run of whole 課 (--split departments, the default: one body's 課 after another) or
a run of items of every 課 (--split items: every piece reaches into every 課 the cycle holds).
Prints both times, their ratio and the time of the first and the last few pieces (a piece that
rescans what is stored grows with the pieces before it). After the pieces the store is verified
(not timed) and its responses compared with the one-import store's. Figures: docs/performance.md,
"Import in pieces".
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from store_import import ANSWERS, checklist_yaml, prepare, timed

import libaudit


def pieces_of(rows: list, depts: list[str], items: list[str], n: int, split: str) -> list[list]:
    if split == "departments":
        per = -(-len(depts) // n)
        group = {d: k // per for k, d in enumerate(depts)}
        out: list[list] = [[] for _ in range(n)]
        for r in rows:
            out[group[r[0]]].append(r)
        return out
    per = -(-len(items) // n)
    rank = {it: k // per for k, it in enumerate(items)}
    out = [[] for _ in range(n)]
    for r in rows:
        out[rank[r[1]]].append(r)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--departments", type=int, default=4000)
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--pieces", type=int, default=40)
    ap.add_argument("--split", choices=["departments", "items"], default="departments")
    ap.add_argument("--no-verify", action="store_true", help="skip the (untimed) verify and comparison")
    ap.add_argument("--dir", default=None, help="where to put the databases (default: a temporary directory)")
    args = ap.parse_args()
    depts = [f"K{k:05d}" for k in range(args.departments)]
    items = [i.id for i in libaudit.Checklist.from_yaml(checklist_yaml(args.items), "bench.yaml").items]
    rows = [(d, it, ANSWERS[(i + j) % 5], "", "") for i, d in enumerate(depts) for j, it in enumerate(items)]
    n = len(rows)
    parts = pieces_of(rows, depts, items, args.pieces, args.split)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        one, cycle, _, _ = prepare(os.path.join(tmp, "one.db"), args.departments, args.items)
        _, one_wall, _ = timed(lambda: one.import_responses("bench", cycle, rows))
        many, cycle_m, _, _ = prepare(os.path.join(tmp, "many.db"), args.departments, args.items)
        times = []
        for part in parts:
            _, wall, _ = timed(lambda part=part: many.import_responses("bench", cycle_m, part))
            times.append(wall)
        if not args.no_verify:
            report = many.verify()
            assert report.ok, report.problems[:5]
            key = lambda r: (r.department, r.item, r.answer, r.comment, r.evidence)  # noqa: E731
            assert [key(r) for r in one.responses(cycle)] == [key(r) for r in many.responses(cycle_m)]
        one.close()
        many.close()
    k = min(3, len(times))
    print(f"responses: {n:,} ({args.departments:,} 課 × {args.items:,} items), split by {args.split}")
    print(f"one import:            {one_wall:8.2f} s  ({n / one_wall:,.0f} resp/s)")
    print(f"{args.pieces} pieces:  {sum(times):17.2f} s  ({n / sum(times):,.0f} resp/s)")
    print(f"ratio pieces / one:    {sum(times) / one_wall:8.2f}x")
    print(
        f"first {k} pieces: {' '.join(f'{t:.3f}' for t in times[:k])} s; last {k}: "
        f"{' '.join(f'{t:.3f}' for t in times[-k:])} s"
    )
    print(f"(load average {load:.1f} before, {os.getloadavg()[0]:.1f} after; {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
