"""Returned files as an attacker or a careless 課 sends them (tests/hostile/corpus.py): each is
refused with one located problem, or read as the person meant, and nothing is written."""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

import pytest
from _lang import speaking
from _store_util import ACTOR, ready_store
from libaudit.cli import main as cli_main
from libaudit.errors import QuestionnaireError
from openpyxl import load_workbook

import libaudit
from libaudit import Store, exchange

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "hostile"))
import corpus

Q = exchange.SHEET_QUESTIONS
FIRST = exchange.HEADER_ROW + 2  # the first question row (a chapter row comes before it)


@pytest.fixture
def env(tmp_path):
    s, cycle = ready_store(tmp_path / "audit.db", tmp_path)
    yield s, cycle, tmp_path
    s.close()


def answered(s: Store, cycle: int, dept: str, path: Path, comment: str = "") -> bytes:
    """An exported workbook with every question answered, as its 課 would return it."""
    exchange.export_workbook(s, cycle, dept, path)
    wb = load_workbook(path)
    ws = wb[Q]
    for r in range(FIRST, ws.max_row + 1):
        if ws.cell(r, 8).value:
            ws.cell(r, 5).value = "実施している"
            if comment:
                ws.cell(r, 6).value = comment
    wb.save(path)
    return path.read_bytes()


def state(s: Store, cycle: int) -> tuple[int, list[tuple[object, ...]]]:
    return len(s.trail()), [tuple(r.__dict__.values()) for r in s.responses(cycle)]


def refused(s: Store, cycle: int, paths: list[Path]) -> QuestionnaireError:
    before = state(s, cycle)
    with pytest.raises(QuestionnaireError) as e:
        exchange.import_files(s, cycle, paths, actor=ACTOR)
    assert state(s, cycle) == before
    return e.value


@pytest.mark.parametrize(
    "case, where, needle",
    [
        ("xfd-every-row-valued.xlsx", f"{Q}!XFD1", "a cell outside the questionnaire holds data ('x')"),
        ("thousand-extra-rows.xlsx", f"{Q}!A10", "a cell outside the questionnaire holds data"),
        ("beyond-answer-columns.xlsx", f"{Q}!I{FIRST}", "rows 1–9 and columns A–H"),
        ("million-empty-rows.xlsx", Q, "holds more than 250,000 XML elements"),
        ("xxe-questions.xlsx", Q, "declares a DTD or entities"),
        ("xxe-identity.xlsx", exchange.SHEET_ID, "declares a DTD or entities"),
        ("laughs-questions.xlsx", Q, "declares a DTD or entities"),
        ("laughs-identity.xlsx", exchange.SHEET_ID, "declares a DTD or entities"),
        ("macro-renamed.xlsx", "", "a macro workbook (.xlsm): macro workbooks are not accepted"),
        ("spreadsheet.ods", "", "an OpenDocument spreadsheet (.ods) is not read"),
        ("old.xls", "", "an Excel 97-2003 workbook (.xls)"),
    ],
)
def test_hostile_workbook_is_refused_with_one_located_problem(env, case, where, needle):
    s, cycle, tmp = env
    good = answered(s, cycle, "102", tmp / "good.xlsx")
    path = tmp / case
    path.write_bytes(corpus.cases(good, FIRST)[case])
    e = refused(s, cycle, [path])
    assert len(e.problems) == 1, e.problems
    p = e.problems[0]
    assert p.file == str(path) and p.where == where and needle in p.message, p
    assert [str(o) for o in e.outcomes] == [f"{path}: refused — {p.message}"]


def test_empty_cells_in_column_xfd_cost_nothing(env):
    """Empty cells far right and a dimension of A1:XFD…: the 16,384-column grid is never built."""
    s, cycle, tmp = env
    good = answered(s, cycle, "102", tmp / "good.xlsx")
    path = tmp / "xfd.xlsx"
    path.write_bytes(corpus.xfd_every_row(good))
    result = exchange.import_files(s, cycle, [path], actor=ACTOR)
    assert result.files[0].answered == result.inserted > 0


