"""The audit plan (docs/audit.md): a proposal for the demo body explained row by row and
reproducible, 兼務の禁止 enforced at planning (refused, the store's bytes unchanged), every 課
planned within the rotation period over random bodies, the CLI in both languages."""

from __future__ import annotations

import json
import math
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from _store_util import ACTOR, CHECKLIST_YAML
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libaudit.demo import AUDIT_TEAM, SYSTEMS, build_demo_store
from libaudit.errors import RoleError, TransitionError

import libaudit

REPO = Path(__file__).resolve().parents[3]
KOMAKI = REPO / "checklists" / "komaki" / "taisaku-kijun.yaml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "demo.db"
    build_demo_store(path, KOMAKI)
    with libaudit.Store(path) as s:
        s.people.import_rows(ACTOR, AUDIT_TEAM)
    return path


def test_the_demo_proposal_is_explained_row_by_row(demo):
    with libaudit.Store(demo, read_only=True) as s:
        plan = s.plans.compute(2026)
        leaves = {d.code: d.name for d in s.departments() if d.is_leaf}
        basis = max((c for c in s.cycles() if c.kind == "self_inspection"), key=lambda c: (c.fiscal_year, c.id))
        rates = {r.group: r.score for r in s.score(basis.id)}
    assert plan.basis_cycle == basis.id and plan.reference_day == "2026-03-31"
    assert [e.department for e in plan.entries] == sorted(leaves)  # every 課, by code
    mynumber = Counter(d for _, d, tier, _ in SYSTEMS if tier == "mynumber")
    important = Counter(d for _, d, _, imp in SYSTEMS if imp)
    for e in plan.entries:
        got = {r.reason: r for r in e.reasons}
        assert e.name == leaves[e.department]
        rate = rates.get(e.department)
        if rate is not None and not math.isnan(rate) and rate < 80:
            assert got["low_rate"].figure == f"{rate:.1f}" and got["low_rate"].points == 2
        else:
            assert "low_rate" not in got
        assert got.get("mynumber") is None or got["mynumber"].figure == str(mynumber[e.department])
        assert ("mynumber" in got) == (mynumber[e.department] > 0)
        assert ("important_assets" in got) == (important[e.department] > 0)
        assert e.points == sum(r.points for r in e.reasons)
        assert "never_audited" in got  # the demo store has no audit cycle yet
        assert all(r.label for r in e.reasons)  # each reason with its Japanese label
        if e.selected_by == "risk":
            assert e.points >= 4
        if e.selected:
            auditor = {n: d for n, d, _ in AUDIT_TEAM}[e.auditor]
            assert auditor != e.department  # 兼務の禁止
            assert e.scheduled.startswith("2026-")
    rotation = [e for e in plan.entries if e.selected_by == "rotation"]
    assert len(rotation) == math.ceil(len(leaves) / 3)
    # The rotation quota takes the most points first among the never audited (then the code).
    order = sorted(plan.entries, key=lambda e: (-e.points, e.department))
    assert [e.department for e in rotation] == sorted(e.department for e in order[: len(rotation)])


def test_two_proposals_are_equal(demo):
    with libaudit.Store(demo) as s:
        a = s.plans.propose("監査 一郎", 2026)
        b = s.plans.propose("監査 一郎", 2026)
        assert s.verify().ok

    def content(p):
        d = p.to_dict()
        for k in ("id", "proposed_at"):
            d.pop(k)
        return d

    assert a.id != b.id and content(a) == content(b)


def test_an_auditor_cannot_be_assigned_to_their_own_section_and_nothing_is_written(demo, tmp_path, cli):
    db = tmp_path / "copy.db"
    db.write_bytes(demo.read_bytes())
    with libaudit.Store(db) as s:
        plan = s.plans.propose("監査 一郎", 2026)
        s.plans.add("監査 一郎", plan.id, "2010", "テスト") if not plan.entry("2010").selected else None
        before = s.trail()
    bytes_before = db.read_bytes()
    r = cli("plan", "assign", str(db), str(plan.id), "--dept", "2010", "--auditor", "監査 二郎", "--as", "監査 一郎")
    assert r.returncode == 1
    assert "監査 二郎" in r.stderr and "2010" in r.stderr and "own department" in r.stderr
    assert db.read_bytes() == bytes_before
    with libaudit.Store(db) as s:
        assert s.trail() == before
        with pytest.raises(RoleError):
            s.plans.assign("監査 一郎", plan.id, "2010", "監査 一郎")
        assert s.trail() == before
    r = cli(
        "plan",
        "assign",
        str(db),
        str(plan.id),
        "--dept",
        "2010",
        "--auditor",
        "監査 二郎",
        "--as",
        "監査 一郎",
        lang="ja",
    )
    assert r.returncode == 1 and "兼務" in r.stderr


