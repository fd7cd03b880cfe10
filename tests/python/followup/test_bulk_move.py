"""Bulk moves of findings (docs/findings.md, "Many moves at once"): promoted drafts confirmed or
discarded by a filter (``move_where``, ``finding move --where``) or a CSV of decisions
(``move_decisions``, ``--decisions``), all or nothing with every refusal listed, ``--dry-run``."""

from __future__ import annotations

import sqlite3

import pytest
from _followup_util import audit_world
from _store_util import ACTOR, write
from libaudit.cli import main as cli
from libaudit.errors import ImportValidationError, NotFoundError, ValidationError
from libaudit.findings import FindingMove, read_decisions

import libaudit

PEOPLE_CSV = """\
name,department,roles
監査 一郎,200,auditor
監査 二郎,200,auditor
高橋 監査,101,auditor
佐藤 花子,101,security_manager
"""

# Not implemented in every 課 for two items, partial for one: 7 drafts (3 課 × 2 + 1 observation).
ANSWERS = [(d, i, "not_implemented") for d in ("101", "102", "201") for i in ("7.1", "8.2")] + [
    ("102", "8.3", "partial")
]


@pytest.fixture()
def drafts(tmp_path):
    store, si, audit = audit_world(tmp_path / "f.db", tmp_path, PEOPLE_CSV)
    store.import_responses(ACTOR, si, ANSWERS)
    created, _ = store.findings.promote("監査 一郎", si, audit, include_partial=True)
    assert len(created) == 7
    yield store, audit, created
    store.close()


def state_of(store) -> tuple:
    """Every finding's state and the trail head, read behind the library's back."""
    con = sqlite3.connect(store.path)
    try:
        states = tuple(con.execute("SELECT id, state, updated_at FROM findings ORDER BY id").fetchall())
        head = con.execute("SELECT max(seq) FROM trail").fetchone()
        moves = con.execute("SELECT count(*) FROM finding_transitions").fetchone()
    finally:
        con.close()
    return states, head, moves


def test_move_where_confirms_every_draft_each_checked_and_recorded(drafts):
    store, audit, created = drafts
    done = store.findings.move_where("監査 一郎", "open", cycle=audit, from_state="draft", note="確認済み")
    assert [t.finding for t in done] == created
    assert all(t.from_state == "draft" and t.to_state == "open" and t.id > 0 for t in done)
    for fid in created:
        history = [(h.from_state, h.to_state, h.by, h.note) for h in store.findings.history(fid)]
        assert history == [("draft", "open", "監査 一郎", "確認済み")]
    assert store.verify().ok
    assert store.findings.move_where("監査 一郎", "open", cycle=audit, from_state="draft") == []


def test_move_where_by_department_and_severity(drafts):
    store, audit, created = drafts
    done = store.findings.move_where("監査 一郎", "discarded", from_state="draft", severity="observation")
    assert len(done) == 1 and store.findings.get(done[0].finding).items == ("8.3",)
    done = store.findings.move_where("監査 一郎", "open", department="１０２", from_state="draft")  # NFKC
    assert {store.findings.get(t.finding).department for t in done} == {"102"}
    assert len(done) == 2
    with pytest.raises(NotFoundError):
        store.findings.move_where("監査 一郎", "open", cycle=999)


def test_one_refusal_moves_nothing_and_every_refusal_is_listed(drafts):
    store, audit, created = drafts
    before = state_of(store)
    # 高橋 監査 belongs to 総務課 (101): its two drafts are 兼務の禁止; the five others would pass.
    with pytest.raises(ValidationError) as e:
        store.findings.move_where("高橋 監査", "open", cycle=audit, from_state="draft")
    assert len(e.value.diagnostics) == 2
    assert all(d.file == "" and "高橋 監査" in d.message for d in e.value.diagnostics)
    assert state_of(store) == before
    moves = [(created[2], "open"), (created[2], "discarded", "二度目"), (999, "open"), (created[3], "verified")]
    with pytest.raises(ValidationError) as e:
        store.findings.move_many("監査 一郎", moves)
    messages = [d.message for d in e.value.diagnostics]
    assert len(messages) == 3
    assert f"finding {created[2]} is named twice" in messages[0]
    assert "999" in messages[1] and "verified" in messages[2]
    assert state_of(store) == before
    assert store.verify().ok


