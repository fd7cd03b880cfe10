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


def main() -> int:
    print(f"libaudit {libaudit.__version__} demo")
    step_checklists()
    print()
    print("demo: done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