def test_cli_propose_show_approve(demo, tmp_path, cli):
    db = tmp_path / "copy.db"
    db.write_bytes(demo.read_bytes())
    r = cli("plan", "propose", str(db), "--fiscal-year", "2026", "--as", "監査 一郎", "--json")
    assert r.returncode == 0, r.stderr
    plan = json.loads(r.stdout)
    assert plan["state"] == "proposed" and any(e["selected"] for e in plan["entries"])
    r = cli("plan", "show", str(db), str(plan["id"]))
    assert r.returncode == 0 and "rotation" in r.stdout and "2026" in r.stdout
    r = cli("plan", "show", str(db), str(plan["id"]), lang="ja")
    assert "輪番" in r.stdout and "提案中" in r.stdout
    r = cli("plan", "approve", str(db), str(plan["id"]), "--as", "監査 一郎")
    assert r.returncode == 1 and "chief" in r.stderr.lower() or "監査統括責任者" in r.stderr
    r = cli("plan", "approve", str(db), str(plan["id"]), "--as", "総務部長 監査統括")
    assert r.returncode == 0, r.stderr
    with libaudit.Store(db, read_only=True) as s:
        assert s.plans.get(plan["id"]).state == "approved"
        assert [t.actor for t in s.trail() if t.entity == "audit_plan"][-1] == "総務部長 監査統括"
        assert s.verify().ok
    with libaudit.Store(db) as s, pytest.raises(TransitionError):
        s.plans.remove("監査 一郎", plan["id"], plan["entries"][0]["department"], "やめる")
    r = cli("plan", "list", str(db))
    assert r.returncode == 0 and "approved" in r.stdout


# ---- The rotation guarantee over random bodies ---------------------------------------------


def _body(path: Path, sections: list[int], systems: list[tuple[int, str, bool]], past: list[tuple[int, list[int]]]):
    """A store of len(sections) 部 with sections[i] 課 each, the systems (課 index, tier,
    important) and past audit cycles (年度, 課 indices); auditors belong to the first 部."""
    s = libaudit.Store(path)
    depts, leaves = [], []
    for b, n in enumerate(sections):
        depts.append({"code": f"B{b}", "name": f"部{b}"})
        for k in range(n):
            leaves.append(f"B{b}K{k:02d}")
            depts.append({"code": leaves[-1], "name": f"課{b}-{k}", "parent_code": f"B{b}"})
    s.import_departments(ACTOR, depts)
    for i, (k, tier, imp) in enumerate(systems):
        s.put_system(ACTOR, f"sys{i}", leaves[k % len(leaves)], tier, important_assets=imp)
    cl = s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(CHECKLIST_YAML, "test.yaml"))
    for year, targets in past:
        chosen = sorted({leaves[t % len(leaves)] for t in targets})
        s.create_cycle(
            ACTOR, name=f"監査{year}", kind="internal_audit", fiscal_year=year, checklist=cl, departments=chosen
        )
    s.people.import_rows(
        ACTOR, [("監査A", "B0", "auditor"), ("監査B", leaves[0], "auditor"), ("統括", "B0", "chief_auditor")]
    )
    return s, leaves


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sections=st.lists(st.integers(1, 6), min_size=1, max_size=4),
    systems=st.lists(
        st.tuples(st.integers(0, 30), st.sampled_from(["mynumber", "lgwan", "internet"]), st.booleans()), max_size=8
    ),
    past=st.lists(st.tuples(st.integers(2019, 2024), st.lists(st.integers(0, 30), max_size=6)), max_size=3),
    rotation=st.integers(1, 4),
)
def test_every_section_is_planned_within_the_rotation(sections, systems, past, rotation):
    with tempfile.TemporaryDirectory() as tmp:
        s, leaves = _body(Path(tmp) / "r.db", sections, systems, past)
        with s:
            planned: set[str] = set()
            for year in range(2025, 2025 + rotation):
                plan = s.plans.propose("監査A", year, rotation=rotation)
                assert plan == s.plans.get(plan.id)
                s.plans.approve("統括", plan.id)
                planned |= {e.department for e in plan.selected_entries}
                assert all(e.auditor != "監査B" for e in plan.selected_entries if e.department == leaves[0])
            assert planned == set(leaves)
            assert s.verify().ok


def test_the_plan_report(demo, tmp_path, cli):
    db = tmp_path / "copy.db"
    db.write_bytes(demo.read_bytes())
    with libaudit.Store(db) as s:
        plan = s.plans.propose("監査 一郎", 2026)
    r = cli("report", "plan", str(db), "--plan", str(plan.id), "--format", "md", "-o", "-")
    assert r.returncode == 0, r.stderr
    assert "監査計画書" in r.stdout and "輪番" in r.stdout and "監査実績なし" in r.stdout
    for e in plan.selected_entries:
        assert e.name in r.stdout
    r = cli("report", "plan", str(db), "--format", "md", "-o", "-")
    assert r.returncode == 2 and "--plan" in r.stderr
