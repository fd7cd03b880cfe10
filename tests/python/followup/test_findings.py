"""Findings and exceptions from Python and the CLI (docs/findings.md): the state machine (every
allowed transition, every disallowed one leaving the database unchanged), separation of duties,
overdue and expiry at day boundaries in Japan time, 横展開, promotion, exceptions changing the
scores exactly per the applicability rule, verify on the new tables, migration from schema 1."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from _followup_util import audit_world, observation
from _lang import speaking
from _store_util import ACTOR, ready_store, write
from libaudit.cli import main as cli
from libaudit.errors import CycleStateError, NotFoundError, RoleError, TransitionError, ValidationError
from libaudit.findings import STATES, TRANSITIONS, japan_date

import libaudit

UTC = dt.timezone.utc
ALLOWED = {(r.from_state, r.to_state) for r in TRANSITIONS}
ALL_STATES = [s for s, _ in STATES]

PEOPLE_CSV = """\
name,department,roles
監査 一郎,201,auditor
監査 二郎,201,auditor
統括 三郎,201,chief_auditor
CISO 四郎,100,ciso
佐藤 花子,101,security_manager
鈴木 一郎,102,security_manager;system_administrator
山田 太郎,100,security_officer
高橋 監査,101,auditor
"""


@pytest.fixture()
def world(tmp_path):
    store, si, audit = audit_world(tmp_path / "f.db", tmp_path, PEOPLE_CSV)
    store.put_system(ACTOR, "人事給与", "102", "lgwan")
    yield store, si, audit
    store.close()


def raise_one(store, audit, dept="101", due="2025-03-31", items=("7.1",)):
    return store.findings.open(
        "監査 一郎",
        cycle=audit,
        department=dept,
        items=list(items),
        severity="minor_nonconformity",
        condition="監視記録なし",
        due=due,
        evidence="ログ確認",
        recommendation="記録を残すこと",
    )


def actor_for(frm: str, to: str) -> str:
    if to == "risk_accepted":
        return "CISO 四郎"
    if frm in ("draft", "remediation_reported"):
        return "監査 二郎"
    return "佐藤 花子"


PATH = ["open", "plan_submitted", "in_remediation", "remediation_reported", "verified"]


_DEPT_SEQ = iter(range(10**6))  # shared by every call, so successive findings get other items


def finding_in(store, si, audit, state, dept_seq=_DEPT_SEQ):
    f = store.findings
    if state in ("draft", "discarded"):
        item = ["7.1", "7.2", "8.1", "8.2", "8.3"][next(dept_seq) % 5]
        store.import_responses(ACTOR, si, [("101", item, "not_implemented")])
        created, _ = f.promote("監査 一郎", si, audit)
        fid = created[0]
        if state == "discarded":
            f.move("監査 二郎", fid, "discarded")
        return fid
    fid = raise_one(store, audit)
    if state == "risk_accepted":
        f.move("CISO 四郎", fid, "risk_accepted")
        return fid
    for a, b in zip(PATH, PATH[1:]):
        if a == state:
            break
        f.move(actor_for(a, b), fid, b)
    return fid


def snapshot(store):
    """Trail head and row counts of the follow-up tables, read behind the library's back."""
    con = sqlite3.connect(store.path)
    try:
        counts = tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("findings", "finding_transitions", "check_requests", "exceptions", "people")
        )
        head = con.execute("SELECT max(seq), (SELECT hash FROM trail ORDER BY seq DESC LIMIT 1) FROM trail").fetchone()
        states = tuple(con.execute("SELECT id, state, updated_at FROM findings ORDER BY id").fetchall())
    finally:
        con.close()
    return counts, head, states


def test_table_matches_the_issue():
    assert {
        ("open", "plan_submitted"),
        ("plan_submitted", "in_remediation"),
        ("in_remediation", "remediation_reported"),
        ("remediation_reported", "verified"),
        ("open", "risk_accepted"),
        ("plan_submitted", "risk_accepted"),
        ("remediation_reported", "in_remediation"),
        ("draft", "open"),
        ("draft", "discarded"),
    } == ALLOWED
    assert all(r.roles == ("ciso",) for r in TRANSITIONS if r.to_state == "risk_accepted")


