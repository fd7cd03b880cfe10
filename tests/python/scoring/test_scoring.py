"""libaudit.scoring: the worked example of docs/scoring.md, results as plain objects, the CLI,
and hypothesis property tests (bounds, monotonicity, N/A isolation, order independence,
部 = pooled 課, agreement with a plain-Python reference)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import replace

import pytest
from _lang import speaking
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libaudit.cli import main as cli_main
from libaudit.scoring import GROUPINGS, ScoreTable, ipa_band, model_names, model_title

import libaudit
from libaudit import NotFoundError, Store

ACTOR = "tester"

CHECKLIST_YAML = """\
format: 1
id: t
title: テスト点検表
version: "1"
body: テスト市
source: {document: t.txt, title: テスト基準}
sections:
  - id: "1"
    clause: "1"
    title: 組織体制
    items:
      - {id: "1.1", clause: "1(1)", text: 情報セキュリティ管理者は、体制を整備しなければならない。, question: 体制を整備しているか。, roles: [security_manager]}
      - {id: "1.2", clause: "1(2)", text: 職員等は、研修を受講しなければならない。, question: 研修を受講しているか。, roles: [staff], weight: 2}
  - id: "2"
    clause: "2"
    title: 運用
    sections:
      - id: "2.1"
        clause: "(1)"
        title: 監視
        items:
          - {id: "2.1.1", clause: "2(1)ア", text: 情報システム管理者は、マイナンバー利用事務系を監視しなければならない。, question: マイナンバー利用事務系を監視しているか。, roles: [system_administrator], applies_to: {tiers: [mynumber]}}
          - {id: "2.1.2", clause: "2(1)イ", text: 情報システム管理者は、ログを取得しなければならない。, question: ログを取得しているか。, roles: [system_administrator, security_manager], applies_to: {departments: system_owners}, weight: 3}
      - id: "2.2"
        clause: "(2)"
        title: 重要な情報資産
        items:
          - {id: "2.2.1", clause: "2(2)ア", text: 職員等は、重要な情報資産を暗号化しなければならない。, question: 重要な情報資産を暗号化しているか。, roles: [staff], applies_to: {important_assets: true}}
