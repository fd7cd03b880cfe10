"""Figures that never move once published (issue #14, docs/scoring.md "As of" and "Publication"):
one point of the trail per computation, close = publish, reopen → late answer → 第2版, and the
report's trail anchor."""

from __future__ import annotations

import json

import pytest
from _followup_util import observation
from _lang import speaking
from _store_util import ACTOR, ready_store, write
from libaudit.errors import CycleStateError, RoleError, ValidationError

import libaudit


@pytest.fixture
def japanese():
    """The package and the core speak Japanese in this test (the CLI: cli(…, lang="ja"))."""
    with speaking("ja"):
        yield


PEOPLE_CSV = """\
name,department,roles
監査 一郎,201,auditor
統括 三郎,201,chief_auditor
CISO 四郎,100,ciso
佐藤 花子,101,security_manager
鈴木 一郎,102,security_manager
"""

ANSWERS = {
    "101": ["implemented", "not_implemented", "partial", "implemented", "not_implemented"],
    "102": ["implemented", "implemented", "not_implemented", "partial", "implemented"],
}
ITEMS = ["7.1", "7.2", "8.1", "8.2", "8.3"]
FORMATS = ("html", "md", "csv", "json")


def rows(answers):
    return [(d, item, a) for d, ans in answers.items() for item, a in zip(ITEMS, ans)]


@pytest.fixture
def world(tmp_path):
    path = tmp_path / "p.db"
    store, si = ready_store(path, tmp_path)
    store.set_body(ACTOR, "テスト市")
    store.people.import_csv(ACTOR, write(tmp_path / "people.csv", PEOPLE_CSV))
    store.import_responses(ACTOR, si, rows(ANSWERS))  # 201 does not answer: a late 課
    cl = store.cycle(si).checklist
    audit = store.create_cycle(ACTOR, name="令和6年度 内部監査", kind="internal_audit", fiscal_year=2024, checklist=cl)
    store.open_cycle(ACTOR, audit)
    yield store, path, si, audit
    store.close()


def every_report(store, cycle, **kw):
    """Every report of the cycle in every format, from one Reporter: {(kind, dept, format): text}."""
    r = libaudit.Reporter(store, cycle, **kw)
    out = {}
    for fmt in FORMATS:
        out[("committee", "", fmt)] = r.render("committee", fmt)
        out[("findings", "", fmt)] = r.render("findings", fmt)
        for d in r.departments():
            out[("department", d, fmt)] = r.render("department", fmt, d)
    return out


def figures(store, cycle):
    return {
        (model, by): [(g.group, g.score, g.applicable, g.excepted) for g in store.score(cycle, model=model, by=by)]
        for model in libaudit.scoring.model_names()
        for by in ("body", "parent", "department", "chapter")
    }


def test_a_closed_cycle_never_moves_whatever_is_approved_raised_or_changed_later(world, tmp_path):
    store, path, si, audit = world
    published = store.close_cycle(ACTOR, si)
    assert published["edition"] == 1 and published["close"]["seq"] + 1 == published["record"]["seq"]
    # The publication holds every model's scores by body, 部, 課 and chapter: the figures score gives.
    rate = published["results"]["models"]["rate"]
    assert [r["score"] for r in rate["body"]] == [store.score(si, by="body").rows[0].score]
    assert set(published["results"]["models"]) == set(libaudit.scoring.model_names())
    before_reports = every_report(store, si)
    before_figures = figures(store, si)

    # After the close: an exception overlapping the 年度 and one of a later period, both approved;
    # a finding raised; people, the organisation (a 課 renamed, a system that changes which items
    # apply) changed.
    x = store.exceptions
    # (The first overlaps the cycle's 年度 and is in force today: counted "as of today" it moved the
    # closed cycle's figures before #14.)
    for start, end in (("2024-10-01", "2027-03-31"), ("2026-10-01", "2027-03-31")):
        x.approve(
            "CISO 四郎", x.request("佐藤 花子", department="101", item="7.2", reason="更新中", start=start, end=end)
        )
    observation(store, "監査 一郎", audit, "101", "7.2")
    store.people.add(ACTOR, "新任 五郎", "102", ["security_manager"])
    store.put_department(ACTOR, code="101", name="総務課（改称）", parent_code="100")
    store.put_system(ACTOR, "文書管理", "101", "lgwan")

    assert store.exceptions.for_scoring(si) == set()  # approved after the close: not for it
    assert figures(store, si) == before_figures
    after_reports = every_report(store, si)
    assert after_reports.keys() == before_reports.keys()
    for key, text in before_reports.items():
        assert after_reports[key] == text, key  # byte for byte, every format
    view = json.loads(before_reports[("committee", "", "json")])
    assert view["edition"]["label"] == "第1版"
    assert view["anchor"]["seq"] == published["record"]["seq"] and view["anchor"]["hash"] == published["record"]["hash"]
    assert (
        f"証跡 {published['record']['seq']}:{published['record']['hash'][:12]}"
        in before_reports[("committee", "", "html")]
    )
    assert store.verify().ok