@pytest.mark.parametrize("rule", TRANSITIONS, ids=lambda r: f"{r.from_state}->{r.to_state}")
def test_every_allowed_transition(world, rule):
    store, si, audit = world
    fid = finding_in(store, si, audit, rule.from_state)
    assert store.findings.get(fid).state == rule.from_state
    store.findings.move(actor_for(rule.from_state, rule.to_state), fid, rule.to_state, note="メモ")
    f = store.findings.get(fid)
    assert f.state == rule.to_state
    last = store.findings.history(fid)[-1]
    assert (last.from_state, last.to_state, last.note, last.by) == (
        rule.from_state,
        rule.to_state,
        "メモ",
        actor_for(rule.from_state, rule.to_state),
    )
    assert store.verify().ok


def test_every_disallowed_transition_fails_and_changes_nothing(world):
    store, si, audit = world
    tried = 0
    for frm in ALL_STATES:
        fid = finding_in(store, si, audit, frm)
        for to in ALL_STATES:
            if (frm, to) in ALLOWED:
                continue
            before = snapshot(store)
            for who in ("CISO 四郎", "統括 三郎", "佐藤 花子", "監査 二郎"):
                with pytest.raises(TransitionError) as e:
                    store.findings.move(who, fid, to)
                assert isinstance(e.value, ValueError)
                assert str(fid) in str(e.value) and to in str(e.value)
            assert snapshot(store) == before
            tried += 1
    assert tried == len(ALL_STATES) ** 2 - len(ALLOWED)
    assert store.verify().ok


def test_roles_and_separation_of_duties(world):
    store, si, audit = world
    f = store.findings

    before = snapshot(store)
    with speaking("ja"), pytest.raises(RoleError) as e:  # 兼務の禁止: 高橋 belongs to 101
        observation(store, "高橋 監査", audit, "101")
    assert isinstance(e.value, PermissionError) and "兼務" in str(e.value)
    with pytest.raises(RoleError):  # not an auditor
        observation(store, "佐藤 花子", audit, "102")
    with pytest.raises(NotFoundError):
        observation(store, "誰か", audit, "102")
    with pytest.raises(CycleStateError):  # a self-inspection takes no findings
        observation(store, "監査 一郎", si, "102")
    with pytest.raises(ValidationError):
        observation(store, "監査 一郎", audit, "102", "9.9")
    assert snapshot(store) == before
    fid = f.open(
        "高橋 監査",
        cycle=audit,
        department="102",
        items="7.1,8.2",
        severity="重大な不適合",
        condition="x",
        due="2025-03-31",
    )
    assert f.get(fid).severity == "major_nonconformity"
    assert f.get(fid).criterion.splitlines()[0].startswith("7(1) 情報セキュリティ管理者は")

    fid = raise_one(store, audit, "101")
    for who, to in (("鈴木 一郎", "plan_submitted"), ("監査 一郎", "plan_submitted"), ("監査 一郎", "risk_accepted")):
        with pytest.raises(RoleError):
            f.move(who, fid, to)
    f.move("山田 太郎", fid, "plan_submitted")  # the 部's security_officer acts for its 課
    f.move("佐藤 花子", fid, "in_remediation")
    # An auditor who is also the 課's manager reports the remediation: they cannot verify it.
    store.people.add(ACTOR, "監査 二郎", "101", "auditor security_manager")
    f.move("監査 二郎", fid, "remediation_reported")
    assert f.get(fid).remediated_by == "監査 二郎"
    store.people.add(ACTOR, "監査 二郎", "201", ["auditor", "security_manager"])
    before = snapshot(store)
    with pytest.raises(RoleError, match="remediat"):
        f.move("監査 二郎", fid, "verified")
    with pytest.raises(RoleError):
        f.move("監査 二郎", fid, "in_remediation")
    with pytest.raises(RoleError):
        f.move("高橋 監査", fid, "verified")  # of the 課
    assert snapshot(store) == before
    f.move("監査 一郎", fid, "in_remediation", "証跡不足")  # sent back by a verifier
    f.move("佐藤 花子", fid, "remediation_reported")
    f.move("監査 二郎", fid, "verified")  # 佐藤 is the remediator now
    assert [t.to_state for t in f.history(fid)] == [
        "plan_submitted",
        "in_remediation",
        "remediation_reported",
        "in_remediation",
        "remediation_reported",
        "verified",
    ]
    assert store.verify().ok


