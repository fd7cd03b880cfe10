"""The format of an output from its file's name (issue #15): ``report … -o x.pdf`` wrote HTML
into x.pdf (refused since, tested in test_report.py); standard output (``-o -``) wrote a file
named ``-``, and ``export --dept … -o q.csv`` wrote a workbook into q.csv. Now standard output
needs --format, a questionnaire's format follows its name (.xlsx / .csv) and a contradiction is
refused with nothing written. The rule is libaudit.files.output_format."""

from __future__ import annotations

from pathlib import Path

import pytest
from _lang_cli import run_en, run_ja
from _store_util import ready_store
from libaudit.files import output_format

import libaudit
from libaudit import exchange

FORMATS = ("html", "md", "csv", "json", "pdf")


def test_output_format_rule():
    assert output_format("x.pdf", None, FORMATS, default="html") == "pdf"
    assert output_format("x.HTM", None, FORMATS, default="html") == "html"
    assert output_format("x.markdown", None, FORMATS, default="html") == "md"
    assert output_format("x.txt", None, FORMATS, default="html") == "html"  # a name that says nothing
    assert output_format("out", "md", FORMATS, default="html", directory=True) == "md"
    assert output_format("-", "json", FORMATS, default="html") == "json"
    with pytest.raises(libaudit.ValidationError, match=r"x.pdf is named .pdf but the format is html"):
        output_format("x.pdf", "html", FORMATS, default="html")
    with pytest.raises(libaudit.ValidationError, match=r"--format \(html, md, csv, json, pdf\)"):
        output_format("-", None, FORMATS, default="html")
    with pytest.raises(libaudit.ValidationError, match="unknown format 'docx'"):
        output_format("x.docx", "docx", FORMATS, default="html")


@pytest.fixture
def db(tmp_path):
    s, cycle = ready_store(tmp_path / "a.db", tmp_path)
    s.close()
    return str(tmp_path / "a.db"), str(cycle)


def test_report_to_standard_output_needs_a_format(db, tmp_path, monkeypatch):
    path, cycle = db
    monkeypatch.chdir(tmp_path)
    r = run_en("report", "committee", path, "--cycle", cycle, "-o", "-")
    assert r.returncode == 1 and "give --format" in r.stderr, r.stderr
    r = run_ja("report", "committee", path, "--cycle", cycle, "-o", "-")
    assert r.returncode == 1 and "--format" in r.stderr and "標準出力" in r.stderr, r.stderr
    assert not (tmp_path / "-").exists()
    r = run_en("report", "committee", path, "--cycle", cycle, "-o", "-", "--format", "md")
    assert r.returncode == 0, r.stderr
    assert "情報セキュリティ自己点検結果報告" in r.stdout and not (tmp_path / "-").exists()
    r = run_en("report", "committee", path, "--cycle", cycle, "-o", "-", "--format", "pdf")
    assert r.returncode == 1 and "standard output" in r.stderr and not (tmp_path / "-").exists()


def test_export_takes_its_format_from_the_file_name(db, tmp_path):
    path, cycle = db
    r = run_en("export", path, "--cycle", cycle, "--dept", "101", "-o", str(tmp_path / "q.csv"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "q.csv").read_bytes()[:3] == b"\xef\xbb\xbf"  # CSV with a BOM, not a ZIP
    r = run_en("export", path, "--cycle", cycle, "--dept", "101", "-o", str(tmp_path / "q.xlsx"))
    assert r.returncode == 0 and (tmp_path / "q.xlsx").read_bytes()[:2] == b"PK"
    r = run_en("export", path, "--cycle", cycle, "--dept", "101", "--format", "xlsx", "-o", str(tmp_path / "w.csv"))
    assert r.returncode == 1 and "w.csv is named .csv but the format is xlsx" in r.stderr, r.stderr
    assert not (tmp_path / "w.csv").exists()
    r = run_ja("export", path, "--cycle", cycle, "--dept", "101", "--format", "csv", "-o", "-")
    assert r.returncode == 1 and "標準出力" in r.stderr and not (Path.cwd() / "-").exists(), r.stderr
    r = run_en("export", path, "--cycle", cycle, "--all-depts", "-o", str(tmp_path / "all"))
    assert r.returncode == 0 and len(list((tmp_path / "all").glob("*.xlsx"))) == 3


def test_the_library_refuses_a_questionnaire_under_the_other_name(db, tmp_path):
    path, cycle = db
    with libaudit.Store(path) as s:
        with pytest.raises(libaudit.ValidationError, match="x.csv is named .csv but the format is xlsx"):
            exchange.export_workbook(s, int(cycle), "101", tmp_path / "x.csv")
        with pytest.raises(libaudit.ValidationError, match="x.xlsx is named .xlsx but the format is csv"):
            exchange.export_csv(s, int(cycle), "101", tmp_path / "x.xlsx")
    assert not list(tmp_path.glob("x.*"))