def test_identity_pasted_from_another_department_names_both(env):
    """102 and 201 have the same items; 102's hidden identity pasted into 201's workbook."""
    s, cycle, tmp = env
    donor = answered(s, cycle, "102", tmp / "102.xlsx")
    target = answered(s, cycle, "201", tmp / "201.xlsx")
    assert [r.item for r in exchange._Cycle(s, cycle).rows("102")] == [
        r.item for r in exchange._Cycle(s, cycle).rows("201")
    ]
    path = tmp / "pasted.xlsx"
    path.write_bytes(corpus.identity_of(donor, target))
    e = refused(s, cycle, [path])
    text = str(e)
    assert "identity is for department 102 人事課" in text and "201 市民課" in text, text
    assert f"{exchange.SHEET_INFO}: " in text or f"{Q}: " in text


def test_header_edited_to_another_department_is_refused(env):
    s, cycle, tmp = env
    answered(s, cycle, "201", tmp / "201.xlsx")
    wb = load_workbook(tmp / "201.xlsx")
    wb[exchange.SHEET_INFO]["B7"] = "102 人事課"
    wb.save(tmp / "201.xlsx")
    e = refused(s, cycle, [tmp / "201.xlsx"])
    assert "記入方法!B7 shows '102 人事課' where it was exported with '201 市民課'" in str(e)


@pytest.mark.parametrize(
    "case, cached, kept",
    [("typed", "#NAME?", "=今後対応予定"), ("no cached value", None, "=今後対応予定")],
)
def test_comment_typed_as_formula_is_kept_with_a_warning(env, case, cached, kept):
    s, cycle, tmp = env
    good = answered(s, cycle, "102", tmp / "good.xlsx")
    path = tmp / "formula.xlsx"
    path.write_bytes(corpus.formula(good, f"F{FIRST}", "今後対応予定", cached))
    result = exchange.import_files(s, cycle, [path], actor=ACTOR)
    assert [w.where for w in result.warnings] == [f"{Q}!F{FIRST}"]
    assert result.warnings[0].message.startswith("the cell holds a formula; it is kept as the text typed")
    first = load_workbook(path)[Q].cell(FIRST, 8).value
    stored = {r.item: r.comment for r in s.responses(cycle) if r.department == "102"}
    assert stored[first] == kept


def test_csv_export_neutralises_formula_prefixes_and_reads_them_back(env):
    """A comment '=cmd|…' would run when Excel opens the CSV: it is written as text ('=cmd…) and
    read back as typed."""
    s, cycle, tmp = env
    rows = exchange._Cycle(s, cycle).rows("102")
    s.import_responses(ACTOR, cycle, [("102", r.item, "partial", c) for r, c in zip(rows, corpus.FORMULA_COMMENTS)])
    path = exchange.export_csv(s, cycle, "102", tmp / "102.csv")
    records = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    col = [h for _, h in exchange.CSV_COLUMNS].index("備考")
    written = [r[col] for r in records[1 : len(corpus.FORMULA_COMMENTS) + 1]]
    assert written == ["'" + c for c in corpus.FORMULA_COMMENTS[: len(rows)]]
    # No text field starts a formula; the identity fields are written ="…" on purpose (text to Excel).
    assert all(not w or w[0] not in "=+-@\t\r" for r in records[1:] for w in r[:-5])
    assert all(r[-5].startswith('="') for r in records[1:])
    before = state(s, cycle)
    exchange.import_files(s, cycle, [path], actor=ACTOR)
    stored = {r.item: r.comment for r in s.responses(cycle) if r.department == "102"}
    assert [stored[row.item] for row in rows[: len(corpus.FORMULA_COMMENTS)]] == corpus.FORMULA_COMMENTS[: len(rows)]
    assert state(s, cycle)[1] == before[1]  # read back unchanged


def test_a_million_bad_csv_lines_give_a_bounded_list(env):
    """Each bad line was one problem: a 3 MB file gave a million lines, 12 s and 1.3 GB."""
    s, cycle, tmp = env
    path = exchange.export_csv(s, cycle, "102", tmp / "102.csv")
    path.write_bytes(corpus.junk_lines(path.read_bytes(), 1_000_000))
    e = refused(s, cycle, [path])
    assert len(e.problems) == 101, len(e.problems)
    assert "stopped after 100 problems: the rest of the file was not read" in e.problems[-1].message