def jst(y, m, d, hh, mm):
    """A UTC datetime for a wall-clock time in Japan."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=dt.timezone(dt.timedelta(hours=9))).astimezone(UTC)


def test_overdue_at_day_boundaries_in_japan(world):
    store, si, audit = world
    a = raise_one(store, audit, "101", due="2025-03-31")
    b = raise_one(store, audit, "102", due="2025-03-30")
    c = raise_one(store, audit, "102", due="2025-03-01")
    store.findings.move("CISO 四郎", c, "risk_accepted")
    last_minute, midnight = jst(2025, 3, 31, 23, 59), jst(2025, 4, 1, 0, 0)
    assert last_minute.isoformat() == "2025-03-31T14:59:00+00:00"
    assert japan_date(last_minute) == dt.date(2025, 3, 31)
    assert japan_date(midnight) == dt.date(2025, 4, 1)
    assert japan_date("2025-03-31T15:00:00Z") == dt.date(2025, 4, 1)
    assert [f.id for f in store.findings.overdue(last_minute)] == [b]
    late = store.findings.overdue(midnight)
    assert [(f.id, f.days_overdue) for f in late] == [(b, 2), (a, 1)]
    groups = store.findings.overdue_by_department(midnight)
    assert [(g.department, g.count, g.oldest_days, g.findings) for g in groups] == [
        ("101", 1, 1, (a,)),
        ("102", 1, 2, (b,)),
    ]
    assert [f.id for f in store.findings.list(overdue=True, today=last_minute)] == [b]
    assert store.findings.get(a).is_overdue(midnight) and not store.findings.get(a).is_overdue(last_minute)
    store.findings.move("佐藤 花子", a, "plan_submitted")  # still owed: still overdue
    assert a in [f.id for f in store.findings.overdue("2025-04-01")]


def test_spread_to_several_departments_with_mixed_answers(world):
    store, si, audit = world
    f = store.findings
    fid = raise_one(store, audit, "101", items=("7.1",))
    ids = f.spread("統括 三郎", fid)  # 7.1 applies to every 課: 102 and 201
    assert [c.department for c in f.checks(fid)] == ["102", "201"]
    assert f.spread("統括 三郎", fid, ["102"]) == []  # asked already
    assert f.get(fid).checks_open == 2
    with pytest.raises(RoleError):
        f.answer_check("佐藤 花子", ids[0], "checked_no_issue")  # not of 102
    assert f.answer_check("鈴木 一郎", ids[0], "same_issue_found", "同様の不備あり") > 0
    linked = f.get(f.checks(fid)[0].linked_finding)
    assert (linked.department, linked.source_finding, linked.state, linked.items) == ("102", fid, "open", ("7.1",))
    with pytest.raises(TransitionError):
        f.answer_check("鈴木 一郎", ids[0], "checked_no_issue")
    store.people.add(ACTOR, "市民 課長", "201", "security_manager")
    assert f.answer_check("市民 課長", ids[1], "checked_no_issue") == 0
    assert (f.get(fid).checks_open, f.get(fid).checks_total) == (0, 2)
    # A system-owners-only item would go only to 課 owning a system; here, chosen 課.
    other = raise_one(store, audit, "102", items=("8.1",))
    assert len(f.spread("監査 一郎", other, ["101", "201"])) == 2
    assert f.get(other).checks_open == 2
    assert store.verify().ok


def test_promotion_to_drafts(world):
    store, si, audit = world
    store.import_responses(
        ACTOR,
        si,
        [
            ("101", "7.1", "not_implemented"),
            ("101", "7.2", "partial"),
            ("102", "8.1", "not_implemented"),
            ("201", "8.2", "implemented"),
        ],
    )
    created, skipped = store.findings.promote("監査 一郎", si, audit)
    assert len(created) == 2 and skipped == 0
    drafts = [store.findings.get(i) for i in created]
    assert {(d.department, d.items, d.state, d.severity) for d in drafts} == {
        ("101", ("7.1",), "draft", "minor_nonconformity"),
        ("102", ("8.1",), "draft", "minor_nonconformity"),
    }
    assert all(d.due == "2025-03-31" and d.promoted_from == si for d in drafts)
    assert store.findings.overdue("2030-01-01") == []
    created2, skipped2 = store.findings.promote("監査 一郎", si, audit, include_partial=True)
    assert len(created2) == 1 and skipped2 == 2
    assert store.findings.get(created2[0]).severity == "observation"
    # Confirm one, discard one; confirming against one's own 課 is refused.
    with pytest.raises(RoleError):
        store.findings.move("高橋 監査", created[0], "open")
    store.findings.move("監査 二郎", created[0], "open")
    store.findings.move("監査 二郎", created[1], "discarded")
    assert store.findings.get(created[0]).state == "open"
    assert store.verify().ok


def test_exceptions_change_scores_exactly_per_the_rule(world):
    """docs/scoring.md, "As of": an exception counts for a cycle when it is approved at the point
    the cycle is read at and its period overlaps the cycle's 年度 (here 2024)."""
    store, si, audit = world
    store.import_responses(ACTOR, si, [("101", "7.1", "not_implemented"), ("102", "7.1", "implemented")])
    x = store.exceptions

    def body(as_of=None):
        row = store.score(si, by="body", as_of=as_of).rows[0]
        return row.score, row.excepted, row.applicable

    with pytest.raises(RoleError):
        x.request("鈴木 一郎", department="101", item="7.1", reason="r", start="2025-01-01", end="2025-01-31")
    eid = x.request(
        "佐藤 花子",
        department="101",
        item="7.1",
        reason="監視装置更新中",
        compensating_measure="目視確認",
        start="2025-01-01",
        end="2025-01-31",
    )
    base = body()
    assert base[0] == 50.0 and base[1] == 0  # requested: nothing changes
    with pytest.raises(RoleError):
        x.approve("統括 三郎", eid)
    x.approve("CISO 四郎", eid, "やむを得ない")
    assert x.get(eid).status == "approved"
    assert body() == (100.0, 1, base[2] - 1)
    assert store.score(si, by="body", exceptions=()).rows[0].score == 50.0
    assert x.for_scoring(si) == {("101", "7.1")}
    # An as-of day before the cycle existed is refused, not read as an empty store.
    with speaking("ja"), pytest.raises(ValidationError, match="まだ作られていない"):
        body("2020-01-01")
    # Queries by day still say what is in force, expiring or expired on that day.
    assert [e.id for e in x.in_force("2025-01-15")] == [eid] and x.in_force("2025-02-01") == []
    assert [e.id for e in x.expiring(7, "2025-01-24")] == [eid]
    assert x.expiring(7, "2025-01-23") == []
    assert [e.id for e in x.expired("2025-02-01")] == [eid] and x.expired("2025-01-31") == []
    # A period outside the 年度 does not count for the cycle.
    later = x.request("鈴木 一郎", department="102", item="7.1", reason="r", start="2025-04-01", end="2025-09-30")
    x.approve("CISO 四郎", later)
    assert body() == (100.0, 1, base[2] - 1)
    # Rejected: never counted.
    rid = x.request("鈴木 一郎", department="102", item="7.1", reason="r", start="2025-01-01", end="2025-12-31")
    x.reject("CISO 四郎", rid, "理由不十分")
    assert body() == (100.0, 1, base[2] - 1)
    with pytest.raises(TransitionError):
        x.approve("CISO 四郎", rid)
    assert store.verify().ok


