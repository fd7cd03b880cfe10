"""Benchmark: a synthetic country — bodies × 課 × items × 年度 as parameters — through import,
scoring, the matrix and the many-body benchmark, with the strongest peer measured in the same run
where there is one.

    PYTHONPATH=build/py/python python bench/scale.py [--bodies 5 --departments 20 --items 100 --years 2]

Every body is one store (its own 課, a checklist of --items items whose items name items of one
synthetic model checklist through `model:` — most one, every 10th two, every 25th none —, one
self-inspection cycle per 年度 answered with a seeded mix). Measured:

* import, one call: every body's 課 in one store (a prefecture's), the first 年度's rows in one
  Store.import_responses call (validation and trail on). Peer: Python sqlite3 executemany of the
  same rows, department ids resolved and sorted, foreign keys off, one transaction, into the same
  schema (no validation, no trail).
* import, one per body: the same rows, one import per body into its own store (the sum).
* scoring: every body's last cycle read (CycleData) and scored by 課 and by chapter (the sum).
  Peer: pandas reading the same SQLite files and computing the same 実施率 (bench/scoring_bench.py's
  run_pandas; both sides' figures checked equal).
* matrix: the prefecture store's 課 × chapter matrix. No peer.
* benchmark: libaudit.benchmark over every body store on the model (in-process), and the
  `libaudit benchmark … --model-map -o x.csv` command (a subprocess, with its peak RSS). Its
  reference is the scoring row above (the same reads, done once per body).

Best of --rounds for the reads; imports once (a fresh store each). Figures: docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from libaudit.benchmark import benchmark
from scoring_bench import check_equal, run_pandas
from store_import import timed

import libaudit

ANSWERS = ["implemented", "partial", "not_implemented", "not_applicable", "unknown"]
WEIGHTS = [0.62, 0.15, 0.13, 0.06, 0.04]
KINDS = ["市", "町", "村"]


def model_yaml(n_items: int, chapters: int = 9) -> str:
    """A model checklist (kind: model) of n_items items M-c.1.k in `chapters` chapters."""
    lines = ["format: 1", "kind: model", "id: model", "title: 標準点検表（ベンチ）", 'version: "1"']
    lines += ["source: {document: model.txt, title: ガイドライン}", "sections:"]
    per = (n_items + chapters - 1) // chapters
    for c in range(1, chapters + 1):
        lines += [f"  - id: M-{c}", f'    clause: "{c}"', f"    title: 第{c}章", "    sections:"]
        lines += [f"      - id: M-{c}.1", f'        clause: "{c}.1"', "        title: 節", "        items:"]
        for k in range(1, per + 1):
            lines += [
                f"          - id: M-{c}.1.{k}",
                f'            clause: "{c}.1({k})"',
                f"            text: 職員は、対策{c}-{k}を実施しなければならない。",
                f"            question: 対策{c}-{k}を実施しているか。",
                "            roles: [staff]",
                "            basis: synthetic",
            ]
    return "\n".join(lines) + "\n"


def body_yaml(body: str, n_items: int, model_ids: list[str], chapters: int = 10) -> str:
    """A body checklist of n_items items; item j names model item j (mod the model), every 10th
    also the next one, every 25th none."""
    lines = ["format: 1", "id: body", f"title: {body}点検表", 'version: "1"', f"body: {body}"]
    lines += ["source: {document: body.txt, title: 対策基準}", "sections:"]
    per = (n_items + chapters - 1) // chapters
    j = 0
    for c in range(1, chapters + 1):
        if j >= n_items:
            break
        lines += [f'  - id: "{c}"', f'    clause: "{c}"', f"    title: 章{c}", "    items:"]
        for _ in range(per):
            if j >= n_items:
                break
            ids = [model_ids[j % len(model_ids)]] + ([model_ids[(j + 1) % len(model_ids)]] if j % 10 == 9 else [])
            lines += [
                f'      - id: "{c}.{j + 1}"',
                f'        clause: "{c}({j + 1})"',
                f"        text: 職員は、項目{j + 1}を実施しなければならない。",
                f"        question: 項目{j + 1}を実施しているか。",
                "        roles: [staff]",
            ]
            if j % 25 != 24:
                lines.append(f"        model: [{', '.join(ids)}]")
            j += 1
    return "\n".join(lines) + "\n"


def make_store(path: Path, body: str, codes: list[str], checklist: libaudit.Checklist, years: int) -> list[int]:
    """A store with 課 `codes` (under 部 of 20) and one open cycle per 年度; returns the cycle ids."""
    store = libaudit.Store(path)
    store.set_body("bench", body)
    parents = sorted({f"{c[:-3]}B{int(c[-3:]) // 20:02d}" for c in codes})
    rows = [{"code": p, "name": f"部{p}"} for p in parents]
    rows += [{"code": c, "name": f"課{c}", "parent_code": f"{c[:-3]}B{int(c[-3:]) // 20:02d}"} for c in codes]
    store.import_departments("bench", rows)
    cl = store.import_checklist("bench", checklist)
    cycles = []
    for y in range(years):
        cycle = store.create_cycle(
            "bench",
            name=f"{2025 - years + 1 + y}年度",
            kind="self_inspection",
            fiscal_year=2025 - years + 1 + y,
            checklist=cl,
        )
        store.open_cycle("bench", cycle)
        cycles.append(cycle)
    store.close()
    return cycles


def answers(rng: random.Random, codes: list[str], items: list[str]) -> list[tuple[str, str, str]]:
    return [(c, i, a) for c in codes for i, a in zip(items, rng.choices(ANSWERS, WEIGHTS, k=len(items)))]


def peer_import(path: Path, cycle: int, rows: list[tuple[str, str, str]]) -> float:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("PRAGMA cache_size = -65536")
    ids = dict(con.execute("SELECT code, id FROM departments"))
    prepared = sorted((cycle, ids[d], i, a, "", "", "bench", "2025-06-01T00:00:00.000000Z") for d, i, a in rows)

    def insert() -> None:
        con.execute("BEGIN IMMEDIATE")
        con.executemany(
            "INSERT INTO responses(cycle, department, item_id, answer, comment, evidence, answered_by, answered_at) "
            "VALUES (?,?,?,?,?,?,?,?)",
            prepared,
        )
        con.execute("COMMIT")

    _, wall, _ = timed(insert)
    con.close()
    return wall


def best(fn, rounds: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(rounds):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def line(name: str, seconds: float, n: int, peer: float | None = None, peer_name: str = "") -> None:
    rate = f"{n / seconds / 1e6:8.2f} M responses/s" if n else " " * 22
    ratio = f"   {peer_name} {peer:8.3f} s  ratio {seconds / peer:5.2f}×" if peer else "   (no peer)"
    print(f"{name:<34} {seconds:9.3f} s  {rate}{ratio}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bodies", type=int, default=5)
    ap.add_argument("--departments", type=int, default=20, help="課 per body")
    ap.add_argument("--items", type=int, default=100, help="items per body checklist")
    ap.add_argument("--model-items", type=int, default=90)
    ap.add_argument("--years", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--dir", default=None, help="where to put the stores (default: a temporary directory)")
    args = ap.parse_args()
    per_year = args.bodies * args.departments * args.items
    print(
        f"scale: {args.bodies} bodies × {args.departments} 課 × {args.items} items × {args.years} 年度 = "
        f"{per_year * args.years:,} responses ({per_year:,} a year)",
        flush=True,
    )
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        work = Path(tmp)
        model_path = work / "model.yaml"
        model_path.write_text(model_yaml(args.model_items), encoding="utf-8")
        model = libaudit.Checklist.load(str(model_path))
        model_ids = [i.id for i in model.items]
        rng = random.Random(args.seed)
        names = [f"第{b + 1}{KINDS[b % 3]}" for b in range(args.bodies)]
        lists = [libaudit.Checklist.from_yaml(body_yaml(n, args.items, model_ids), f"{n}.yaml") for n in names]
        codes = [[f"T{b:04d}K{k:03d}" for k in range(args.departments)] for b in range(args.bodies)]
        items = [i.id for i in lists[0].items]
        first = [answers(rng, c, items) for c in codes]

        # Import: one call into the prefecture's store, its peer, and one call per body.
        everyone = [c for cs in codes for c in cs]
        (pref_cycle, *_) = make_store(work / "pref.db", "ベンチ県", everyone, lists[0], 1)
        rows = [r for rs in first for r in rs]
        with libaudit.Store(work / "pref.db", create=False) as store:
            _, one_call, _ = timed(lambda: store.import_responses("bench", pref_cycle, rows))
        (peer_cycle, *_) = make_store(work / "peer.db", "ベンチ県", everyone, lists[0], 1)
        peer = peer_import(work / "peer.db", peer_cycle, rows)
        paths, cycles, per_body = [], [], 0.0
        for b, name in enumerate(names):
            path = work / f"body{b}.db"
            ids = make_store(path, name, codes[b], lists[b], args.years)
            with libaudit.Store(path, create=False) as store:
                _, wall, _ = timed(lambda s=store, c=ids[0], r=first[b]: s.import_responses("bench", c, r))
                per_body += wall
                for later in ids[1:]:
                    store.import_responses("bench", later, answers(rng, codes[b], items))
            paths.append(path)
            cycles.append(ids[-1])
        line("import, one call", one_call, per_year, peer, "sqlite3 executemany")
        line(f"import, one per body ({args.bodies})", per_body, per_year, one_call, "one call")

        # Scoring: every body's last cycle, by 課 and chapter; peer pandas on the same files.
        def ours() -> list:
            out = []
            for path, cycle in zip(paths, cycles):
                with libaudit.Store(path, create=False, read_only=True) as store:
                    data = store.scoring_data(cycle)
                    out.append((data.score("rate", "department"), data.score("rate", "chapter")))
            return out

        def theirs() -> list:
            return [run_pandas(path, cycle)[1:] for path, cycle in zip(paths, cycles)]

        t_ours, lib = best(ours, args.rounds)
        t_pandas, pd_res = best(theirs, args.rounds)
        for (ld, lc), (pdd, pdc) in zip(lib, pd_res):  # type: ignore[arg-type]
            check_equal(ld, lc, pdd, pdc)
        line("scoring (課 + chapter, every body)", t_ours, per_year, t_pandas, "pandas")

        with libaudit.Store(work / "pref.db", create=False, read_only=True) as store:
            data = store.scoring_data(pref_cycle)
            t_matrix, matrix = best(lambda: data.matrix("rate"), args.rounds)
        line(f"matrix ({len(everyone)} 課 × chapters)", t_matrix, per_year)

        def in_process() -> object:
            stores = [libaudit.Store(p, create=False, read_only=True) for p in paths]
            try:
                return benchmark(stores, cycles, model=model).view()
            finally:
                for s in stores:
                    s.close()

        t_bench, view = best(in_process, args.rounds)
        line("benchmark (in-process)", t_bench, per_year, t_ours, "scoring")
        assert len(view["bodies"]) == args.bodies  # type: ignore[index]
        command = [sys.executable, "-m", "libaudit", "benchmark", *map(str, paths), "--cycle-year", "2025"]
        command += ["--model-map", str(model_path), "-o", str(work / "b.csv")]
        t_cli, _ = best(lambda: subprocess.run(command, check=True, capture_output=True), args.rounds)
        line("benchmark command (-o b.csv)", t_cli, per_year, t_ours, "scoring")
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS: this process {own:.0f} MiB; the benchmark command {child:.0f} MiB", flush=True)
        size = sum(os.path.getsize(p) for p in paths)
        print(f"body stores: {size / 2**20:.1f} MiB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
