"""`make demo`: a tour of libaudit on the bundled data.

Each step prints what an audit team would look at. Steps are added as capabilities land
(checklists today; the store, scores, findings and reports as they come).
"""
from __future__ import annotations

import sys
from pathlib import Path

import libaudit
from libaudit.cli.checklist import render_summary, summary
from libaudit.table import format_table

REPO = Path(__file__).resolve().parents[1]
CHECKLISTS = REPO / "checklists"
OUT = REPO / "out" / "demo"


def heading(title: str) -> None:
    print()
    print(title)
    print("=" * libaudit.display_width(title))


def step_checklists() -> list:
    """Load every checklist under checklists/ and summarise each."""
    heading("点検表 (checklists)")
    loaded = []
    for path in sorted(CHECKLISTS.rglob("*.yaml")):
        c = libaudit.Checklist.load(path)
        loaded.append((path, c))
    print(
        format_table(
            ["団体", "点検表", "版", "章", "項目数", "ファイル"],
            [
                (c.body, c.title, c.version, len(c.sections), len(c), p.relative_to(REPO).as_posix())
                for p, c in loaded
            ],
            "<<<>><",
        )
    )
    for path, c in loaded:
        print()
        print(render_summary(summary(c)))
    return loaded


def step_questionnaires() -> None:
    """The yearly exchange with the 課 (libaudit.exchange, docs/exchange.md): export each 課's
    workbook for a new cycle with last year's answers carried over, fill them in as the 課
    would, and import them all in one go."""
    import random
    import shutil

    from openpyxl import load_workbook

    from libaudit import exchange
    from libaudit.demo import build_demo_store

    heading("点検票の配布と回収 (questionnaires out, answers in)")
    folder = OUT / "questionnaires"
    shutil.rmtree(folder, ignore_errors=True)
    info = build_demo_store(folder / "exchange.db", CHECKLISTS / "komaki" / "taisaku-kijun.yaml")
    with libaudit.Store(folder / "exchange.db") as store:
        last = info["cycles"][2025]["id"]
        cycle = store.create_cycle("情報政策課", name="令和8年度 情報セキュリティ自己点検", kind="self_inspection",
                                   fiscal_year=2026, checklist=info["checklist"])
        store.open_cycle("情報政策課", cycle)
        paths = exchange.export_all(store, cycle, folder / "out", carry_over_from=last, deadline="2026-06-30",
                                    contact="総務部 情報政策課 内線 2301")
        print(f"exported {len(paths)} workbooks to {(folder / 'out').relative_to(REPO)} "
              f"(last year's answers pre-filled; e.g. {paths[0].name})")
        # Each 課 reviews its workbook: most answers stand, some improve, a few are left blank.
        rng = random.Random(2026)
        returned = folder / "returned"
        returned.mkdir()
        for p in paths:
            wb = load_workbook(p)
            ws = wb[exchange.SHEET_QUESTIONS]
            for row in ws.iter_rows(min_row=exchange.HEADER_ROW + 1):
                if not row[7].value:
                    continue
                x = rng.random()
                if x < 0.03:
                    row[4].value = row[5].value = row[6].value = None   # not answered yet
                elif x < 0.15 and row[4].value in ("一部実施している", "実施していない", "わからない"):
                    row[4].value = "実施している"
                    row[5].value = "令和8年度に手順を整備し、実施した。"
                elif not row[4].value:
                    row[4].value = "わからない"
            wb.save(returned / p.name)
        result = exchange.import_files(store, cycle, [returned], actor="情報政策課 渡辺")
        shown = exchange.ImportSummary(result.cycle, result.files[:5], result.dry_run)
        print(shown.table().rsplit("\n", 1)[0])
        print(f"… {len(result.files)} files: {result.answered:,} answers, {result.inserted:,} written in one "
              f"transaction; {sum(f.blank for f in result.files)} left blank")
        again = exchange.import_files(store, cycle, [returned], actor="情報政策課 渡辺")
        print(f"the same folder again: {again.changed} changes")


def main() -> int:
    print(f"libaudit {libaudit.__version__} demo")
    step_checklists()
    step_questionnaires()
    print()
    print("demo: done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