def test_compare_and_the_committee_report_give_one_figure_per_cycle(world, cli):
    store, path, si, audit = world
    store.close_cycle(ACTOR, si)
    cl = store.cycle(si).checklist
    later = store.create_cycle(ACTOR, name="令和7年度 自己点検", kind="self_inspection", fiscal_year=2025, checklist=cl)
    store.open_cycle(ACTOR, later)
    store.import_responses(ACTOR, later, rows(ANSWERS))
    x = store.exceptions  # counts for 2025 only
    x.approve(
        "CISO 四郎",
        x.request("佐藤 花子", department="101", item="7.2", reason="r", start="2025-04-01", end="2026-03-31"),
    )
    db = str(path)
    alone = json.loads(cli("score", db, "--cycle", str(later), "--by", "body", "--json").stdout)[0]["score"]
    assert alone == 100.0 * store.score(later, by="body").rows[0].score / 100.0
    compared = json.loads(
        cli("score", db, "--cycle", str(later), "--by", "body", "--compare", str(si), "--json").stdout
    )[0]
    earlier = json.loads(cli("score", db, "--cycle", str(si), "--by", "body", "--json").stdout)[0]["score"]
    assert compared["score"] == alone and compared["before"] == earlier
    assert compared["excepted"] == 1
    v = libaudit.Reporter(store, later, compare=si).view("committee")
    assert v["summary"]["rate"] == pytest.approx(alone) and v["summary"]["previous_rate"] == pytest.approx(earlier)


def test_as_of_reads_an_open_cycle_as_the_store_stood_then(world, cli):
    store, path, si, audit = world
    db = str(path)
    x = store.exceptions
    eid = x.request("佐藤 花子", department="101", item="7.2", reason="r", start="2024-04-01", end="2025-03-31")
    today = libaudit.findings.japan_date().isoformat()
    base = json.loads(cli("score", db, "--cycle", str(si), "--by", "body", "--json", "--as-of", today).stdout)[0]
    x.approve("CISO 四郎", eid)
    now = json.loads(cli("score", db, "--cycle", str(si), "--by", "body", "--json").stdout)[0]
    assert base["excepted"] == 0 and now["excepted"] == 1 and now["score"] != base["score"]
    r = cli("score", db, "--cycle", str(si), "--as-of", "2001-04-01", lang="ja")
    assert r.returncode != 0 and "まだ作られていない" in r.stderr and "Traceback" not in r.stderr
    r = cli("score", db, "--cycle", str(si), "--as-of", "4月1日")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    # A closed cycle is always its close: --as-of is said to be unused, and the figures are the same.
    closed = store.close_cycle(ACTOR, si)
    r = cli("score", db, "--cycle", str(si), "--by", "body", "--json", "--as-of", today, lang="ja")
    assert r.returncode == 0 and "締切済みのため --as-of" in r.stderr
    assert json.loads(r.stdout) == json.loads(cli("score", db, "--cycle", str(si), "--by", "body", "--json").stdout)
    assert closed["results"]["models"]["rate"]["body"][0]["score"] == json.loads(r.stdout)[0]["score"]


