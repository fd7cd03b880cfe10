"""The reports of the audit stage's second part (docs/audit.md): the audit report lists the
evidence files examined per finding (its own and its working papers'), the 監査調書 report each
entry's files, and the committee report the plan's coverage (監査実施状況)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from _followup_util import audit_world
from _store_util import ACTOR, CHECKLIST_YAML, write
from libaudit.demo import STORY_DAY, build_demo_store, demo_day, evidence_files
from libaudit.evidence import sniff

import libaudit
from libaudit import _core

REPO = Path(__file__).resolve().parents[3]
KOMAKI = REPO / "checklists" / "komaki" / "taisaku-kijun.yaml"

PEOPLE_CSV = """\
name,department,roles
監査 一郎,201,auditor
"""


@pytest.fixture()
def audited(tmp_path):
    store, si, audit = audit_world(tmp_path / "a.db", tmp_path, PEOPLE_CSV)
    wp = store.workpapers
    pid = wp.add("監査 一郎", cycle=audit, department="101", item="7.1", method="書類確認", observed="記録簿なし")
    wp.judge("監査 一郎", pid, "不適合")
    fid = wp.raise_finding("監査 一郎", pid, severity="minor_nonconformity", due="2025-03-31")
    csv = write(tmp_path / "log.csv", "日付,件数\n2024-10-01,3\n")
    png = tmp_path / "screen.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    on_paper = store.evidence.add(
        "監査 一郎", "working_paper", str(pid), png, title="権限設定画面", evidence_date="2024-10-02"
    )
    on_finding = store.evidence.add("監査 一郎", "finding", str(fid), csv, title="持出しログ")
    gone = store.evidence.add("監査 一郎", "finding", str(fid), png, title="誤って添付", file_name="x.png")
    store.evidence.withdraw("監査 一郎", gone.id, "別の課")
    yield store, audit, pid, fid, on_paper, on_finding
    store.close()


def test_the_audit_report_lists_the_evidence_examined_per_finding(audited):
    store, audit, pid, fid, on_paper, on_finding = audited
    row = next(r for r in libaudit.Reporter(store, audit).view("audit")["findings"]["rows"] if r["id"] == fid)
    assert row["has_evidence_files"]
    files = [
        (f["title"], f["file_name"], f["evidence_date"], f["sha256_short"], f["via"]) for f in row["evidence_files"]
    ]
    assert files == [
        ("持出しログ", "log.csv", "—", on_finding.sha256[:12], ""),
        ("権限設定画面", "screen.png", "2024-10-02", on_paper.sha256[:12], f"調書No.{pid}"),
    ]  # the withdrawn file is not evidence examined
    md = libaudit.render(store, "audit", cycle=audit, format="md")
    assert "- 確認した証跡：" in md
    assert f"  - 権限設定画面（screen.png、証跡日付 2024-10-02、SHA-256 {on_paper.sha256[:12]}）［調書No.{pid}］" in md
    assert "誤って添付" not in md
    html = libaudit.render(store, "audit", cycle=audit, format="html")
    assert "確認した証跡" in html and on_finding.sha256[:12] in html


def test_the_workpapers_report_lists_each_entrys_files(audited):
    store, audit, pid, _, on_paper, _ = audited
    view = libaudit.Reporter(store, audit).view("workpapers")
    paper = view["workpapers"]["departments"][0]["papers"][0]
    assert paper["id"] == pid and [f["title"] for f in paper["evidence_files"]] == ["権限設定画面"]
    md = libaudit.render(store, "workpapers", cycle=audit, format="md")
    assert f"  - 権限設定画面（screen.png、証跡日付 2024-10-02、SHA-256 {on_paper.sha256[:12]}）" in md


def test_the_committee_report_shows_the_plans_coverage(tmp_path):
    with libaudit.Store(tmp_path / "c.db") as s:
        depts = [{"code": "B", "name": "総務部"}] + [
            {"code": f"K{i}", "name": f"第{i}課", "parent_code": "B"} for i in range(1, 5)
        ]
        s.import_departments(ACTOR, depts)
        cl = s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(CHECKLIST_YAML, "test.yaml"))
        si = s.create_cycle(ACTOR, name="令和8年度 自己点検", kind="self_inspection", fiscal_year=2026, checklist=cl)
        view = libaudit.Reporter(s, si).view("committee")
        assert not view["audit_coverage"]["has"]  # no audit at all: nothing shown
        assert "監査実施状況" not in libaudit.render(s, "committee", cycle=si, format="md")
        for year, targets in [(2023, ["K1"]), (2025, ["K2"]), (2026, ["K3"])]:
            s.create_cycle(
                ACTOR, name=f"監査{year}", kind="internal_audit", fiscal_year=year, checklist=cl, departments=targets
            )
        c = libaudit.Reporter(s, si).view("committee")["audit_coverage"]
        assert (c["this_year"], c["total"], c["rotation"], c["in_period"], c["percent"]) == (1, 4, 3, 2, 50)
        assert [d["code"] for d in c["not_audited"]] == ["K1", "K4"]  # K1's audit is older than 3 年度
        md = libaudit.render(s, "committee", cycle=si, format="md")
        assert "監査実施状況：今年度 1課 / 全4課、過去3年間 2課（50%）" in md
        assert "過去3年間に監査していない課（2課）：第1課（K1）　第4課（K4）" in md


def _demo_example():
    spec = importlib.util.spec_from_file_location("libaudit_demo_example", REPO / "examples" / "demo.py")
    assert spec and spec.loader
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    return demo


def test_the_demo_evidence_files_are_accepted_and_deterministic(tmp_path):
    made = evidence_files(tmp_path / "a")
    again = evidence_files(tmp_path / "b")
    kinds = {k: sniff(p) for k, p in made.items()}
    assert kinds == {"png": ("image/png", ""), "pdf": ("application/pdf", ""), "csv": ("text/csv", "")}
    assert all(made[k].read_bytes() == again[k].read_bytes() for k in made)


def test_the_demo_audit_report_shows_evidence_and_renders_as_of_the_demo_day(tmp_path, cli, monkeypatch):
    """`make demo`'s audit on a fresh store: its evidence files in the audit report, and the CLI's
    `--as-of` the demo's day works whatever the machine's clock (the demo's fixed 2026-04-15 was
    before the records it reports on when the demo is built later: "cycle 3 did not exist yet")."""
    demo = _demo_example()
    monkeypatch.setattr(demo, "OUT", tmp_path)
    db = tmp_path / "demo.db"
    build_demo_store(db, KOMAKI)
    demo.step_findings(db)
    demo.step_workpapers(db)
    assert demo_day() >= _core.japan_date(None) and demo_day() >= STORY_DAY
    with libaudit.Store(db, create=False) as store:
        audit = next(c for c in store.cycles() if c.kind == "internal_audit")
    r = cli("report", "audit", str(db), "--cycle", str(audit.id), "--as-of", demo_day(), "--format", "md", "-o", "-")
    assert r.returncode == 0, r.stderr
    assert "確認した証跡" in r.stdout and "password-register.pdf" in r.stdout and "change-log.csv" in r.stdout
    assert cli("verify", str(db)).returncode == 0