"""  # noqa: E501 (flow mappings in the YAML, one item per line)
ITEMS = ["1.1", "1.2", "2.1.1", "2.1.2", "2.2.1"]
WEIGHTS = {"1.1": 1.0, "1.2": 2.0, "2.1.1": 1.0, "2.1.2": 3.0, "2.2.1": 1.0}

DEPARTMENTS = [
    {"code": "100", "name": "総務部"},
    {"code": "101", "name": "総務課", "parent_code": "100"},
    {"code": "102", "name": "人事課", "parent_code": "100"},
    {"code": "200", "name": "市民部"},
    {"code": "201", "name": "市民課", "parent_code": "200"},
]
SYSTEMS = [
    {"name": "住基", "department": "101", "tier": "mynumber", "important_assets": "true"},
    {"name": "庶務", "department": "102", "tier": "lgwan", "important_assets": "false"},
]

EXAMPLE = [
    ("101", "1.1", "implemented"),
    ("101", "1.2", "partial"),
    ("101", "2.1.1", "not_implemented"),
    ("101", "2.1.2", "implemented"),
    ("101", "2.2.1", "unknown"),
    ("102", "1.1", "not_applicable"),
    ("102", "1.2", "implemented"),
    ("102", "2.1.1", "implemented"),
    ("102", "2.1.2", "partial"),
    ("201", "1.1", "implemented"),
]


def make_store(
    rows: Sequence[tuple[str, str, str]],
    *,
    path: str = ":memory:",
    departments=DEPARTMENTS,
    systems=SYSTEMS,
    checklist: str = CHECKLIST_YAML,
    year: int = 2024,
) -> tuple[Store, int]:
    s = Store(path)
    s.set_body(ACTOR, "テスト市")
    s.import_departments(ACTOR, departments)
    if systems:
        s.import_systems(ACTOR, systems)
    cl = s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(checklist, "t.yaml"))
    cycle = s.create_cycle(ACTOR, name=f"{year}年度 自己点検", kind="self_inspection", fiscal_year=year, checklist=cl)
    s.open_cycle(ACTOR, cycle)
    if rows:
        s.import_responses(ACTOR, cycle, list(rows))
    return s, cycle


@pytest.fixture
def example():
    s, cycle = make_store(EXAMPLE)
    yield s, cycle
    s.close()


# ---- the worked example (docs/scoring.md; the same numbers as tests/cpp/scoring/scoring_test.cpp) -----


def test_rate_by_department(example):
    s, cycle = example
    t = s.score(cycle)
    assert isinstance(t, ScoreTable) and t.model == "rate" and t.by == "department"
    assert [r.group for r in t] == ["101", "102", "201"]
    assert t.row("101").score == pytest.approx(62.5)
    assert t.row("102").score == pytest.approx(70.0)
    assert t.row("201").score == pytest.approx(100.0)
    b = t.row("102")
    assert (b.pairs, b.applicable, b.answered, b.not_applicable, b.excepted) == (5, 2, 2, 3, 0)
    c = t.row("201")
    assert (c.applicable, c.answered, c.unanswered, c.response_rate) == (2, 1, 1, 50.0)
    assert t.row("101").name == "総務課" and t.row("101").parent == "100"
    assert t.distribution.mean == pytest.approx(77.5)
    assert t.distribution.sd == pytest.approx(math.sqrt(262.5))
    assert t.row("101").deviation == pytest.approx(50 + 10 * (62.5 - 77.5) / math.sqrt(262.5))


def test_pooled_groups_and_options(example):
    s, cycle = example
    assert s.score(cycle, by="parent").row("100").score == pytest.approx(100 * 8.5 / 13)
    assert s.score(cycle, by="body").rows[0].score == pytest.approx(100 * 9.5 / 14)
    ch = s.score(cycle, by="chapter")
    assert ch.row("1").score == pytest.approx(100 * 5 / 6) and ch.row("2").score == pytest.approx(56.25)
    assert [r.group for r in s.score(cycle, by="section")] == ["1", "2", "2.1", "2.2"]
    assert s.score(cycle, by="role").row("security_manager").score == pytest.approx(81.25)
    assert [r.group for r in s.score(cycle, by="tier")] == ["mynumber", "common"]
    assert s.score(cycle, partial_value=1.0).row("101").score == pytest.approx(75.0)
    ex = s.score(cycle, exceptions=[("101", "2.1.1")]).row("101")
    assert ex.score == pytest.approx(500 / 7) and ex.excepted == 1 and ex.applicable == 4
    with pytest.raises(libaudit.ValidationError):
        s.score(cycle, partial_value=2)
    with pytest.raises(NotFoundError):
        s.score(cycle, model="nope")
    with pytest.raises(ValueError):
        s.score(cycle, by="nope")
    with pytest.raises(NotFoundError):
        s.score(99)


def test_ipa_and_xccdf_models(example):
    s, cycle = example
    ipa = s.score(cycle, model="ipa")
    assert [(r.score, r.band) for r in ipa] == [(59.375, "50-69"), (70.0, "70-99"), (100.0, "100")]
    assert ipa_band(99.5) == "100" and ipa_band(49.49) == "0-49"
    d = s.score(cycle, model="xccdf_default")
    assert d.row("101").score == pytest.approx((100 / 3 + 37.5) / 2)
    assert d.row("102").score == pytest.approx(50.0)
    assert s.score(cycle, model="xccdf_default", by="parent").row("100").score == pytest.approx((200 / 3 + 18.75) / 2)
    flat = s.score(cycle, model="xccdf_flat")
    assert [(r.score, r.maximum) for r in flat] == [(4.0, 8.0), (2.0, 5.0), (1.0, 1.0)]
    unw = s.score(cycle, model="xccdf_flat_unweighted")
    assert [(r.score, r.maximum) for r in unw] == [(2.0, 5.0), (1.0, 2.0), (1.0, 1.0)]
    assert [r.score for r in s.score(cycle, model="xccdf_absolute")] == [0.0, 0.0, 1.0]
    assert model_names()[:6] == [
        "rate",
        "ipa",
        "xccdf_default",
        "xccdf_flat",
        "xccdf_flat_unweighted",
        "xccdf_absolute",
    ]


def test_each_model_has_a_title_a_person_reads():
    assert model_title("rate") == "implementation rate"
    with speaking("ja"):
        assert [model_title(m) for m in model_names()[:6]] == [
            "実施率",
            "IPA点数",
            "XCCDF 既定モデル",
            "XCCDF フラットモデル",
            "XCCDF フラットモデル（重みなし）",
            "XCCDF 絶対モデル",
        ]
    with pytest.raises(NotFoundError):
        model_title("nope")


def test_matrix_weakest_and_to_dict(example):
    s, cycle = example
    m = s.score_matrix(cycle)
    assert [c.group for c in m.columns] == ["1", "2"]
    assert m.cells[0][0].score == pytest.approx(200 / 3) and m.cells[0][1].score == pytest.approx(60.0)
    assert m.cells[2][1].score is None
    w = s.weakest_items(cycle, 3)
    assert [r.group for r in w] == ["2.1.1", "2.2.1", "1.2"]
    assert w[0].name == "マイナンバー利用事務系を監視しているか。" and w[0].parent == "2"
    d = s.score(cycle).to_dict()
    assert json.loads(json.dumps(d)) == d
    assert {"group", "score", "applicable", "answered", "not_applicable", "excepted", "band"} <= set(d["rows"][0])
    assert json.loads(json.dumps(m.to_dict()))["cells"][2][1]["score"] is None


def test_compare_years(tmp_path):
    s, c1 = make_store(EXAMPLE, path=str(tmp_path / "a.db"))
    v2 = CHECKLIST_YAML.replace('version: "1"', 'version: "2"').replace(
        '      - {id: "1.2"',
        '      - {id: "1.3", clause: "1(3)", text: 職員等は、規程を遵守しなければならない。, '
        'question: 規程を遵守しているか。, roles: [staff]}\n      - {id: "1.2"',
    )
    cl2 = s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(v2, "t2.yaml"))
    s.put_department(ACTOR, "301", "防災課", parent_code="200")
    c2 = s.create_cycle(
        ACTOR, name="2025", kind="self_inspection", fiscal_year=2025, checklist=cl2, departments=["101", "301"]
    )
    s.open_cycle(ACTOR, c2)
    s.import_responses(
        ACTOR, c2, [("101", "1.1", "implemented"), ("101", "1.2", "implemented"), ("301", "1.3", "partial")]
    )
    c = s.compare_scores(c1, c2)
    assert c.items_added == ("1.3",) and c.items_removed == ()
    assert c.departments_added == ("301",) and c.departments_removed == ("102", "201")
    assert [r.group for r in c] == ["101", "301", "102", "201"]
    assert c.rows[0].change == pytest.approx(100 - 62.5)
    assert c.rows[1].before is None and c.rows[2].after is None and c.rows[2].change is None
    items = s.compare_scores(c1, c2, by="item")
    assert {r.group for r in items} == set(ITEMS) | {"1.3"}
    assert json.loads(json.dumps(c.to_dict()))["rows"][0]["group"] == "101"
    s.close()


def test_to_pandas(example):
    pd = pytest.importorskip("pandas")
    s, cycle = example
    df = s.score(cycle).to_pandas()
    assert list(df["group"]) == ["101", "102", "201"] and df["score"].iloc[0] == pytest.approx(62.5)
    m = s.score_matrix(cycle).to_pandas()
    assert m.shape == (3, 2) and math.isnan(m.loc["201", "2"])
    c = s.compare_scores(cycle, cycle, by="chapter").to_pandas()
    assert list(c["change"]) == [0.0, 0.0]
    assert isinstance(df, pd.DataFrame)


# ---- CLI --------------------------------------------------------------------------------------


def run_cli(capsys, *args: str) -> str:
    assert cli_main(list(args)) == 0
    return capsys.readouterr().out


def test_cli_table_json_compare(tmp_path, capsys):
    path = str(tmp_path / "a.db")
    s, cycle = make_store(EXAMPLE, path=path)
    s.close()
    out = run_cli(capsys, "score", path, "--cycle", str(cycle))
    lines = out.splitlines()
    assert "実施率" in lines[1] and "総務課" in out
    table = lines[1:5]  # header, rule, first rows: every line the same display width up to the last column
    widths = {libaudit.display_width(line) for line in table}
    assert len(widths) == 1, table
    js = json.loads(run_cli(capsys, "score", path, "--cycle", str(cycle), "--model", "ipa", "--by", "parent", "--json"))
    assert js[0]["group"] == "100" and js[0]["band"] == "50-69"
    assert {"group", "score", "applicable", "answered", "not_applicable", "excepted"} <= set(js[0])
    out = run_cli(capsys, "score", path, "--cycle", str(cycle), "--compare", str(cycle), "--by", "chapter")
    assert "+0.0" in out and "組織体制" in out
    cj = json.loads(run_cli(capsys, "score", path, "--cycle", str(cycle), "--compare", str(cycle), "--json"))
    assert cj[0]["change"] == 0.0 and "applicable" in cj[0]
    assert "2.1.1" in run_cli(capsys, "score", path, "--cycle", str(cycle), "--weakest", "2")
    with speaking("ja"):
        assert "全課" in run_cli(capsys, "score", path, "--cycle", str(cycle), "--matrix")
    with speaking("en"):
        assert "all 課" in run_cli(capsys, "score", path, "--cycle", str(cycle), "--matrix")
    assert cli_main(["score", path, "--cycle", "99"]) == 1


# ---- property tests ---------------------------------------------------------------------------

ANSWERS = ["implemented", "partial", "not_implemented", "not_applicable", "unknown"]
KA = ["101", "102", "103", "201", "202"]
PARENT = {"101": "100", "102": "100", "103": "100", "201": "200", "202": "200"}
ORG = [{"code": "100", "name": "総務部"}, {"code": "200", "name": "市民部"}] + [
    {"code": k, "name": f"課{k}", "parent_code": PARENT[k]} for k in KA
]

answers_st = st.dictionaries(st.tuples(st.sampled_from(KA), st.sampled_from(ITEMS)), st.sampled_from(ANSWERS))
systems_st = st.lists(
    st.tuples(st.sampled_from(KA), st.sampled_from(["mynumber", "lgwan", "internet"]), st.booleans()), max_size=4
)
PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCORE_BOUNDS = {"rate": (0, 100), "ipa": (-25, 100), "xccdf_default": (0, 100), "xccdf_absolute": (0, 1)}


def build(answers: dict[tuple[str, str], str], systems, order: list | None = None) -> tuple[Store, int]:
    rows = [(d, i, a) for (d, i), a in sorted(answers.items())]
    if order is not None:
        rows = [rows[k] for k in order]
    sys_rows = [
        {"name": f"sys{k}", "department": d, "tier": t, "important_assets": "true" if imp else "false"}
        for k, (d, t, imp) in enumerate(systems)
    ]
    return make_store(rows, departments=ORG, systems=sys_rows)


def all_scores(s: Store, cycle: int) -> dict[tuple[str, str], ScoreTable]:
    data = s.scoring_data(cycle)
    return {(m, by): data.score(m, by) for m in model_names()[:6] for by in GROUPINGS}


@PROPS
@given(answers_st, systems_st)
def test_bounds_and_counts(answers, systems):
    s, cycle = build(answers, systems)
    for (m, by), t in all_scores(s, cycle).items():
        for r in t:
            assert r.pairs == r.not_applicable + r.excepted + r.applicable
            assert r.applicable == r.answered + r.unanswered
            assert r.answered == r.implemented + r.partial + r.not_implemented + r.unknown
            if r.answered == 0:
                assert r.score is None
                continue
            if m in SCORE_BOUNDS:
                lo, hi = SCORE_BOUNDS[m]
                assert lo - 1e-9 <= r.score <= hi + 1e-9, (m, by, r)
            else:
                assert -1e-9 <= r.score <= r.maximum + 1e-9
            if m == "ipa":
                assert r.band == ipa_band(r.score)
    s.close()


@PROPS
@given(answers_st, systems_st, st.data())
def test_raising_an_answer_never_lowers_a_score(answers, systems, data):
    candidates = sorted(k for k, a in answers.items() if a == "not_implemented")
    if not candidates:
        answers = dict(answers)
        answers[("101", "1.1")] = "not_implemented"
        candidates = [("101", "1.1")]
    d, i = data.draw(st.sampled_from(candidates))
    s, cycle = build(answers, systems)
    before = all_scores(s, cycle)
    s.import_responses(ACTOR, cycle, [(d, i, "implemented")])
    after = all_scores(s, cycle)
    for key, t in before.items():
        for r0, r1 in zip(t, after[key]):
            assert r0.group == r1.group
            if r0.score is not None:
                assert r1.score is not None and r1.score >= r0.score - 1e-9, (key, r0, r1)
    s.close()


@PROPS
@given(answers_st, systems_st, st.sampled_from(KA), st.sampled_from(ITEMS))
def test_marking_not_applicable_leaves_other_items_alone(answers, systems, dept, item):
    s, cycle = build(answers, systems)
    before = s.scoring_data(cycle)
    s.import_responses(ACTOR, cycle, [(dept, item, "not_applicable")])
    after = s.scoring_data(cycle)
    for m in model_names()[:6]:
        b, a = before.score(m, "item"), after.score(m, "item")
        for r0, r1 in zip(b, a):
            if r0.group != item:  # (偏差値 is relative to the whole table, so it may move)
                assert replace(r0, deviation=None) == replace(r1, deviation=None)
        # Other 課 are untouched; for this 課 the pair is simply no longer counted.
        for r0, r1 in zip(before.score(m, "department"), after.score(m, "department")):
            if r0.group != dept:
                assert replace(r0, deviation=None) == replace(r1, deviation=None)
        marked = after.score(m, "item").row(item)
        assert marked.not_applicable >= before.score(m, "item").row(item).not_applicable
    s.close()


@PROPS
@given(answers_st, systems_st, st.randoms(use_true_random=False))
def test_order_of_writing_does_not_matter(answers, systems, rnd):
    order = list(range(len(answers)))
    rnd.shuffle(order)
    s1, c1 = build(answers, systems)
    s2, c2 = build(answers, systems, order)
    t1, t2 = all_scores(s1, c1), all_scores(s2, c2)
    for key in t1:
        assert t1[key].to_dict()["rows"] == t2[key].to_dict()["rows"], key
    s1.close()
    s2.close()


@PROPS
@given(answers_st, systems_st)
def test_parent_equals_pooled_departments(answers, systems):
    s, cycle = build(answers, systems)
    data = s.scoring_data(cycle)
    for m in ("rate", "ipa", "xccdf_flat", "xccdf_flat_unweighted"):
        ka = data.score(m, "department")
        bu = data.score(m, "parent")
        for parent in bu:
            members = [r for r in ka if r.parent == parent.group]
            for f in (
                "pairs",
                "applicable",
                "answered",
                "unanswered",
                "not_applicable",
                "implemented",
                "partial",
                "not_implemented",
                "unknown",
            ):
                assert getattr(parent, f) == sum(getattr(r, f) for r in members)
            if m.startswith("xccdf_flat"):  # additive: pooled = sum of the parts
                scored = [r for r in members if r.score is not None]
                if scored:
                    assert parent.score == pytest.approx(sum(r.score for r in scored))
                    assert parent.maximum == pytest.approx(sum(r.maximum for r in scored))
            elif parent.score is not None:
                # pooled rate/ipa = Σ (score × Σw of answered) / Σ Σw over the 課
                den = {r.group: reference(answers, systems, r.group, m)[1] for r in members}
                num = sum(r.score * den[r.group] for r in members if r.score is not None)
                assert parent.score == pytest.approx(num / sum(den.values()))
    s.close()


def applies(item: str, dept: str, systems) -> bool:
    owned = [(t, imp) for d, t, imp in systems if d == dept]
    if item == "2.1.1":
        return any(t == "mynumber" for t, _ in owned)
    if item == "2.1.2":
        return bool(owned)
    if item == "2.2.1":
        return any(imp for _, imp in owned)
    return True


def reference(answers, systems, dept: str, model: str) -> tuple[float | None, float]:
    """Plain-Python rate / ipa of one 課: (score, Σw over answered applicable items)."""
    pts = {
        "rate": {"implemented": 1.0, "partial": 0.5, "not_implemented": 0.0, "unknown": 0.0},
        "ipa": {"implemented": 1.0, "partial": 0.5, "not_implemented": 0.0, "unknown": -0.25},
    }[model]
    num = den = 0.0
    for item in ITEMS:
        a = answers.get((dept, item))
        if a is None or a == "not_applicable" or not applies(item, dept, systems):
            continue
        num += WEIGHTS[item] * pts[a]
        den += WEIGHTS[item]
    return (100 * num / den if den else None), den


@PROPS
@given(answers_st, systems_st)
def test_agrees_with_a_plain_python_reference(answers, systems):
    s, cycle = build(answers, systems)
    for m in ("rate", "ipa"):
        for r in s.score(cycle, model=m):
            want = reference(answers, systems, r.group, m)[0]
            assert (r.score is None and want is None) or r.score == pytest.approx(want)
    s.close()


# ---- the demo store ---------------------------------------------------------------------------


def test_demo_store_improves_year_on_year(tmp_path):
    from pathlib import Path

    from libaudit.demo import build_demo_store

    komaki = Path(__file__).resolve().parents[3] / "checklists" / "komaki" / "taisaku-kijun.yaml"
    summary = build_demo_store(tmp_path / "demo.db", komaki)
    with Store(tmp_path / "demo.db") as s:
        c24, c25 = summary["cycles"][2024]["id"], summary["cycles"][2025]["id"]
        body = s.compare_scores(c24, c25, by="body")
        assert body.rows[0].change > 0
        by_ka = s.score(c25)
        assert len(by_ka) == summary["ka"]
        # Every 課 but the one that never returned its questionnaire (demo.MISSING_DEPARTMENT,
        # 回収状況) is scored; the 課 answer only self-inspection items, each answered or N/A.
        from libaudit.demo import MISSING_DEPARTMENT

        scored = [r for r in by_ka if r.group != MISSING_DEPARTMENT]
        assert all(r.score is not None and 0 <= r.score <= 100 for r in scored)
        assert [r.score for r in by_ka if r.group == MISSING_DEPARTMENT] == [None]
        assert by_ka.distribution.n == summary["ka"] - 1