def test_reopen_late_answer_close_makes_the_second_edition(world, tmp_path, cli, japanese):
    store, path, si, audit = world
    db = str(path)
    r = cli("cycle", "close", db, str(si), lang="ja")
    assert r.returncode == 0 and "第1版として公表" in r.stdout, r.stderr
    # A closed cycle refuses the late 課, saying how to reopen.
    r = cli("export", db, "--cycle", str(si), "--all-depts", "-o", str(tmp_path / "out"))
    assert r.returncode != 0 and "libaudit cycle reopen" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()
    with pytest.raises(CycleStateError, match="cycle reopen"):
        store.import_responses(ACTOR, si, [("201", "7.1", "implemented")])
    # Only the chief auditor or the CISO reopens, and with a reason.
    with pytest.raises(RoleError, match="監査統括責任者"):
        store.reopen_cycle("監査 一郎", si, "市民課の回答が遅れた")
    with pytest.raises(ValidationError, match="理由"):
        store.reopen_cycle("統括 三郎", si, "  ")
    assert store.cycle(si).status == "closed"
    r = cli("cycle", "reopen", db, str(si), "--reason", "市民課の回答が遅れた", "--by", "統括 三郎", lang="ja")
    assert r.returncode == 0 and "再開した" in r.stdout, r.stderr
    store.import_responses(ACTOR, si, [("201", item, "implemented") for item in ITEMS[:3]])
    store.import_responses(ACTOR, si, [("101", "7.2", "implemented")])  # a correction too
    with pytest.raises(CycleStateError, match="締め切られていない"):
        store.reopen_cycle("統括 三郎", si, "二度目")
    second = store.close_cycle(ACTOR, si)
    assert second["edition"] == 2
    with pytest.raises(CycleStateError, match="既に締め切られている"):
        store.close_cycle(ACTOR, si)
    assert len(store.publications(si)) == 2  # the refused close wrote nothing
    changes = second["changes"]
    assert changes["reopening"]["reason"] == "市民課の回答が遅れた" and changes["reopening"]["by"] == "統括 三郎"
    assert changes["late_answers"] == [["101", "7.2", "not_implemented", "implemented"]] + [
        ["201", item, "", "implemented"] for item in ITEMS[:3]
    ]
    moved = {(c["by"], c["group"]) for c in changes["scores"]}
    assert ("body", store.body) in moved and ("department", "201") in moved
    listed = {c["id"]: c for c in json.loads(cli("cycle", "list", db, "--json").stdout)}
    assert listed[si]["edition"] == 2 and listed[audit]["edition"] == 0
    assert "第2版" in cli("cycle", "list", db, lang="ja").stdout
    assert "edition 2" in cli("cycle", "list", db, lang="en").stdout
    # The trail shows both closes, each with its publication.
    assert len(store.cycle_closes(si)) == 2
    trail = store.trail()
    assert [t.key for t in trail if t.entity == "publication"] == [f"[{si},1]", f"[{si},2]"]
    assert [t.entity for t in trail if t.entity in ("reopening",)] == ["reopening"]
    # The reports say 第2版, list the change and mark the late answers.
    reports = every_report(store, si)
    html = reports[("committee", "", "html")]
    assert "第2版での変更" in html and "市民課の回答が遅れた" in html and "統括 三郎" in html
    assert "第2版での変更" in reports[("committee", "", "md")]
    view = json.loads(reports[("committee", "", "json")])
    assert view["edition"]["number"] == 2 and len(view["edition"]["late_answers"]) == 4
    sheet = json.loads(reports[("department", "101", "json")])
    assert [i["id"] for i in sheet["partial"] + sheet["not_implemented"] if i["late"]] == []
    assert "（遅延回答）" not in reports[("department", "102", "md")]
    assert store.verify().ok
    # Every published report anchors the trail: verify --anchor REPORT.json checks it still holds.
    report = write(tmp_path / "committee.json", reports[("committee", "", "json")])
    r = cli("verify", db, "--anchor", str(report), lang="ja")
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"記録 {view['anchor']['seq']} のハッシュ）は証跡にある" in r.stdout
    view["anchor"]["hash"] = "0" * 64
    forged = write(tmp_path / "forged.json", json.dumps(view, ensure_ascii=False))
    r = cli("verify", db, "--anchor", str(forged), lang="ja")
    assert r.returncode == 1 and "アンカー" in r.stdout
    r = cli("verify", db, "--anchor", str(write(tmp_path / "x.json", "{}")), lang="ja")
    assert r.returncode != 0 and "報告書 JSON ではない" in r.stderr and "Traceback" not in r.stderr


@pytest.fixture(params=["en", "ja"])
def language(request):
    with speaking(request.param):
        yield request.param


def test_close_and_reopen_refusals_follow_the_language(world, language):
    """#15: the scoring stage's refusals are English by default and Japanese under "ja" (the
    Japanese as it was before the catalogue)."""
    store, _, si, _ = world
    name = store.cycle(si).name
    with pytest.raises(CycleStateError) as open_one:
        store.reopen_cycle("統括 三郎", si, "理由")
    store.close_cycle(ACTOR, si)
    with pytest.raises(CycleStateError) as closed:
        store.close_cycle(ACTOR, si)
    with pytest.raises(ValidationError) as no_reason:
        store.reopen_cycle("統括 三郎", si, " ")
    with pytest.raises(RoleError) as auditor:
        store.reopen_cycle("監査 一郎", si, "理由")
    if language == "ja":
        assert str(open_one.value) == (
            f"実施回 {si}（{name}）は締め切られていない: 再開できるのは締切済み（closed）の実施回だけ"
        )
        assert str(closed.value) == (
            f"実施回 {si}（{name}）は既に締め切られている: 締め切れるのは開始済み（open）の実施回だけ"
        )
        assert "再開の理由（--reason）を書いてください" in str(no_reason.value)
        assert str(auditor.value) == (
            "監査 一郎 は締め切った実施回を再開できない: "
            "再開できるのは監査統括責任者または最高情報セキュリティ責任者（CISO）"
        )
    else:
        assert str(open_one.value) == f"cycle {si} ({name}) is not closed: only a closed cycle can be reopened"
        assert str(closed.value) == f"cycle {si} ({name}) is closed already: only an open cycle can be closed"
        assert "write the reason for reopening (--reason)" in str(no_reason.value)
        assert str(auditor.value) == (
            "監査 一郎 cannot reopen a closed cycle: a cycle is reopened by the 監査統括責任者 or the "
            "最高情報セキュリティ責任者 (CISO)"
        )
