"""Benchmark: export and import questionnaires (libaudit.exchange) for 100 課 × the 小牧市 checklist
(327 items, all applying: every 課 owns systems in all three tiers), against a named baseline in
the same run.

    PYTHONPATH=build/exchange/python python bench/exchange_bench.py [--departments 100 --rounds 2]

Baseline ("plain openpyxl"): openpyxl writing the same cells (the same 8 columns × 327 rows, one
workbook per 課) with no styles, drop-down, protection, instructions or identity sheet, and
reading them back with ``load_workbook(read_only=True)``; no checks, no store. libaudit's export
adds the applicability rule, carry-over, styles, data validation, protection and one
HMAC-SHA256 per row; its import adds the ZIP checks, identity and checksum verification, answer
validation, the per-file comparison with the store and the store's all-or-nothing write with its
trail. Best of --rounds, wall clock and CPU time. Results go to docs/performance.md ("Exchange").
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from openpyxl import Workbook, load_workbook

import libaudit
from libaudit import exchange

REPO = Path(__file__).resolve().parents[1]
CHECKLIST = REPO / "checklists" / "komaki" / "taisaku-kijun.yaml"
ACTOR = "bench"
LABELS = exchange.ANSWER_LABELS


def build_store(path: Path, n_departments: int, kind: str = "internal_audit"):
    s = libaudit.Store(path)
    s.set_body(ACTOR, "小牧市")
    depts = []
    for b in range((n_departments + 9) // 10):
        depts.append({"code": f"{b + 1:02d}", "name": f"第{b + 1}部"})
        for k in range(min(10, n_departments - 10 * b)):
            depts.append(
                {
                    "code": f"{b + 1:02d}{k + 1:02d}",
                    "name": f"第{b + 1}部第{k + 1}課",
                    "parent_code": f"{b + 1:02d}",
                    "security_manager": f"課長{b}{k}",
                }
            )
    s.import_departments(ACTOR, depts)
    s.import_systems(
        ACTOR,
        [
            {"name": f"{d['code']}-{t}", "department": d["code"], "tier": t, "important_assets": "true"}
            for d in depts
            if "parent_code" in d
            for t in ("mynumber", "lgwan", "internet")
        ],
    )
    cl = s.import_checklist(ACTOR, CHECKLIST)
    cycle = s.create_cycle(ACTOR, name="令和6年度 情報セキュリティ監査", kind=kind, fiscal_year=2024, checklist=cl)
    s.open_cycle(ACTOR, cycle)
    return s, cycle


def fill(folder: Path) -> int:
    """Answer every row of every workbook (as a 課 would, with openpyxl); not timed."""
    n = 0
    for k, p in enumerate(sorted(folder.glob("*.xlsx"))):
        wb = load_workbook(p)
        ws = wb[exchange.SHEET_QUESTIONS]
        for r, row in enumerate(ws.iter_rows(min_row=exchange.HEADER_ROW + 1), start=exchange.HEADER_ROW + 1):
            if row[7].value:
                row[4].value = LABELS[(r + k) % len(LABELS)]
                if (r + k) % 4 == 0:
                    row[5].value = "一部の業務で記録が残っていない。次年度に改善する。"
                n += 1
        wb.save(p)
    return n


def baseline_write(rows_by_dept, folder: Path) -> None:
    for code, rows in rows_by_dept.items():
        wb = Workbook()
        ws = wb.active
        ws.append([h for _, h, _ in exchange.COLUMNS])
        for r in rows:
            ws.append(
                [r.no, r.clause, r.question, r.roles, r.answer or None, r.comment or None, r.evidence or None, r.item]
            )
        wb.save(folder / f"{code}.xlsx")


def baseline_read(folder: Path) -> int:
    n = 0
    for p in sorted(folder.glob("*.xlsx")):
        wb = load_workbook(p, read_only=True, data_only=True)
        for row in wb.active.iter_rows(min_row=2, values_only=True):
            n += row[4] is not None
        wb.close()
    return n


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--departments", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="exchange-bench-"))
    try:
        results = {k: [] for k in ("export", "base_write", "import", "base_read", "reimport")}
        for rnd in range(args.rounds):
            d = tmp / f"r{rnd}"
            d.mkdir()
            s, cycle = build_store(d / "audit.db", args.departments)
            out, base = d / "out", d / "base"
            base.mkdir()
            # alternate which side goes first, so neither always gets the warm cache
            shared = exchange._Cycle(s, cycle)  # the baseline gets its rows ready-made
            rows_by_dept = {c: shared.rows(c) for c in s.cycle(cycle).departments}
            order = [
                ("export", partial(exchange.export_all, s, cycle, out)),
                ("base_write", partial(baseline_write, rows_by_dept, base)),
            ]
            for name, fn in order if rnd % 2 == 0 else order[::-1]:
                results[name].append(timed(fn)[:2])
            answered = fill(out)
            fill_base = {p.stem: p for p in base.glob("*.xlsx")}
            for p in fill_base.values():  # the baseline reads the same answers
                shutil.copy(out / next(q.name for q in out.glob(f"{p.stem}_*.xlsx")), p)
            order = [
                ("import", partial(exchange.import_files, s, cycle, [out], ACTOR)),
                ("base_read", partial(baseline_read, base)),
            ]
            for name, fn in order if rnd % 2 == 0 else order[::-1]:
                w, c, r = timed(fn)
                results[name].append((w, c))
                if name == "import":
                    assert r.inserted == answered, (r.inserted, answered)
            results["reimport"].append(timed(partial(exchange.import_files, s, cycle, [out], ACTOR))[:2])
            items = len(exchange._Cycle(s, cycle).rows(s.cycle(cycle).departments[0]))
            s.close()
        best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in results.items()}
        n = args.departments
        print(f"exchange: {n} workbooks × {items} items ({n * items:,} answers), best of {args.rounds} round(s)")
        print(f"{'':34}{'wall s':>9}{'cpu s':>9}{'ms/workbook':>13}")

        def line(label, key):
            w, c = best[key]
            print(f"{label:34}{w:9.2f}{c:9.2f}{1000 * w / n:13.1f}")

        line("export (libaudit.exchange)", "export")
        line("baseline: plain openpyxl write", "base_write")
        print(
            f"  ratio export / baseline: {best['export'][0] / best['base_write'][0]:.2f}× wall, "
            f"{best['export'][1] / best['base_write'][1]:.2f}× cpu"
        )
        line("import (check + store write)", "import")
        line("baseline: plain openpyxl read", "base_read")
        print(
            f"  ratio import / baseline: {best['import'][0] / best['base_read'][0]:.2f}× wall, "
            f"{best['import'][1] / best['base_read'][1]:.2f}× cpu"
        )
        line("re-import, nothing changes", "reimport")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
