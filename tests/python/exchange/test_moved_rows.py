"""A deleted, copied or inserted row of a returned questionnaire (issue 15): one problem naming
the item, not one per row after it; the import stays all or nothing; the CLI prints it once."""

from __future__ import annotations

import csv
import io

import pytest
from _store_util import ACTOR, DEPARTMENTS_CSV, big_checklist_yaml, write
from libaudit.cli import main as cli
from libaudit.errors import QuestionnaireError
from openpyxl import load_workbook

import libaudit
from libaudit import Store, exchange

N = 120  # items: a deleted row near the top once gave about this many problems


@pytest.fixture
def env(tmp_path):
    s = Store(tmp_path / "q.db")
    s.import_departments_csv(ACTOR, write(tmp_path / "departments.csv", DEPARTMENTS_CSV))
    cl = s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(big_checklist_yaml(N, 40), "big.yaml"))
    cycle = s.create_cycle(ACTOR, name="令和6年度 自己点検", kind="self_inspection", fiscal_year=2024, checklist=cl)
    s.open_cycle(ACTOR, cycle)
    yield s, cycle, tmp_path
    s.close()


def refused_once(s: Store, cycle: int, path, needle: str) -> QuestionnaireError:
    before = (len(s.trail()), [tuple(r.__dict__.values()) for r in s.responses(cycle)])
    with pytest.raises(QuestionnaireError) as e:
        exchange.import_files(s, cycle, [path], actor=ACTOR)
    assert (len(s.trail()), [tuple(r.__dict__.values()) for r in s.responses(cycle)]) == before
    assert [p.message for p in e.value.problems if needle in p.message] == [p.message for p in e.value.problems]
    assert len(e.value.problems) == 1, e.value.problems
    return e.value


def csv_rows(path):
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline="")))


def write_csv(path, rows):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_text(buf.getvalue(), "utf-8-sig")


def test_csv_deleted_row_is_one_problem(env):
    s, cycle, tmp = env
    p = exchange.export_csv(s, cycle, "101", tmp / "101.csv")
    rows = csv_rows(p)
    rows[1][5] = "実施している"
    item = rows[3][8].removeprefix('="').removesuffix('"')  # number-like ids are written ="1.3"
    del rows[3]  # 番号 3
    write_csv(p, rows)
    e = refused_once(s, cycle, p, f"the row of item {item} (番号 3) is missing: it was deleted")
    assert e.problems[0].file == str(p)
    assert "nothing was imported: 1 problem in 1 file" in str(e)


def test_csv_copied_and_inserted_rows(env):
    s, cycle, tmp = env
    p = exchange.export_csv(s, cycle, "101", tmp / "101.csv")
    rows = csv_rows(p)
    write_csv(p, rows[:5] + [rows[2]] + rows[5:])  # 番号 2 copied below 番号 4
    refused_once(s, cycle, p, "(番号 2) is also on line 3: a row was copied; delete the copy")
    write_csv(p, rows[:5] + [["", "", "", "追加", "", "実施している"] + [""] * 7] + rows[5:])  # a row typed in
    refused_once(s, cycle, p, "this row names another cycle, department or 項目数 than the first row")
    write_csv(p, [rows[0]] + rows[1:][::-1])  # rows sorted another way: each row is still itself
    assert exchange.import_files(s, cycle, [p], actor=ACTOR, dry_run=True).files[0].blank == N


def test_xlsx_deleted_copied_and_inserted_rows(env):
    s, cycle, tmp = env
    p = exchange.export_workbook(s, cycle, "101", tmp / "101.xlsx")
    wb = load_workbook(p)
    ws = wb[exchange.SHEET_QUESTIONS]
    first = exchange.HEADER_ROW + 2  # below the first chapter's heading row
    item = ws.cell(first + 1, 8).value
    ws.delete_rows(first + 1)
    wb.save(tmp / "deleted.xlsx")
    refused_once(s, cycle, tmp / "deleted.xlsx", f"the row of item {item} is missing (row {first + 1} of the exported")
    # A row inserted pushes the last one out of the exported grid: one problem too.
    wb = load_workbook(p)
    wb[exchange.SHEET_QUESTIONS].insert_rows(first)
    wb.save(tmp / "inserted.xlsx")
    refused_once(s, cycle, tmp / "inserted.xlsx", "a cell outside the questionnaire holds data")
    # A row copied over the next one.
    wb = load_workbook(p)
    ws = wb[exchange.SHEET_QUESTIONS]
    for c in range(1, 9):
        ws.cell(first + 1, c).value = ws.cell(first, c).value
    wb.save(tmp / "copied.xlsx")
    refused_once(s, cycle, tmp / "copied.xlsx", "but this row was exported for item")


def test_cli_prints_the_deleted_row_once_with_the_path_as_given(env, capsys, monkeypatch):
    s, cycle, tmp = env
    folder = tmp / "回収" / "総務部"
    folder.mkdir(parents=True)
    p = exchange.export_csv(s, cycle, "101", folder / "101.csv")
    rows = csv_rows(p)
    del rows[10]
    write_csv(p, rows)
    db = s.path
    s.close()
    monkeypatch.chdir(tmp)
    assert cli(["responses", "import", db, "--cycle", str(cycle), "回収", "--as", ACTOR]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("libaudit: nothing was imported: 1 problem in 1 file")
    assert err[1].startswith("回収/総務部/101.csv: the row of item ")
    assert err[2:] == ["files:", "  回収/総務部/101.csv: refused — " + err[1].split(": ", 1)[1]]


def test_the_count_names_one_file_for_one_file(env):
    s, cycle, tmp = env
    p = exchange.export_csv(s, cycle, "101", tmp / "101.csv")
    rows = csv_rows(p)
    del rows[5]
    write_csv(p, rows)
    s.close_cycle(ACTOR, cycle)  # a problem of the cycle, in no file
    with pytest.raises(QuestionnaireError) as e:
        exchange.import_files(s, cycle, [p], actor=ACTOR)
    assert e.value.args[0] == "nothing was imported: 2 problems in 1 file"  # was "2 problem(s) in 2 file(s)"
