"""Reports (libaudit.render, `libaudit report`): numbers checked against the scoring and
findings APIs, hostile text escaped in every format, custom templates, template errors, and
the committee report and a department sheet printed to PDF by headless Chromium (screenshots
of the first pages in out/report-test/)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _lang import speaking
from _store_util import ACTOR, CHECKLIST_YAML, write
from libaudit.errors import TemplateError
from libaudit.findings import japan_date
from libaudit.report import Reporter, find_chromium

import libaudit

REPO = Path(__file__).resolve().parents[3]
OUT = REPO / "out" / "report-test"

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>{{x}}{{{y}}}|*_`'
DEPARTMENTS = f"""\
code,name,parent_code,security_officer,security_manager
100,総務部,,山田 太郎,
101,総務課,100,,佐藤 花子
102,人事課,100,,鈴木 一郎
200,市民部,,高橋 次郎,
201,"{HOSTILE.replace('"', '""')}",200,,田中 三郎
202,税務課,200,,中村 四郎
"""
ITEMS = ["7.1", "7.2", "8.1", "8.2", "8.3"]
ANSWERS_2023 = {
    "101": ["implemented", "partial", "not_implemented", "implemented", "unknown"],
    "102": ["implemented"] * 3 + ["partial", "not_implemented"],
    "201": ["partial", "not_implemented", "implemented", "implemented", "implemented"],
}
ANSWERS_2024 = {
    "101": ["implemented", "implemented", "not_implemented", "implemented", "partial"],
    "102": ["implemented"] * 4 + ["not_implemented"],
    "201": ["not_implemented", "partial", "implemented", "implemented", "implemented"],
}
# 202 never answers.
FORMULA = '=HYPERLINK("http://example.invalid","x")'


def new_store(path: Path) -> tuple[libaudit.Store, int]:
    """A store at `path` with the body, its 課 and the checklist; and the checklist's id."""
    store = libaudit.Store(path)
    store.set_body(ACTOR, "テスト市")
    store.import_departments_csv(ACTOR, write(path.with_suffix(".csv"), DEPARTMENTS))
    return store, store.import_checklist(ACTOR, libaudit.Checklist.from_yaml(CHECKLIST_YAML, "test.yaml"))


