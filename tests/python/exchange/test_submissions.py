"""Web submissions (docs/exchange.md, "Web submissions"): answers saved on the web are stored at
once through the import a returned workbook takes, with the person as actor; the rules of who
answers for a 課, of submit and reopen; the 回収状況 of a web questionnaire; verify; and the same
answers given on the web and in a returned workbook store the same rows."""

from __future__ import annotations

import json
import sqlite3

import pytest
from _lang import speaking
from libaudit.cli import main as cli_main
from libaudit.errors import RoleError
from test_exchange import TRICKY, fill, make_store

import libaudit
from libaudit import CycleStateError, ImportValidationError, ValidationError, exchange

MANAGER = "佐藤 花子"  # security_manager of 101 (総務課, 部 100)
OTHER = "鈴木 一郎"  # security_manager of 102
OFFICER = "山田 太郎"  # security_officer of 部 100
AUDITOR = "監査 次郎"  # chief_auditor
PAST = "2000-01-31"


def add_people(s: libaudit.Store) -> None:
    s.people.add("人事", MANAGER, "101", "security_manager")
    s.people.add("人事", OTHER, "102", "security_manager")
    s.people.add("人事", OFFICER, "100", "security_officer")
    s.people.add("人事", AUDITOR, "201", "chief_auditor")


@pytest.fixture
def web(tmp_path):
    s, cycle, _cl = make_store(tmp_path)
    add_people(s)
    yield s, cycle, tmp_path
    s.close()


def asked(s: libaudit.Store, cycle: int, dept: str) -> list[str]:
    return [r.item for r in s.questionnaire_rows(cycle, dept)]


def answer_all(s: libaudit.Store, cycle: int, dept: str = "101", who: str = MANAGER) -> None:
    s.save_answers(who, cycle, dept, [(item, "実施している") for item in asked(s, cycle, dept)])


def snapshot(s: libaudit.Store, cycle: int):
    return len(s.trail()), sorted(tuple(r.__dict__.values()) for r in s.responses(cycle))


def test_a_save_by_the_manager_is_stored_with_the_person_as_actor(web):
    s, cycle, _tmp = web
    r = s.save_answers(
        MANAGER, cycle, "101", [("7.1", "実施している", "週次で確認", "監視記録"), {"item": "7.2", "answer": "partial"}]
    )
    assert (r.inserted, r.updated, r.unchanged) == (2, 0, 0)
    got = {x.item: (x.answer, x.comment, x.evidence, x.answered_by) for x in s.responses(cycle)}
    assert got == {"7.1": ("implemented", "週次で確認", "監視記録", MANAGER), "7.2": ("partial", "", "", MANAGER)}
    last = s.trail()[-1]
    assert (last.actor, last.entity) == (MANAGER, "responses")
    assert json.loads(last.state)["source"] == f"web: 101 by {MANAGER}"
    assert [h["actor"] for h in s.response_history(cycle, "101", "7.1")] == [MANAGER]
    # The 部's security_officer answers for its 課 as well.
    assert s.save_answers(OFFICER, cycle, "101", [("7.1", "実施していない")]).updated == 1
    assert s.may_answer_for(MANAGER, "101") and not s.may_answer_for(MANAGER, "102")
    assert s.is_audit_team(AUDITOR) and not s.is_audit_team(MANAGER)
    assert s.verify().ok


def test_another_departments_person_is_refused_and_nothing_is_written(web):
    s, cycle, _tmp = web
    before = snapshot(s, cycle)
    with pytest.raises(RoleError, match=OTHER):
        s.save_answers(OTHER, cycle, "101", [("7.1", "実施している")])
    with pytest.raises(RoleError):
        s.save_answers("名簿にない人", cycle, "101", [("7.1", "実施している")])
    with pytest.raises(RoleError, match="102"):
        s.save_answers(MANAGER, cycle, "102", [("7.1", "実施している")])  # not their 課
    with pytest.raises(ImportValidationError, match="102"):
        s.save_answers(MANAGER, cycle, "101", [{"department": "102", "item": "7.1", "answer": "実施している"}])
    with pytest.raises(ImportValidationError, match="not asked"):  # 102 owns no system: 8.4 is not asked of it
        s.save_answers(OTHER, cycle, "102", [("7.1", "実施している"), ("8.4", "実施している")])
    with pytest.raises(ValueError):
        s.save_answers(MANAGER, cycle, "101", [("7.1",)])
    assert snapshot(s, cycle) == before


def test_submit_lists_the_missing_items_then_a_save_is_refused(web):
    s, cycle, _tmp = web
    items = asked(s, cycle, "101")
    s.save_answers(MANAGER, cycle, "101", [(items[0], "実施している")])
    with pytest.raises(ValidationError) as e:
        s.submit(MANAGER, cycle, "101")
    listed = " ".join(d.message for d in e.value.diagnostics)
    assert all(item in listed for item in items[1:]) and f"item {items[0]} " not in listed
    assert s.submission_state(cycle, "101") == "open"
    answer_all(s, cycle)
    sub = s.submit(MANAGER, cycle, "101")
    assert (sub["number"], sub["action"], sub["by"]) == (1, "submit", MANAGER)
    assert s.submission_state(cycle, "101") == "submitted"
    before = snapshot(s, cycle)
    with pytest.raises(CycleStateError, match="reopen"):
        s.save_answers(MANAGER, cycle, "101", [(items[0], "実施していない")])
    with speaking("ja"), pytest.raises(CycleStateError, match="提出済み"):
        s.save_answers(MANAGER, cycle, "101", [(items[0], "実施していない")])
    assert snapshot(s, cycle) == before


