"""Working papers (監査調書, docs/audit.md): add, judge, raise a finding (link kept), role
refusals writing nothing, trail records, verify clean; the CLI in both languages."""

from __future__ import annotations

import json

import pytest
from _followup_util import audit_world
from libaudit.errors import NotFoundError, RoleError, TransitionError, ValidationError

import libaudit

PEOPLE_CSV = """\
name,department,roles
監査 一郎,201,auditor
監査 二郎,201,auditor
統括 三郎,201,chief_auditor
高橋 監査,101,auditor
佐藤 花子,101,security_manager
"""


@pytest.fixture()
def world(tmp_path):
    store, _, audit = audit_world(tmp_path / "w.db", tmp_path, PEOPLE_CSV)
    yield store, audit, tmp_path / "w.db"
    store.close()


def test_add_judge_raise_keeps_the_link_and_the_trail(world):
    store, audit, _ = world
    wp = store.workpapers
    pid = wp.add("監査 一郎", cycle=audit, department="101", item="7.1", method="書類確認", observed="点検記録なし")
    assert wp.get(pid).method == "document_review" and wp.get(pid).judgement == ""
    wp.judge("監査 一郎", pid, "不適合")
    fid = wp.raise_finding(
        "監査 一郎", pid, severity="minor_nonconformity", due="2025-03-31", recommendation="記録する"
    )
    paper = wp.get(pid)
    assert paper.judgement == "nonconforming" and paper.judgement_label == "不適合"
    assert paper.findings == (fid,)
    assert [p.id for p in wp.for_finding(fid)] == [pid]
    finding = store.findings.get(fid)
    assert finding.condition == "点検記録なし" and list(finding.items) == ["7.1"]
    trail = store.trail()
    assert [t.entity for t in trail[-2:]] == ["finding", "audit_workpaper_finding"]
    assert {t.actor for t in trail if t.entity.startswith("audit_workpaper")} == {"監査 一郎"}
    wp.review("統括 三郎", pid, "確認")
    with pytest.raises(TransitionError):
        wp.judge("監査 一郎", pid, "observation")
    assert store.verify().ok


def test_role_refusals_write_nothing(world):
    store, audit, _ = world
    before = store.trail()
    fields = {"cycle": audit, "department": "101", "item": "7.1", "method": "interview", "observed": "x"}
    with pytest.raises(RoleError, match="101"):
        store.workpapers.add("高橋 監査", **fields)  # 兼務の禁止
    with pytest.raises(RoleError):
        store.workpapers.add("佐藤 花子", **fields)  # not on the audit team
    pid = store.workpapers.add("監査 一郎", **fields, judgement="conforming")
    after_add = store.trail()
    with pytest.raises(TransitionError):  # a finding is not raised from a 適合 entry
        store.workpapers.raise_finding("監査 一郎", pid, severity="observation", due="2025-03-31")
    with pytest.raises(RoleError):
        store.workpapers.review("監査 二郎", pid)
    assert store.trail() == after_add and len(after_add) == len(before) + 1


def test_cli_workpaper(world, cli):
    store, audit, db = world
    store.close()
    add = ["workpaper", "add", str(db), "--cycle", str(audit), "--dept", "102", "--item", "7.2"]
    r = cli(*add, "--method", "ヒアリング", "--observed", "手順書が古い", "--as", "監査 二郎", "--date", "2024-11-05")
    assert r.returncode == 0, r.stderr
    pid = r.stdout.strip()
    assert cli("workpaper", "judge", str(db), pid, "observation", "--as", "監査 二郎").returncode == 0
    r = cli(
        "workpaper",
        "raise-finding",
        str(db),
        pid,
        "--severity",
        "observation",
        "--due",
        "2025-03-31",
        "--as",
        "監査 二郎",
    )
    assert r.returncode == 0, r.stderr
    r = cli("workpaper", "show", str(db), pid, "--json")
    paper = json.loads(r.stdout)
    assert paper["method"] == "interview" and paper["examined_on"] == "2024-11-05" and len(paper["findings"]) == 1
    r = cli("workpaper", "list", str(db), "--cycle", str(audit), lang="ja")
    assert r.returncode == 0 and "ヒアリング" in r.stdout and "観察" in r.stdout
    r = cli(*add, "--method", "見た", "--observed", "x", "--as", "監査 二郎")
    assert r.returncode == 1 and "unknown method" in r.stderr
    r = cli("workpaper", "review", str(db), pid, "--as", "監査 二郎", lang="ja")
    assert r.returncode == 1 and "監査統括責任者" in r.stderr


def test_the_audit_report_cites_the_working_papers_and_the_workpapers_report(world):
    store, audit, _ = world
    wp = store.workpapers
    pid = wp.add("監査 一郎", cycle=audit, department="101", item="7.1", method="現地確認", observed="施錠されていない")
    wp.judge("監査 一郎", pid, "observation")
    fid = wp.raise_finding("監査 一郎", pid, severity="observation", due="2025-03-31")
    view = libaudit.Reporter(store, audit).view("audit")
    row = next(r for r in view["findings"]["rows"] if r["id"] == fid)
    assert row["has_workpapers"] and row["workpapers"][0]["number"] == f"調書No.{pid}"
    assert row["workpapers"][0]["method_label"] == "現地確認"
    html = libaudit.render(store, "audit", cycle=audit, format="html")
    assert f"調書No.{pid}" in html and "施錠されていない" in html
    md = libaudit.render(store, "workpapers", cycle=audit, format="md")
    assert f"調書No.{pid}" in md and "観察" in md and f"No.{fid}" in md
    csv_text = libaudit.render(store, "workpapers", cycle=audit, format="csv")
    assert "監査手続" in csv_text.splitlines()[0]


def test_working_paper_takes_evidence_files(world, cli):
    store, audit, db = world
    pid = store.workpapers.add(
        "監査 一郎", cycle=audit, department="101", item="7.1", method="document_review", observed="記録簿を確認"
    )
    png = db.parent / "screen.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    before = store.trail()
    with pytest.raises(NotFoundError, match="working paper"):
        store.evidence.add("監査 一郎", "working_paper", str(pid + 99), png)
    with pytest.raises(ValidationError, match="number"):
        store.evidence.add("監査 一郎", "working_paper", "x", png)
    assert store.trail() == before and store.evidence.list() == []
    store.close()
    r = cli(
        "evidence", "add", str(db), str(png), "--to", f"working_paper:{pid}", "--title", "画面", "--as", "監査 一郎"
    )
    assert r.returncode == 0, r.stderr
    r = cli("workpaper", "show", str(db), str(pid))
    assert r.returncode == 0, r.stderr
    assert "画面" in r.stdout and "screen.png" in r.stdout and "active" in r.stdout
    sha = json.loads(cli("evidence", "list", str(db), "--json").stdout)[0]["sha256"]
    assert sha[:12] in r.stdout
    shown = json.loads(cli("workpaper", "show", str(db), str(pid), "--json").stdout)
    assert [(f["title"], f["revision"]) for f in shown["evidence"]] == [("画面", 1)]
    r = cli("evidence", "add", str(db), str(png), "--to", "working_paper:999", "--as", "監査 一郎")
    assert r.returncode == 1 and "no working paper with id 999" in r.stderr