def test_emergency_exceptions_are_late_after_the_window(world):
    store, si, audit = world
    x = store.exceptions
    eid = x.request(
        "鈴木 一郎",
        department="102",
        item="8.2",
        system="人事給与",
        reason="障害対応",
        compensating_measure="手作業",
        start="2025-01-01",
        end="2025-01-10",
        emergency=True,
    )
    assert x.get(eid).status == "taken"
    assert not x.get(eid, today=jst(2025, 1, 8, 23, 59)).late
    assert x.get(eid, today=jst(2025, 1, 9, 0, 0)).late
    assert not x.get(eid, today="2025-01-10", report_days=14).late
    assert [e.id for e in x.late(today="2025-01-09")] == [eid]
    with pytest.raises(TransitionError):
        x.approve("CISO 四郎", eid)  # report it first
    with pytest.raises(ValidationError):
        x.request(
            "鈴木 一郎",
            department="102",
            item="8.2",
            system="存在しない",
            reason="r",
            start="2025-01-01",
            end="2025-01-10",
        )
    x.report("鈴木 一郎", eid, "事後報告")
    assert x.get(eid).status == "reported"
    x.approve("CISO 四郎", eid)
    assert store.verify().ok


def test_verify_catches_tampering(world, tmp_path):
    store, si, audit = world
    fid = raise_one(store, audit)
    store.findings.move("佐藤 花子", fid, "plan_submitted", "計画")
    store.findings.spread("統括 三郎", fid, ["102"])
    eid = store.exceptions.request(
        "佐藤 花子", department="101", item="7.1", reason="r", start="2025-01-01", end="2025-01-31"
    )
    assert store.verify().ok
    path = store.path
    store.close()
    con = sqlite3.connect(path)
    con.execute("UPDATE findings SET due = '2099-12-31' WHERE id = ?", (fid,))
    con.execute("UPDATE finding_transitions SET by = '別人'")
    con.execute("UPDATE exceptions SET status = 'approved' WHERE id = ?", (eid,))
    con.execute("DELETE FROM check_requests")
    con.execute("UPDATE people SET roles = 'ciso' WHERE name = '佐藤 花子'")
    con.commit()
    con.close()
    with libaudit.Store(path) as s:
        problems = {(p.table, p.kind) for p in s.verify().problems}
    assert problems == {
        ("findings", "altered"),
        ("finding_transitions", "altered"),
        ("exceptions", "altered"),
        ("check_requests", "deleted"),
        ("people", "altered"),
    }