def test_reopen_needs_a_reason_and_the_audit_team(web):
    s, cycle, tmp = web
    answer_all(s, cycle)
    s.submit(MANAGER, cycle, "101")
    with pytest.raises(RoleError):
        s.reopen_submission(MANAGER, cycle, "101", "訂正")
    with pytest.raises(ValidationError):
        s.reopen_submission(AUDITOR, cycle, "101", " ")
    r = s.reopen_submission(AUDITOR, cycle, "101", "7.1 の回答を訂正")
    assert (r["number"], r["action"], r["reason"]) == (2, "reopen", "7.1 の回答を訂正")
    assert s.submission_state(cycle, "101") == "open"
    with pytest.raises(CycleStateError):
        s.reopen_submission(AUDITOR, cycle, "101", "もう一度")  # not submitted
    assert [x["action"] for x in s.submissions(cycle)] == ["submit", "reopen"]
    # The command line: `cycle reopen DB ID --department CODE`.
    s.submit(MANAGER, cycle, "101")
    db = str(tmp / "audit.db")
    assert (
        cli_main(["cycle", "reopen", db, str(cycle), "--department", "101", "--reason", "再訂正", "--by", AUDITOR]) == 0
    )
    assert s.submission_state(cycle, "101") == "open"
    assert cli_main(["cycle", "reopen", db, str(cycle), "--department", "101", "--reason", "x", "--by", MANAGER]) == 1
    assert s.verify().ok


def test_collection_status_shows_progress_submitted_and_late(web, capsys):
    s, cycle, tmp = web
    db = str(tmp / "audit.db")
    assert cli_main(["cycle", "send", db, str(cycle), "--dept", "101", "--deadline", PAST, "--by", AUDITOR]) == 0
    assert cli_main(["cycle", "send", db, str(cycle), "--dept", "102", "--by", MANAGER]) == 1  # not the audit team
    row = {r.department: r for r in s.collection_status(cycle).rows}
    assert (row["101"].status, row["101"].progress, row["101"].deadline) == ("overdue", "not_started", PAST)
    assert row["101"].last_export is not None and row["101"].last_export.format == "web"
    mail = exchange.remind_mail_text(s.collection_status(cycle))
    assert "（Web 点検票、" in mail and "至急" in mail
    s.save_answers(MANAGER, cycle, "101", [("7.1", "実施している")])
    assert s.collection_status(cycle).rows[0].progress == "in_progress"
    answer_all(s, cycle)
    sub = s.submit(MANAGER, cycle, "101")
    st = s.collection_status(cycle)
    r = st.rows[0]
    assert (r.status, r.progress, r.submitted, r.late) == ("returned_late", "submitted", True, True)
    assert (r.returned_file, r.returned_by, r.returned_at, r.submitted_at) == ("web", MANAGER, sub["at"], sub["at"])
    assert st.totals["submitted"] == 1 and st.by_progress == {"not_started": 2, "in_progress": 0, "submitted": 1}
    capsys.readouterr()
    assert cli_main(["cycle", "status", db, str(cycle), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"][0]["progress"] == "submitted"
    with speaking("ja"):
        assert "提出済" in st.table() and "未着手" in st.table()
    # The committee report's 未回答 section reads the same status: 101 returned (late), not missing.
    assert [x.department for x in st.to_remind()] == ["101"]


def test_verify_finds_a_tampered_submission(web):
    s, cycle, tmp = web
    answer_all(s, cycle)
    s.submit(MANAGER, cycle, "101")
    assert s.verify().ok
    s.close()
    with sqlite3.connect(tmp / "audit.db") as db:
        db.execute("UPDATE questionnaire_submissions SET action = 'reopen', reason = 'x'")
    with libaudit.Store(tmp / "audit.db") as t:
        report = t.verify()
        assert any(p.table == "questionnaire_submissions" and p.kind == "altered" for p in report.problems)


def test_the_web_and_a_returned_workbook_store_the_same_rows(tmp_path):
    """The same answers, given once through save_answers and once in the exported workbook filled
    with openpyxl and imported, leave the same stored rows (answer, comment, evidence, answered_by:
    the person in both)."""
    (tmp_path / "web").mkdir()
    (tmp_path / "book").mkdir()
    w, wc, _ = make_store(tmp_path / "web")
    b, bc, _ = make_store(tmp_path / "book")
    add_people(w)
    items = asked(w, wc, "101")
    assert items == asked(b, bc, "101")
    choices = ["実施している", "一部実施している", "実施していない", "該当しない", "わからない"]
    answers = {
        item: (choices[k % len(choices)], TRICKY[k % len(TRICKY)] if k % 2 == 0 else "", f"資料{k}" if k % 3 else "")
        for k, item in enumerate(items)
    }
    w.save_answers(MANAGER, wc, "101", [(item, *a) for item, a in answers.items()])
    path = exchange.export_workbook(b, bc, "101", tmp_path / "book" / "101.xlsx")
    fill(path, answers, respondent=MANAGER)
    exchange.import_files(b, bc, [path], actor="情報政策課 渡辺")

    def rows(s: libaudit.Store, cycle: int):
        return sorted(
            (r.department, r.item, r.answer, r.comment, r.evidence, r.answered_by) for r in s.responses(cycle)
        )

    assert rows(w, wc) == rows(b, bc)
    assert len(rows(w, wc)) == len(items)
    w.close()
    b.close()
