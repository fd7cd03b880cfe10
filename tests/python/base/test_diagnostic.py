"""A problem printed with its place: ``file:line:column: message`` for a file, the message alone
for a pseudo-source (``<options>``) or none, in Python and from the command line."""

from __future__ import annotations

from pathlib import Path

from conftest import KOMAKI, run_cli
from libaudit.errors import Diagnostic

import libaudit


def test_a_file_is_located_and_a_pseudo_source_is_not() -> None:
    assert str(Diagnostic("dir/people.csv", 3, 1, "bad role")) == "dir/people.csv:3:1: bad role"
    assert str(Diagnostic("<options>", 1, 1, "bad option")) == "bad option"
    assert str(Diagnostic("", 1, 1, "bad move")) == "bad move"


def test_the_command_line_prints_no_pseudo_location(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with libaudit.Store(db) as s:
        s.import_departments_csv("渡辺", _departments(tmp_path))
        cycle = s.create_cycle(
            "渡辺",
            name="令和7年度 自己点検",
            kind="self_inspection",
            fiscal_year=2025,
            checklist=s.import_checklist("渡辺", libaudit.Checklist.load(KOMAKI)),
        )
    # The audit report of a self-inspection is refused by the core with a pseudo-source.
    done = run_cli("report", "audit", str(db), "--cycle", str(cycle), "-o", str(tmp_path / "x.html"))
    assert done.returncode == 1
    assert "<options>" not in done.stderr and ":1:1:" not in done.stderr


def _departments(folder: Path) -> Path:
    path = folder / "departments.csv"
    path.write_text("code,name\n2030,情報政策課\n", encoding="utf-8")
    return path