def test_a_schema_1_store_migrates(tmp_path):
    path = tmp_path / "v1.db"
    store, si = ready_store(path, tmp_path)
    store.close()
    con = sqlite3.connect(path)
    con.executescript(
        "DROP TABLE people; DROP TABLE findings; DROP TABLE finding_transitions; "
        "DROP TABLE check_requests; DROP TABLE exceptions; DROP TABLE publications; DROP TABLE reopenings; "
        "DROP TABLE questionnaire_exports; DROP TABLE questionnaire_submissions; DROP TABLE audit_workpaper_findings; "
        "DROP TABLE audit_workpapers; "
        "DROP TABLE audit_plan_entries; DROP TABLE audit_plans; "
        "DROP INDEX trail_seals; DROP INDEX trail_entity; ALTER TABLE trail DROP COLUMN mac; "
        "ALTER TABLE cycles DROP COLUMN secretariat; "
        "DROP TABLE evidence; DROP TABLE evidence_settings; "
        "DROP TABLE schema_versions; ALTER TABLE trail DROP COLUMN state_size; PRAGMA user_version = 1;"
    )
    con.close()
    with libaudit.Store(path) as s:
        assert s.schema_version == 4  # per-component versions since #12 (was 3)
        s.people.add(ACTOR, "監査 一郎", "201", "auditor")
        assert [p.name for p in s.people.list()] == ["監査 一郎"]
        assert s.verify().ok


def test_people_import_reports_every_bad_row(world, tmp_path):
    store, si, audit = world
    bad = write(tmp_path / "bad.csv", "name,department,roles\nA,999,auditor\nB,101,wizard\n,101,auditor\n")
    with pytest.raises(libaudit.ImportValidationError) as e:
        store.people.import_csv(ACTOR, bad)
    assert [d.line for d in e.value.diagnostics] == [2, 3, 4]
    assert store.people.get("鈴木 一郎").roles == ("security_manager", "system_administrator")