@pytest.fixture(scope="module")
def body(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    path = tmp / "r.db"
    store, cl = new_store(path)
    cycles = {}
    for year, answers in ((2023, ANSWERS_2023), (2024, ANSWERS_2024)):
        c = store.create_cycle(
            ACTOR, name=f"{year}年度 自己点検", kind="self_inspection", fiscal_year=year, checklist=cl
        )
        store.open_cycle(ACTOR, c)
        rows = [
            (
                d,
                item,
                a,
                HOSTILE if (d, item) == ("201", "7.1") else FORMULA if (d, item) == ("201", "7.2") else "コメント",
            )
            for d, ans in answers.items()
            for item, a in zip(ITEMS, ans)
        ]
        store.import_responses(ACTOR, c, rows)
        cycles[year] = c
    audit = store.create_cycle(ACTOR, name="2024年度 内部監査", kind="internal_audit", fiscal_year=2024, checklist=cl)
    store.open_cycle(ACTOR, audit)
    store.people.add(ACTOR, "監査 一郎", "101", ["auditor"])
    store.people.add(ACTOR, "最高 責任者", "100", ["ciso"])
    store.people.add(ACTOR, "鈴木 一郎", "102", ["security_manager"])
    f1 = store.findings.open(
        "監査 一郎",
        cycle=audit,
        department="201",
        items=["7.1"],
        severity="major_nonconformity",
        condition=HOSTILE,
        due="2024-06-30",
        evidence="ログ",
        recommendation="改善すること",
    )
    store.findings.open(
        "監査 一郎",
        cycle=audit,
        department="102",
        items=["8.3"],
        severity="observation",
        condition="記録が不十分",
        due="2025-12-31",
    )
    ex = store.exceptions.request(
        "鈴木 一郎",
        department="102",
        item="8.3",
        reason="システム更新中のため",
        start="2024-04-01",
        end="2025-04-20",
        compensating_measure="手作業で確認",
    )
    store.exceptions.approve("最高 責任者", ex)
    yield {"store": store, "path": path, "cycles": cycles, "audit": audit, "finding": f1, "tmp": tmp}
    store.close()


AS_OF = "2025-04-01"


def reporter(body, **kw):
    return Reporter(body["store"], body["cycles"][2024], compare=body["cycles"][2023], as_of=AS_OF, **kw)


def test_committee_numbers_match_scoring(body):
    store = body["store"]
    r = reporter(body)
    v = r.view("committee")
    # The approved exception (102, 8.3), 2024-04-01 to 2025-04-20, counts for the 2024 cycle and
    # is left out of its scores; it does not overlap 2023 (to 2024-03-31), so the 2023 cycle keeps
    # the pair: each cycle with its own exceptions, the figures `score` gives each.
    ex = [("102", "8.3")]
    assert store.exceptions.for_scoring(body["cycles"][2024]) == set(ex)
    assert store.exceptions.for_scoring(body["cycles"][2023]) == set()
    by_dept = {g.group: g for g in store.score(body["cycles"][2024], by="department")}
    assert by_dept == {g.group: g for g in store.score(body["cycles"][2024], by="department", exceptions=ex)}
    before = {g.group: g for g in store.score(body["cycles"][2023], by="department")}
    whole = store.score(body["cycles"][2024], by="body", exceptions=ex).rows[0]
    assert v["summary"]["rate"] == pytest.approx(whole.score)
    assert v["summary"]["rate_text"] == f"{whole.score:.1f}%"
    assert v["summary"]["excepted"] == 1
    rows = {d["code"]: d for d in v["departments"]}
    assert set(rows) == {"101", "102", "201", "202"}
    for code, g in by_dept.items():
        if g.score is None:
            assert rows[code]["rate"] is None and rows[code]["rate_text"] == "—"
            continue
        assert rows[code]["rate"] == pytest.approx(g.score)
        assert rows[code]["change"] == pytest.approx(g.score - before[code].score)
    # Sorted by rate, highest first; the unanswered 課 last and listed as not answered.
    rates = [d["rate"] for d in v["departments"] if d["rate"] is not None]
    assert rates == sorted(rates, reverse=True)
    assert v["departments"][-1]["code"] == "202"
    assert [d["code"] for d in v["not_answered"]] == ["202"]
    chapters = {c.group: c.score for c in store.score(body["cycles"][2024], by="chapter", exceptions=ex)}
    assert {c["code"]: c["rate"] for c in v["chapters"]} == pytest.approx(chapters)
    weakest = store.weakest_items(body["cycles"][2024], 10, exceptions=ex)
    assert [w["id"] for w in v["weakest"]] == [w.group for w in weakest]
    # Findings of the 年度 (from the audit cycle) and the exception in force, expiring within 30 days.
    findings = store.findings.list()
    assert v["findings"]["total"] == len(findings) == 2
    assert v["findings"]["overdue_count"] == 1 and v["findings"]["overdue"][0]["id"] == body["finding"]
    sev = {s["severity"]: s["total"] for s in v["findings"]["by_severity"]}
    assert sev["major_nonconformity"] == 1 and sev["observation"] == 1
    assert v["exceptions"]["count_in_force"] == 1 and len(v["exceptions"]["expiring"]) == 1
    assert v["cycle"]["fiscal_year_label"] == "令和6年度"
    assert v["as_of"]["wareki"] == "令和7年4月1日"


def test_department_sheet_numbers(body):
    store = body["store"]
    v = reporter(body).view("department", "101")
    g = {x.group: x for x in store.score(body["cycles"][2024], by="department", exceptions=[("102", "8.3")])}["101"]
    assert v["summary"]["rate"] == pytest.approx(g.score)
    assert [i["id"] for i in v["not_implemented"]] == ["8.1"]
    assert [i["id"] for i in v["partial"]] == ["8.3"]
    assert v["not_implemented"][0]["comment"] == "コメント"
    sheet_201 = reporter(body).view("department", "201")
    assert sheet_201["findings"]["rows"][0]["overdue"] is True
    assert sheet_201["findings"]["rows"][0]["overdue_days"] == 275  # 2024-06-30 -> 2025-04-01
    with pytest.raises(libaudit.NotFoundError):
        reporter(body).view("department", "999")


def test_audit_report_and_register(body):
    r = Reporter(body["store"], body["audit"], as_of=AS_OF, opinion="概ね適切である。", auditors=["監査 一郎"])
    v = r.view("audit")
    assert v["audit"]["opinion"] == "概ね適切である。"
    assert v["findings"]["total"] == 2
    html = r.render("audit", "html")
    assert "監査報告書" in html and "概ね適切である。" in html and "重大な不適合" in html
    reg = reporter(body).view("findings")
    assert [f["id"] for f in reg["findings"]["rows"]] == [f.id for f in body["store"].findings.list()]
    rows = list(csv.reader(io.StringIO(reporter(body).render("findings", "csv").lstrip("\ufeff"))))
    assert rows[0][0] == "番号" and len(rows) == 3


@pytest.mark.parametrize("kind", ["committee", "department", "audit", "findings"])
def test_hostile_text_is_escaped_in_every_format(body, kind):
    cycle = body["audit"] if kind == "audit" else body["cycles"][2024]
    r = Reporter(body["store"], cycle, compare=None if kind == "audit" else body["cycles"][2023], as_of=AS_OF)
    dept = "201"
    html = r.render(kind, "html", dept)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert "{{x}}" in html  # data is never parsed as a template
    assert "onerror=alert(2)&gt;" in html  # the quote cannot close an attribute: it is &quot;
    assert '"><img' not in html
    md = r.render(kind, "md", dept)
    assert "<script>" not in md and "&lt;script&gt;" in md and "\\{\\{x\\}\\}" in md and "\\|\\*\\_\\`" in md
    data = json.loads(r.render(kind, "json", dept))
    assert HOSTILE in json.dumps(data, ensure_ascii=False) or HOSTILE.replace('"', '\\"') in json.dumps(
        data, ensure_ascii=False
    )
    text = r.render(kind, "csv", dept)
    cells = [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]
    assert any(HOSTILE in c for c in cells)


def test_csv_neutralises_formulas(body):
    text = reporter(body).render("department", "csv", "201")
    assert text.startswith("\ufeff") and "\r\n" in text
    cells = [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]
    assert "'" + FORMULA in cells and FORMULA not in cells


def test_custom_template_directory_and_fallback(body, tmp_path):
    (tmp_path / "committee.md.mustache").write_text(
        "# {{body}} 独自様式\n実施率 {{summary.rate_text}}\n", encoding="utf-8"
    )
    r = reporter(body, templates=tmp_path)
    md = r.render("committee", "md")
    assert md.startswith("# テスト市 独自様式") and "%" in md
    # A file missing in the user's directory falls back to the built-in one.
    assert "課別結果票" in r.render("department", "html", "101")


def test_template_error_names_template_and_tag(body, tmp_path):
    (tmp_path / "committee.html.mustache").write_text(
        "<p>{{body}}</p>\n<p>{{summary.no_such_tag}}</p>\n", encoding="utf-8"
    )
    with pytest.raises(TemplateError) as e:
        reporter(body, templates=tmp_path).render("committee", "html")
    d = e.value.diagnostics[0]
    assert d.file.endswith("committee.html.mustache") and d.line == 2 and "summary.no_such_tag" in d.message
    (tmp_path / "committee.md.mustache").write_text("{{#departments}}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="Unclosed section"):
        reporter(body, templates=tmp_path).render("committee", "md")
    (tmp_path / "findings.md.mustache").write_text("{{> nowhere}}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="partial 'nowhere' not found"):
        reporter(body, templates=tmp_path).render("findings", "md")


def test_hostile_partials_are_refused_not_followed(body, tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "hostile"))
    import corpus

    # Each of these crashed the process (signal 11) or rendered /etc/passwd.
    (tmp_path / "committee.md.mustache").write_text("{{> loop}}\n", encoding="utf-8")
    corpus.self_including_partial(tmp_path, "loop")
    with pytest.raises(TemplateError, match=r"partial depth limit 16 exceeded: committee.md > loop > loop"):
        reporter(body, templates=tmp_path).render("committee", "md")
    corpus.symlinked_partial(tmp_path, Path("/etc/passwd"), "passwd")
    (tmp_path / "committee.md.mustache").write_text("{{> passwd}}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="partial 'passwd' refused: .*outside the template directory") as e:
        reporter(body, templates=tmp_path).render("committee", "md")
    assert "root:" not in str(e.value)
    d = e.value.diagnostics[0]
    assert d.file == str(tmp_path / "committee.md.mustache") and (d.line, d.column) == (1, 1)


def test_render_writes_files_and_all_departments(body, tmp_path):
    store = body["store"]
    out = libaudit.render(
        store,
        "committee",
        cycle=body["cycles"][2024],
        compare=body["cycles"][2023],
        format="html",
        out=tmp_path / "c.html",
    )
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    seen = []
    paths = libaudit.render(
        store,
        "department",
        cycle=body["cycles"][2024],
        all_depts=True,
        format="md",
        out=tmp_path / "sheets",
        progress=lambda d, t: seen.append((d, t)),
    )
    assert len(paths) == 4 and seen[-1] == (4, 4)
    assert all(p.exists() for p in paths)
    assert "<script>" not in "".join(p.name for p in paths)
    assert libaudit.render(store, "findings", cycle=body["cycles"][2024], format="json").startswith("{")


def test_cli_report(body, tmp_path, cli):
    r = cli(
        "report",
        "committee",
        str(body["path"]),
        "--cycle",
        str(body["cycles"][2024]),
        "--compare",
        str(body["cycles"][2023]),
        "--format",
        "md",
        "-o",
        str(tmp_path / "c.md"),
    )
    assert r.returncode == 0, r.stderr
    assert "情報セキュリティ自己点検結果報告" in (tmp_path / "c.md").read_text(encoding="utf-8")
    r = cli(
        "report",
        "department",
        str(body["path"]),
        "--cycle",
        str(body["cycles"][2024]),
        "--all-depts",
        "--format",
        "csv",
        "-o",
        str(tmp_path / "sheets"),
    )
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.split()) == 4
    r = cli("report", "department", str(body["path"]), "--cycle", str(body["cycles"][2024]), "-o", str(tmp_path / "x"))
    assert r.returncode == 2
    bad = tmp_path / "tpl"
    bad.mkdir()
    (bad / "findings.html.mustache").write_text("{{nope}}", encoding="utf-8")
    r = cli(
        "report",
        "findings",
        str(body["path"]),
        "--cycle",
        str(body["cycles"][2024]),
        "--templates",
        str(bad),
        "-o",
        str(tmp_path / "f.html"),
    )
    assert r.returncode == 1 and "nope" in r.stderr and "findings.html.mustache:1:1" in r.stderr


def test_pdf_without_chromium_says_how_to_install(body, tmp_path, monkeypatch):
    monkeypatch.setenv("LIBAUDIT_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with pytest.raises(libaudit.errors.PdfError, match="apt-get install chromium"):
        libaudit.render(body["store"], "committee", cycle=body["cycles"][2024], format="pdf", out=tmp_path / "c.pdf")


def _need_pdf_tools():
    # `make test` installs them first (scripts/install-deps.sh --chromium); a test never does.
    if not (find_chromium() and shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdfinfo")):
        pytest.skip("Chromium / poppler-utils not installed (scripts/install-deps.sh --chromium)")


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_pdf_committee_and_department_sheet(body):
    _need_pdf_tools()
    OUT.mkdir(parents=True, exist_ok=True)
    store = body["store"]
    committee = libaudit.render(
        store,
        "committee",
        cycle=body["cycles"][2024],
        compare=body["cycles"][2023],
        format="pdf",
        out=OUT / "committee.pdf",
        as_of=AS_OF,
    )
    sheet = libaudit.render(
        store,
        "department",
        cycle=body["cycles"][2024],
        compare=body["cycles"][2023],
        dept="101",
        format="pdf",
        out=OUT / "department-101.pdf",
        as_of=AS_OF,
    )
    # A page break before each part (print stylesheet); a 課 sheet's follow-up part (4 指摘事項,
    # 5 例外措置) starts a page only when it holds a record. 課 101 has none, so its two 「記録なし」
    # follow the answers on page 2 instead of filling a third page alone.
    assert _pages(committee) >= 5
    assert _pages(sheet) == 2
    last = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", "-layout", str(sheet), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "対応中の指摘事項" in last and "「一部実施している」と回答した項目" in last
    text = subprocess.run(
        ["pdftotext", "-layout", str(committee), "-"], capture_output=True, text=True, check=True
    ).stdout
    squashed = "".join(text.split())
    assert "令和6年度情報セキュリティ自己点検結果報告" in squashed
    v = reporter(body).view("committee")
    assert v["summary"]["rate_text"] in squashed
    assert "<script>alert(1)</script>" in squashed  # hostile text printed as text, not run
    assert "総務課" in squashed and "重大な不適合" in squashed
    text = subprocess.run(["pdftotext", str(sheet), "-"], capture_output=True, text=True, check=True).stdout
    assert "課別結果票" in "".join(text.split()) and "総務課" in text
    for pdf in (committee, sheet):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(pdf), str(OUT / pdf.stem)], check=True
        )
    assert len(list(OUT.glob("committee-*.png"))) >= 3


@pytest.mark.parametrize(
    ("raised_at", "raised_on", "age_days"),
    [
        ("2025-04-01T00:30:00+09:00", "2025-04-01", 9),  # a time written in Japan time
        ("2025-03-31T23:59:00+09:00", "2025-03-31", 10),
        ("2025-03-31T15:30:00.000001Z", "2025-04-01", 9),  # the store's own format
        ("2025-03-31T15:30:00+00:00", "2025-04-01", 9),  # read only a trailing Z before
        ("2025-03-31T10:30:00-05:00", "2025-04-01", 9),
    ],
)
def test_report_dates_are_japan_dates_of_timestamps_with_any_zone(tmp_path, raised_at, raised_on, age_days):
    import sqlite3

    path = tmp_path / "z.db"
    store, cl = new_store(path)
    audit = store.create_cycle(ACTOR, name="内部監査", kind="internal_audit", fiscal_year=2024, checklist=cl)
    store.open_cycle(ACTOR, audit)
    store.people.add(ACTOR, "監査 一郎", "101", ["auditor"])
    fid = store.findings.open(
        "監査 一郎",
        cycle=audit,
        department="201",
        items=["7.1"],
        severity="observation",
        condition="x",
        due="2025-12-31",
    )
    raised = store.findings.get(fid).raised_at
    store.close()
    with sqlite3.connect(path) as db:  # a timestamp another writer may have left in the table
        db.execute("UPDATE findings SET raised_at = ? WHERE id = ?", (raised_at, fid))
    store = libaudit.Store(path)
    try:
        # The report's dates are the Japan dates of their timestamps, whatever their zone: the one
        # rule (japan_date_of) the report applies, seen from Python.
        assert japan_date(raised_at).isoformat() == raised_on
        assert (dt.date(2025, 4, 10) - japan_date(raised_at)).days == age_days
        # The report reads the register as the trail has it at its point (docs/scoring.md, "As
        # of"), not the edited table: the finding was raised today; verify names the edit.
        rows = Reporter(store, audit, as_of="2025-04-10").view("findings")["findings"]["rows"]
        assert [r["raised_on"] for r in rows] == [japan_date(raised).isoformat()]
        assert [(p.table, p.kind) for p in store.verify().problems] == [("findings", "altered")]
    finally:
        store.close()


def test_the_format_follows_the_file_name_and_a_contradiction_is_refused(body, tmp_path, cli):
    """`report committee … -o x.pdf` wrote HTML into x.pdf and exited 0."""
    from libaudit.report import format_of

    names = ("html", "htm", "md", "csv", "json", "pdf")
    assert [format_of(tmp_path / f"x.{e}", None) for e in names] == ["html", "html", "md", "csv", "json", "pdf"]
    assert format_of(tmp_path / "x.txt", None) == "html" and format_of(None, None) == "html"
    assert format_of(tmp_path / "out", "csv", directory=True) == "csv"
    args = ("report", "committee", str(body["path"]), "--cycle", str(body["cycles"][2024]))
    r = cli(*args, "--format", "html", "-o", str(tmp_path / "x.pdf"))
    assert r.returncode == 1 and not (tmp_path / "x.pdf").exists(), r.stderr
    assert "x.pdf is named .pdf but the format is html" in r.stderr and "Traceback" not in r.stderr
    r = cli(*args, "-o", str(tmp_path / "x.md"))
    assert r.returncode == 0, r.stderr
    assert "情報セキュリティ自己点検結果報告" in (tmp_path / "x.md").read_text(encoding="utf-8")
    assert not (tmp_path / "x.md").read_text(encoding="utf-8").lstrip().startswith("<")


def test_the_audit_report_is_only_for_an_audit_cycle(body, cli):
    """`report audit` on a self-inspection cycle produced a 監査報告書."""
    assert "監査報告書" in Reporter(body["store"], body["audit"], as_of=AS_OF).render("audit", "md")
    with pytest.raises(
        libaudit.ValidationError,
        match=r"the audit report is for an audit cycle; cycle \d+ \(2024年度 自己点検\) is a 自己点検",
    ):
        Reporter(body["store"], body["cycles"][2024], as_of=AS_OF).render("audit", "md")
    r = cli("report", "audit", str(body["path"]), "--cycle", str(body["cycles"][2024]), "-o", str(body["tmp"] / "a.md"))
    assert r.returncode == 1 and "is a 自己点検: report it with `report committee`" in r.stderr, r.stderr
    assert not (body["tmp"] / "a.md").exists() and "Traceback" not in r.stderr


@pytest.fixture(params=["en", "ja"])
def language(request):
    with speaking(request.param):
        yield request.param


def test_report_option_errors_follow_the_language(body, language):
    """#15: the report stage's errors are English by default and Japanese under "ja"."""
    r = reporter(body)
    c = body["cycles"][2024]
    with pytest.raises(libaudit.errors.ValidationError) as audit:
        r.render("audit", "html")
    with pytest.raises(libaudit.errors.NotFoundError) as fmt:
        r.render("committee", "pdfx")
    with pytest.raises(libaudit.errors.NotFoundError) as dept:
        r.render("department", "html", "999")
    if language == "ja":
        assert "監査報告書は監査の実施回のためのものである: 実施回" in str(audit.value)
        assert "は自己点検なので、`report committee` か `report department` で報告する" in str(audit.value)
        assert "報告書の形式 'pdfx' はない" in str(fmt.value)
        assert str(dept.value) == f"課 '999' は実施回 {c} の対象ではない"
    else:
        assert "the audit report is for an audit cycle; cycle" in str(audit.value)
        assert "unknown report format 'pdfx' (html, md, csv, json)" in str(fmt.value)
        assert str(dept.value) == f"department '999' is not a target of cycle {c}"