def test_dry_run_writes_nothing(drafts):
    store, audit, created = drafts
    before = state_of(store)
    planned = store.findings.move_many("監査 一郎", [FindingMove(created[0], "open", "メモ")], dry_run=True)
    assert [(t.finding, t.from_state, t.to_state, t.id, t.note) for t in planned] == [
        (created[0], "draft", "open", 0, "メモ")
    ]
    assert len(store.findings.move_where("監査 一郎", "open", from_state="draft", dry_run=True)) == 7
    assert state_of(store) == before


def test_decisions_csv(drafts, tmp_path):
    store, audit, created = drafts
    text = "指摘番号,状態,メモ\n" + "".join(f"{fid},未対応,確認\n" for fid in created[:3]) + f"{created[3]},取消,\n"
    path = write(tmp_path / "sub" / "decisions.csv", text) if (tmp_path / "sub").mkdir() is None else None
    moves = read_decisions(path)
    assert [(m.finding, m.state, m.line) for m in moves][-1] == (created[3], "discarded", 5)
    done = store.findings.move_decisions("監査 一郎", path)
    assert [store.findings.get(t.finding).state for t in done] == ["open", "open", "open", "discarded"]
    bad = write(tmp_path / "bad.csv", "finding,state\nx,open\n3,wizard\n")
    with pytest.raises(ImportValidationError) as e:
        read_decisions(bad)
    assert [(d.line, d.column) for d in e.value.diagnostics] == [(2, 1), (3, 2)]
    # A refusal names the decisions file and its line.
    again = write(tmp_path / "again.csv", f"finding,state\n{created[4]},open\n{created[0]},open\n")
    with pytest.raises(ValidationError) as e:
        store.findings.move_decisions("監査 一郎", again)
    assert [(d.file, d.line) for d in e.value.diagnostics] == [(str(again), 3)]


# ---- CLI ----------------------------------------------------------------------------------


def test_cli_where_dry_run_then_for_real(drafts, capsys):
    store, audit, created = drafts
    db = store.path
    store.close()
    where = ["finding", "move", db, "--where", f"state=draft,cycle={audit},dept=102", "open", "--by", "監査 一郎"]
    assert cli([*where, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run: 3 findings would move; nothing was written" in out
    assert out.count("未確定") == 3 and out.count("未対応") == 3
    assert cli(where) == 0
    assert "3 findings moved" in capsys.readouterr().out
    assert cli(where) == 1  # nothing is a draft of 102 any more
    assert "no finding matches --where" in capsys.readouterr().err


def test_cli_refusals_are_all_listed_and_nothing_moves(drafts, capsys):
    store, audit, created = drafts
    db = store.path
    before = state_of(store)
    store.close()
    assert cli(["finding", "move", db, "--where", "state=draft", "open", "--by", "高橋 監査"]) == 1
    err = capsys.readouterr().err
    assert "nothing was moved: 2 moves are refused" in err
    assert err.count("高橋 監査 (roles auditor) may not move finding") == 2
    with libaudit.Store(db) as s:
        assert state_of(s) == before


def test_cli_decisions_and_bad_usage(drafts, tmp_path, capsys):
    store, audit, created = drafts
    db = store.path
    store.close()
    path = write(tmp_path / "d.csv", "finding,state,note\n" + "".join(f"{f},discarded,重複\n" for f in created))
    assert cli(["finding", "move", db, "--decisions", str(path), "--by", "監査 二郎"]) == 0
    assert "7 findings moved" in capsys.readouterr().out
    assert cli(["finding", "move", db, "--decisions", str(path), "--by", "監査 二郎"]) == 1  # all closed now
    err = capsys.readouterr().err
    assert "nothing was moved: 7 moves are refused" in err and f"{path}:2:1: finding" in err
    with pytest.raises(SystemExit, match="--where takes the new STATE only"):
        cli(["finding", "move", db, "--where", "state=draft", "1", "open", "--by", "x"])
    with pytest.raises(SystemExit, match="KEY one of state, cycle, dept, severity"):
        cli(["finding", "move", db, "--where", "colour=red", "open", "--by", "x"])
    with pytest.raises(SystemExit, match="give FINDING and STATE"):
        cli(["finding", "move", db, "1", "--by", "x"])