def test_folder_lists_every_file_with_its_outcome_and_writes_nothing(env, capsys):
    s, cycle, tmp = env
    folder = tmp / "returned"
    folder.mkdir()
    good = answered(s, cycle, "102", folder / "102_人事課.xlsx")
    answered(s, cycle, "201", tmp / "201.xlsx")
    cases = corpus.cases(good, FIRST)
    (folder / "201_市民課.xlsm").write_bytes(corpus.macro_workbook((tmp / "201.xlsx").read_bytes()))
    (folder / "101_総務課.xls").write_bytes(corpus.xls())
    (folder / "101_総務課.ods").write_bytes(corpus.ods())
    (folder / "102_人事課.xlsx.bak").write_bytes(good)
    (folder / "crafted.xlsx").write_bytes(cases["xxe-identity.xlsx"])
    before = state(s, cycle)
    code = cli_main(["responses", "import", str(s.path), "--cycle", str(cycle), str(folder), "--as", ACTOR])
    err = capsys.readouterr().err
    assert code == 1 and state(s, cycle) == before
    listed = err.split("files:\n", 1)[1].splitlines()
    outcome = {line.strip().split(": ", 1)[0]: line.strip().split(": ", 1)[1] for line in listed}
    assert outcome == {
        str(folder / "101_総務課.ods"): outcome[str(folder / "101_総務課.ods")],
        str(folder / "101_総務課.xls"): outcome[str(folder / "101_総務課.xls")],
        str(folder / "102_人事課.xlsx"): "read",
        str(folder / "201_市民課.xlsm"): outcome[str(folder / "201_市民課.xlsm")],
        str(folder / "crafted.xlsx"): outcome[str(folder / "crafted.xlsx")],
        str(folder / "102_人事課.xlsx.bak"): outcome[str(folder / "102_人事課.xlsx.bak")],
    }, err
    assert outcome[str(folder / "101_総務課.ods")].startswith("refused — an OpenDocument spreadsheet")
    assert outcome[str(folder / "101_総務課.xls")].startswith("refused — an Excel 97-2003 workbook")
    assert outcome[str(folder / "201_市民課.xlsm")].startswith("refused — a macro workbook (.xlsm)")
    assert outcome[str(folder / "crafted.xlsx")].startswith("refused — part xl/worksheets/sheet3.xml declares a DTD")
    assert outcome[str(folder / "102_人事課.xlsx.bak")].startswith("skipped — not a questionnaire")
    assert "Traceback" not in err


@pytest.mark.parametrize("name, needle", [("x.ods", "OpenDocument"), ("x.xlsm", "macro workbook")])
def test_a_single_ods_or_xlsm_is_named_for_what_it_is(env, capsys, name, needle):
    """Given alone, such a file was read as a plain responses CSV ('neither UTF-8 nor CP932')."""
    s, cycle, tmp = env
    good = answered(s, cycle, "102", tmp / "good.xlsx")
    (tmp / name).write_bytes(corpus.ods() if name.endswith(".ods") else corpus.macro_workbook(good))
    code = cli_main(["responses", "import", str(s.path), "--cycle", str(cycle), str(tmp / name), "--as", ACTOR])
    err = capsys.readouterr().err
    assert code == 1 and needle in err and "UTF-8" not in err, err


def test_the_reader_uses_defusedxml_and_openpyxl_would_too():
    """openpyxl parses its small parts with defusedxml when it is installed; the questionnaire
    reader parses every part itself with defusedxml, DTDs forbidden."""
    import defusedxml
    import defusedxml.ElementTree
    import openpyxl
    from libaudit.exchange import reader

    assert openpyxl.DEFUSEDXML is True
    assert reader.iterparse is defusedxml.ElementTree.iterparse
    assert reader.fromstring is defusedxml.ElementTree.fromstring