def test_cli(world, tmp_path, capsys):
    store, si, audit = world
    db = store.path
    store.close()
    assert (
        cli(
            [
                "person",
                "import",
                db,
                str(write(tmp_path / "p2.csv", "name,department,roles\n新人,102,staff\n")),
                "--as",
                ACTOR,
            ]
        )
        == 0
    )
    assert "1 new" in capsys.readouterr().out
    assert (
        cli(
            [
                "finding",
                "open",
                db,
                "--cycle",
                str(audit),
                "--dept",
                "101",
                "--items",
                "7.1,8.2",
                "--severity",
                "major_nonconformity",
                "--by",
                "監査 一郎",
                "--due",
                "2025-03-31",
                "--condition",
                "監視なし",
                "--recommendation",
                "監視すること",
            ]
        )
        == 0
    )
    fid = int(capsys.readouterr().out.strip())
    assert cli(["finding", "move", db, str(fid), "plan_submitted", "--by", "佐藤 花子", "--note", "計画"]) == 0
    assert "改善計画提出済" in capsys.readouterr().out
    assert cli(["finding", "move", db, str(fid), "verified", "--by", "監査 一郎"]) == 1
    assert "cannot become verified" in capsys.readouterr().err
    with speaking("ja"):
        assert cli(["finding", "list", db, "--today", "2025-04-01"]) == 0
    out = capsys.readouterr().out
    assert "重大な不適合" in out and "改善計画提出済" in out and "1日超過" in out
    assert cli(["finding", "list", db, "--overdue", "--today", "2025-04-01", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["severity"], r["state"], r["days_overdue"]) for r in rows] == [
        (fid, "major_nonconformity", "plan_submitted", 1)
    ]
    assert cli(["finding", "list", db, "--by-dept", "--today", "2025-04-02", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["oldest_days"] == 2
    assert cli(["finding", "spread", db, str(fid), "--all", "--by", "統括 三郎"]) == 0
    assert "2 check requests" in capsys.readouterr().out
    req = [c for c in libaudit.Store(db).findings.checks(fid) if c.department == "102"][0].id
    assert cli(["finding", "answer-check", db, str(req), "same_issue_found", "--by", "鈴木 一郎"]) == 0
    assert "linked finding" in capsys.readouterr().out
    with speaking("ja"):
        assert cli(["finding", "show", db, str(fid)]) == 0
    out = capsys.readouterr().out
    assert "横展開: 1/2 未回答" in out and "同様の問題あり" in out
    assert cli(["finding", "show", db, str(fid), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["history"]) == 1
    with libaudit.Store(db) as s:
        s.import_responses(ACTOR, si, [("102", "7.2", "not_implemented")])
    assert cli(["finding", "promote", db, "--cycle", str(si), "--into", str(audit), "--by", "監査 一郎"]) == 0
    assert "1 draft finding" in capsys.readouterr().out
    assert (
        cli(
            [
                "exception",
                "request",
                db,
                "--dept",
                "101",
                "--item",
                "7.1",
                "--reason",
                "更新中",
                "--measure",
                "目視",
                "--start",
                "2025-01-01",
                "--end",
                "2025-01-31",
                "--by",
                "佐藤 花子",
            ]
        )
        == 0
    )
    eid = int(capsys.readouterr().out.strip())
    assert cli(["exception", "approve", db, str(eid), "--by", "佐藤 花子"]) == 1
    assert "CISO" in capsys.readouterr().err
    assert cli(["exception", "approve", db, str(eid), "--by", "CISO 四郎"]) == 0
    assert cli(["exception", "list", db, "--which", "expiring", "--days", "10", "--today", "2025-01-25", "--json"]) == 0
    assert [e["id"] for e in json.loads(capsys.readouterr().out)] == [eid]
    with speaking("ja"):
        assert cli(["exception", "list", db, "--today", "2025-02-01"]) == 0
    assert "期間満了" in capsys.readouterr().out
    assert cli(["person", "list", db, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 9
    assert cli(["verify", db]) == 0


def test_docs_render_the_code_table():
    """docs/findings.md's state-machine table is the code's table (kTransitions)."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "findings.md").read_text(encoding="utf-8")
    section = text.split("### The state machine", 1)[1].split("Read against the issue", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            rows.append(
                (
                    cells[0].split("`")[1],
                    cells[1].split("`")[1],
                    tuple(r.strip("` ") for r in cells[2].split(",")),
                    cells[3],
                )
            )
    assert rows == [(r.from_state, r.to_state, r.roles, r.note) for r in TRANSITIONS]
