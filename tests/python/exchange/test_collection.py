"""回収状況: exports recorded and verified, `cycle status` per 課 (returned, late, missing, counts),
the reminder CSV and mail text (docs/exchange.md, "Collection status")."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from conftest import KOMAKI
from libaudit.cli import main as cli_main
from libaudit.demo import LATE_DEPARTMENT, MISSING_DEPARTMENT, build_demo_store
from test_exchange import fill, make_store

import libaudit
from libaudit import CycleStateError, NotFoundError, exchange

PAST = "2000-01-31"
FUTURE = "2099-12-31"


@pytest.fixture
def collected(tmp_path):
    """101 sent (deadline ahead) and returned; 102 sent with a deadline passed and returned;
    201 sent with a deadline passed and never returned."""
    s, cycle, _cl = make_store(tmp_path)
    s.import_responses("情報政策課", cycle, [("101", "7.1", "実施している")])
    out = tmp_path / "out"
    exchange.export_workbook(s, cycle, "101", out / "101.xlsx", deadline=FUTURE, actor="渡辺")
    exchange.export_csv(s, cycle, "102", out / "102.csv", deadline=PAST, actor="渡辺")
    exchange.export_workbook(s, cycle, "201", out / "201.xlsx", deadline=PAST, actor="渡辺")
    fill(out / "101.xlsx", {"7.1": "実施している", "7.2": "一部実施している"})
    exchange.import_files(s, cycle, [out / "101.xlsx"], actor="佐藤 花子")
    rows = list(csv.reader(io.StringIO((out / "102.csv").read_text(encoding="utf-8-sig"))))
    rows[1][5] = "実施している"
    with open(out / "102.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    exchange.import_files(s, cycle, [out / "102.csv"], actor="鈴木 一郎")
    yield s, cycle, tmp_path
    s.close()


def test_exports_are_recorded_and_verified(collected):
    s, cycle, tmp = collected
    recorded = exchange.exports(s, cycle)
    assert [(e.department, e.number, e.file, e.format, e.deadline, e.by) for e in recorded] == [
        ("101", 1, "101.xlsx", "xlsx", FUTURE, "渡辺"),
        ("102", 1, "102.csv", "csv", PAST, "渡辺"),
        ("201", 1, "201.xlsx", "xlsx", PAST, "渡辺"),
    ]
    import hashlib

    assert recorded[2].sha256 == hashlib.sha256((tmp / "out" / "201.xlsx").read_bytes()).hexdigest()
    assert [t.entity for t in s.trail()].count("questionnaire_export") == 3
    assert s.verify().ok
    assert s._s.schema_versions()["exchange"] == 2  # 2: questionnaire_submissions (web)
    # Sent again: the next number.
    exchange.export_workbook(s, cycle, "201", tmp / "out" / "201b.xlsx", deadline=FUTURE, actor="渡辺")
    assert [e.number for e in exchange.exports(s, cycle) if e.department == "201"] == [1, 2]
    s.close()
    with sqlite3.connect(tmp / "audit.db") as db:
        db.execute("UPDATE questionnaire_exports SET deadline = '2100-01-01' WHERE department = '102'")
    with libaudit.Store(tmp / "audit.db") as t:
        report = t.verify()
        assert not report.ok
        assert any(p.table == "questionnaire_exports" and p.kind == "altered" for p in report.problems)


def test_export_without_actor_records_nothing(env_store):
    s, cycle, tmp = env_store
    exchange.export_workbook(s, cycle, "101", tmp / "x.xlsx")
    assert exchange.exports(s, cycle) == []


@pytest.fixture
def env_store(tmp_path):
    s, cycle, _cl = make_store(tmp_path)
    yield s, cycle, tmp_path
    s.close()


def test_status_rows(collected):
    s, cycle, _tmp = collected
    st = s.collection_status(cycle)
    by = {r.department: r for r in st.rows}
    assert [r.department for r in st.rows] == ["101", "102", "201"]
    a, b, c = by["101"], by["102"], by["201"]
    assert (a.status, a.returned, a.late, a.returned_by, a.returned_file) == (
        "returned",
        True,
        False,
        "佐藤 花子",
        "101.xlsx",
    )
    assert a.last_export is not None and a.last_export.file == "101.xlsx" and a.deadline == FUTURE
    # 101 has 6 items (8.4 applies to system owners); 7.1 was stored before, 7.2 is new.
    assert (a.items, a.answered, a.blank, a.changed) == (6, 2, 4, 1)
    assert (b.status, b.late, b.returned_by, b.answered, b.blank, b.changed) == (
        "returned_late",
        True,
        "鈴木 一郎",
        1,
        4,
        1,
    )
    assert (c.status, c.returned, c.late, c.answered, c.security_manager) == ("overdue", False, True, 0, "田中 三郎")
    assert st.totals["returned"] == 2 and st.totals["late"] == 2 and st.totals["not_returned"] == 1
    assert st.by_status["overdue"] == 1 and st.by_status["returned"] == 1 and st.totals["departments"] == 3
    assert [r.department for r in st.to_remind()] == ["102", "201"]
    d = a.to_dict()
    assert d["status_label"] == "回収済" and d["last_export"]["format"] == "xlsx"
    # As of a day given: today's rows; a day before the cycle existed: nothing sent, nothing answered.
    today = libaudit._core.today_japan()
    assert s.collection_status(cycle, as_of=today).rows == st.rows and st.as_of == today
    early = s.collection_status(cycle, as_of="2000-01-30")
    assert {r.status for r in early.rows} == {"not_sent"} and early.totals["answered"] == 0


def test_status_not_sent(env_store):
    s, cycle, _tmp = env_store
    st = s.collection_status(cycle)
    assert {r.status for r in st.rows} == {"not_sent"}
    assert st.by_status["not_sent"] == 3 and st.totals["exported"] == 0


def test_cli_status_and_remind(collected, capsys, monkeypatch):
    s, cycle, tmp = collected
    s.close()
    db = str(tmp / "audit.db")
    monkeypatch.chdir(tmp)
    assert cli_main(["cycle", "status", db, str(cycle), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in data["rows"]] == ["returned", "returned_late", "overdue"]
    assert cli_main(["cycle", "status", db, str(cycle)]) == 0
    table = capsys.readouterr().out
    assert "101 総務課" in table and "201 市民課" in table
    lines = table.splitlines()
    widths = {libaudit.display_width(ln.rstrip()) for ln in lines[1:4]}
    assert len(lines) > 4 and max(widths) >= 1
    assert cli_main(["cycle", "status", db, str(cycle), "--remind", "-o", "r.csv", "--encoding", "cp932"]) == 0
    out = capsys.readouterr().out
    raw = (tmp / "r.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("cp932"))))
    assert rows[0][:5] == ["課コード", "部", "課", "情報セキュリティ管理者", "状況"]
    assert [(r[0], r[2], r[3], r[4], r[7]) for r in rows[1:]] == [
        ("102", "人事課", "鈴木 一郎", "回収済（期限後）", PAST),
        ("201", "市民課", "田中 三郎", "未回収（期限超過）", PAST),
    ]
    # The mail text: one block for the 課 not returned, with its 宛先 and 回答期限.
    assert "宛先: 市民部 市民課 田中 三郎 様" in out and "2000年1月31日" in out and "人事課 鈴木" not in out
    assert cli_main(["cycle", "status", db, str(cycle), "--remind", "--mail-text", "m.txt"]) == 0
    capsys.readouterr()
    assert (tmp / "remind.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "ご提出" in (tmp / "m.txt").read_text(encoding="utf-8")


def test_unknown_cycle_writes_nothing(collected, capsys, monkeypatch):
    s, _cycle, tmp = collected
    s.close()
    monkeypatch.chdir(tmp)
    assert cli_main(["cycle", "status", str(tmp / "audit.db"), "99", "--remind"]) == 1
    assert "99" in capsys.readouterr().err
    assert not (tmp / "remind.csv").exists()
    with libaudit.Store(tmp / "audit.db") as t, pytest.raises(NotFoundError):
        t.collection_status(99)


def test_closed_cycle(collected):
    s, cycle, tmp = collected
    s.close_cycle("情報政策課", cycle)
    st = s.collection_status(cycle, as_of="2099-01-01")
    assert st.cycle_status == "closed"
    assert st.as_of == libaudit._core.today_japan()  # read as of the close, whatever day is asked
    assert [r.status for r in st.rows] == ["returned", "returned_late", "overdue"]
    n = len(s.trail())
    with pytest.raises(CycleStateError):
        exchange.export_csv(s, cycle, "201", tmp / "late.csv", actor="渡辺")
    assert len(s.trail()) == n and not (tmp / "late.csv").exists()


def test_demo_current_cycle(tmp_path):
    summary = build_demo_store(tmp_path / "demo.db", KOMAKI)
    current = summary["cycles"][2025]["id"]
    with libaudit.Store(tmp_path / "demo.db") as s:
        st = s.collection_status(current)
        assert len(st.rows) == 31
        by = {r.department: r for r in st.rows}
        assert by[LATE_DEPARTMENT].status == "returned_late"
        assert not by[MISSING_DEPARTMENT].returned and by[MISSING_DEPARTMENT].exports == 1
        assert st.totals["returned"] == 30 and st.totals["late"] >= 1
        others = [r for r in st.rows if r.department not in (LATE_DEPARTMENT, MISSING_DEPARTMENT)]
        assert {r.status for r in others} == {"returned"}
        assert all(r.returned_file and r.returned_sha256 and r.blank == 0 for r in others)
        assert [r.department for r in st.to_remind()] == sorted([LATE_DEPARTMENT, MISSING_DEPARTMENT])
        assert s.verify().ok
        # The committee report's 未回答 section reads the same status.
        from libaudit.report import Reporter

        v = Reporter(s, current).view("committee")
        assert [(d["code"], d["status"]) for d in v["not_answered"]] == [(MISSING_DEPARTMENT, "sent")]
        assert v["not_answered"][0]["status_label"] == "配布済・未回収"
        assert [d["code"] for d in v["late_returns"]] == [LATE_DEPARTMENT]
        md = Reporter(s, current).render("committee", "md")
        assert "回答期限後に回収した課" in md and "配布済・未回収" in md


def test_a_department_never_sent_a_questionnaire_is_not_reminded(tmp_path, capsys, monkeypatch):
    """A cycle that sent nothing: its 課 are 未配布, so --remind chases none of them (no mail
    saying their answers were not received) and says to send the questionnaires first."""
    build_demo_store(tmp_path / "demo.db", KOMAKI)
    with libaudit.Store(tmp_path / "demo.db") as s:
        audit = s.create_cycle(
            "渡辺",
            name="令和7年度 内部監査",
            kind="internal_audit",
            fiscal_year=2025,
            checklist="komaki-taisaku-kijun",
            departments=["2030", "3010"],
        )
        s.open_cycle("渡辺", audit)
        st = s.collection_status(audit)
        assert [r.status for r in st.rows] == ["not_sent", "not_sent"]
        assert st.to_remind() == [] and len(st.not_sent()) == 2
    monkeypatch.chdir(tmp_path)
    assert cli_main(["cycle", "status", str(tmp_path / "demo.db"), str(audit), "--remind"]) == 0
    out, err = capsys.readouterr()
    assert "sent no questionnaire and are not reminded" in err and "libaudit export" in err
    assert "件名" not in out  # no mail text for a 課 that never got the questionnaire


def test_cli_export_records_each_file(env_store, capsys):
    s, cycle, tmp = env_store
    s.close()
    db = str(tmp / "audit.db")
    argv = ["export", db, "--cycle", str(cycle), "--all-depts", "--format", "csv", "--deadline", FUTURE]
    assert cli_main([*argv, "-o", str(tmp / "out"), "--as", "渡辺"]) == 0
    capsys.readouterr()
    with libaudit.Store(tmp / "audit.db") as t:
        recorded = exchange.exports(t, cycle)
        assert [(e.department, e.format, e.deadline, e.by) for e in recorded] == [
            (code, "csv", FUTURE, "渡辺") for code in ("101", "102", "201")
        ]
        assert {r.status for r in t.collection_status(cycle).rows} == {"sent"}
        assert t.verify().ok
    # A bad deadline is refused before anything is written or recorded.
    with pytest.raises(SystemExit):  # refused by the option's type
        cli_main([*argv[:-1], "2025-06-31", "-o", str(tmp / "out2"), "--as", "渡辺"])
    assert not (tmp / "out2").exists()
    with libaudit.Store(tmp / "audit.db") as t:
        assert len(exchange.exports(t, cycle)) == 3