@pytest.mark.parametrize(
    "cap, edit, needle",
    [
        (
            "cell_chars",
            lambda x: corpus.set_cell(x, f"F{FIRST}", corpus._inline(f"F{FIRST}", "長" * 32_768)),
            "Excel's limit is 32,767",
        ),
        (
            "part_bytes",
            lambda x: x.replace("</worksheet>", "<extLst>" + " " * (9 << 20) + "</extLst></worksheet>"),
            "unpacks to more than 8 MB",
        ),
        (
            "elements",
            lambda x: x.replace("</worksheet>", "<extLst>" + "<ext/>" * 250_001 + "</extLst></worksheet>"),
            "more than 250,000 XML elements",
        ),
    ],
)
def test_each_cap_refuses_with_one_located_problem(env, cap, edit, needle):
    s, cycle, tmp = env
    good = answered(s, cycle, "102", tmp / "good.xlsx")
    path = tmp / f"{cap}.xlsx"
    path.write_bytes(corpus.edit_sheet(good, Q, edit, zipfile.ZIP_STORED))  # past the ratio check
    e = refused(s, cycle, [path])
    assert len(e.problems) == 1 and e.problems[0].sheet == Q and needle in e.problems[0].message, e.problems


def test_too_many_sheets_and_a_dangling_shared_string_are_refused(env):
    s, cycle, tmp = env
    good = answered(s, cycle, "102", tmp / "good.xlsx")
    parts = corpus.members(good)
    sheets = "".join(f'<sheet name="s{k}" sheetId="{k + 10}" r:id="rId{k + 10}"/>' for k in range(14))
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"</sheets>", sheets.encode() + b"</sheets>")
    (tmp / "sheets.xlsx").write_bytes(corpus.pack(parts))
    e = refused(s, cycle, [tmp / "sheets.xlsx"])
    assert [p.message for p in e.problems] == ["the workbook has more than 16 sheets: refused"]
    dangling = corpus.edit_sheet(
        good, Q, lambda x: corpus.set_cell(x, f"F{FIRST}", f'<c r="F{FIRST}" t="s"><v>99999</v></c>')
    )
    (tmp / "dangling.xlsx").write_bytes(dangling)
    e = refused(s, cycle, [tmp / "dangling.xlsx"])
    assert len(e.problems) == 1 and e.problems[0].where == f"{Q}!F{FIRST}", e.problems
    assert "a shared-string index '99999' that the table does not hold" in e.problems[0].message


@pytest.mark.parametrize("deadline", ["2025-06-31", "6月末", "2025/6/30", "20250630"])
def test_a_deadline_that_is_not_a_real_day_is_refused_before_any_file(env, capsys, deadline):
    """`export --deadline 2025-06-31` was accepted and printed on every questionnaire."""
    s, cycle, tmp = env
    # The command line refuses it as a usage error (exit 2; libaudit.dates.day_argument, the type of
    # every date option), before the store is opened, in the language in use.
    argv = ["export", str(s.path), "--cycle", str(cycle), "--all-depts", "--deadline", deadline, "-o", str(tmp / "q")]
    for language, says in (
        ("ja", f"'{deadline}' は日付ではない: 実在する日を YYYY-MM-DD の形で書く"),
        ("en", f"argument --deadline: '{deadline}' is not a day: write it as YYYY-MM-DD"),
    ):
        with speaking(language), pytest.raises(SystemExit) as exit_:
            cli_main(argv)
        err = capsys.readouterr().err
        assert exit_.value.code == 2 and says in err, err
        assert not (tmp / "q").exists() or not list((tmp / "q").iterdir())
    # The library refuses it too, before any file.
    with pytest.raises(libaudit.ValidationError, match=f"'{deadline}' is not a day: write it as YYYY-MM-DD"):
        exchange.export_all(s, cycle, tmp / "q", deadline=deadline)
    assert not (tmp / "q").exists() or not list((tmp / "q").iterdir())
    assert exchange.export_workbook(s, cycle, "102", tmp / "ok.xlsx", deadline="2025-06-30").exists()
