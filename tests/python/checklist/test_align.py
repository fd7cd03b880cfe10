"""``checklist align`` (docs/alignment.md): a checklist mapped to the model checklist, the
coverage by chapter, the coverage report, and the accuracy on a hand-checked sample.

tests/data/align/sample.yaml: 60 items of the five shipped checklists with the model item(s) a
person chose by reading both texts. The sample test runs align with the checklists' stated
mappings ignored and prints the agreement (with and without the model's source citations).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from libaudit.coverage import align, coverage_report
from libaudit.report import find_chromium

import libaudit

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "tests" / "data" / "align"
FIXTURE = DATA / "fixture-model.yaml"
MODEL = REPO / "checklists" / "model" / "hyojun-tenkenhyo.yaml"
CHECKLISTS = {
    "komaki": REPO / "checklists" / "komaki" / "taisaku-kijun.yaml",
    "mito": REPO / "checklists" / "mito" / "kihon-hoshin.yaml",
    "ogaki": REPO / "checklists" / "ogaki" / "kihon-hoshin.yaml",
    "okayama": REPO / "checklists" / "okayama" / "kihon-hoshin.yaml",
    "tokorozawa-council": REPO / "checklists" / "tokorozawa-council" / "kihon-hoshin.yaml",
}
BASIC_POLICIES = ("mito", "ogaki", "okayama", "tokorozawa-council")


def load(path: Path) -> libaudit.Checklist:
    return libaudit.Checklist.load(str(path))


@pytest.fixture(scope="module")
def fixture_model() -> libaudit.Checklist:
    return load(FIXTURE)


@pytest.fixture(scope="module")
def model() -> libaudit.Checklist:
    return load(MODEL)


# ---- the algorithm, on the small fixture model --------------------------------------------------


def test_mito_maps_to_the_fixture_measures_by_text(fixture_model):
    a = align(load(CHECKLISTS["mito"]), fixture_model, use_stated=False)
    mapped = {i["item"]: i["mapped"] for i in a["items"]}
    assert mapped["6.1"] == ["M-1.1.1"]  # 全庁的な組織体制の確立
    assert mapped["6.6.a"] == ["M-8.1.1"]  # 条件を明記した契約
    assert mapped["6.6.c"] == ["M-8.2.1"]  # ソーシャルメディアサービス
    assert mapped["6.3.a"] == ["M-3.1.1"]  # マイナンバー利用事務系: placeholder {{tier.mynumber}} stripped
    best = next(i for i in a["items"] if i["item"] == "6.6.c")["candidates"][0]
    assert not best["stated"] and not best["cited"]
    assert "ソーシャルメディアサービスを利用する場合に" in best["phrases"][0]


def test_every_candidate_has_evidence_and_a_confidence_in_0_1(fixture_model):
    a = align(load(CHECKLISTS["mito"]), fixture_model, use_stated=False)
    assert len(a["items"]) == len(load(CHECKLISTS["mito"]))
    for i in a["items"]:
        assert 1 <= len(i["candidates"]) <= 3
        confidences = [c["confidence"] for c in i["candidates"]]
        assert confidences == sorted(confidences, reverse=True)
        for c in i["candidates"]:
            assert 0.0 <= c["confidence"] <= 1.0
            for signal in ("text", "section", "roles"):
                assert 0.0 <= c[signal] <= 1.0
        if i["mapped"]:
            assert i["candidates"][0]["confidence"] >= a["threshold"]
        else:
            assert i["candidates"][0]["confidence"] < a["threshold"]


def test_coverage_lists_the_measures_no_item_implements(fixture_model):
    a = align(load(CHECKLISTS["mito"]), fixture_model, use_stated=False)
    chapters = {c["id"]: c for c in a["chapters"]}
    assert [c["id"] for c in a["chapters"]] == ["M-1", "M-3", "M-5", "M-8"]
    assert "M-8.2.2" in chapters["M-8"]["missing"]  # 生成ＡＩ: 水戸市's 基本方針 says nothing of it
    assert chapters["M-8"]["covered"] == 2 and chapters["M-8"]["total"] == 3
    assert a["total"] == sum(c["total"] for c in a["chapters"]) == 9
    assert a["covered"] == sum(c["covered"] for c in a["chapters"])


STATED = """\
format: 1
id: stated
title: 点検表
version: "1"
body: 試験市
source: {document: none.txt, title: 試験市情報セキュリティ対策基準}
sections:
  - id: "1"
    clause: "1"
    title: 研修
    items:
      - id: "1.1"
        clause: "1(1)"
        text: 職員等に対する情報セキュリティに関する研修を定期的に開催しなければならない。
        question: 職員等に対する情報セキュリティに関する研修を定期的に開催しているか。
        roles: [ciso]
        model: [M-5.1.2, M-8.2.2]
"""


def test_a_stated_mapping_is_taken_as_given_unless_ignored(fixture_model):
    body = libaudit.Checklist.from_yaml(STATED, source="stated.yaml")
    a = align(body, fixture_model)
    (item,) = a["items"]
    assert item["stated"] and item["mapped"] == ["M-5.1.2", "M-8.2.2"]
    assert [c["confidence"] for c in item["candidates"][:2]] == [1.0, 1.0]
    assert all(c["stated"] for c in item["candidates"][:2])
    assert "M-8.2.2" not in {m for c in a["chapters"] for m in c["missing"]}
    derived = align(body, fixture_model, use_stated=False)
    (item,) = derived["items"]
    assert not item["stated"] and item["mapped"] == ["M-5.1.1"]  # what the text says


def test_a_model_is_required_and_the_model_is_not_aligned_with_itself(fixture_model):
    with pytest.raises(libaudit.ValidationError, match="not a model checklist"):
        align(load(CHECKLISTS["mito"]), load(CHECKLISTS["komaki"]))
    with pytest.raises(libaudit.ValidationError, match="model checklist itself"):
        align(fixture_model, fixture_model)


# ---- the coverage report -----------------------------------------------------------------------


def test_coverage_report_formats(fixture_model, tmp_path):
    mito = load(CHECKLISTS["mito"])
    html = coverage_report(mito, fixture_model, format="html", use_stated=False, date="2026-04-01")
    assert "標準点検表との対照表（不足している対策）" in html
    assert "水戸市" in html and "令和8年4月1日" in html
    assert "M-8.2.2" in html and "生成ＡＩを利用する場合に" in html
    assert "{{" not in html
    md = coverage_report(mito, fixture_model, format="md", use_stated=False)
    assert md.startswith("# 標準点検表との対照表") and "| 8　業務委託と外部サービス" in md
    rows = list(csv.reader(io.StringIO(coverage_report(mito, fixture_model, format="csv", use_stated=False))))
    assert rows[0] == ["\ufeff章", "標準点検表の項目", "対策", "対応", "対応する点検項目"]
    by_id = {r[1]: r for r in rows[1:]}
    assert by_id["M-8.2.2"][3] == "不足" and by_id["M-8.2.1"][3:] == ["対応あり", "6.6.c"]
    view = json.loads(coverage_report(mito, fixture_model, format="json", use_stated=False))
    assert view["summary"]["missing"] == view["summary"]["total"] - view["summary"]["covered"]
    path = coverage_report(mito, fixture_model, out=tmp_path / "c.md", use_stated=False)
    assert Path(path).read_text(encoding="utf-8").startswith("# 標準点検表との対照表")


def test_the_placeholders_of_a_missing_measure_are_filled_for_the_body(model):
    view = json.loads(coverage_report(load(CHECKLISTS["okayama"]), model, format="json", use_stated=False))
    questions = {m["id"]: m["question"] for c in view["chapters"] for m in c["missing"]}
    assert questions and not any("{{" in q for q in questions.values())
    assert questions["M-8.4.2"].startswith("岡山市のウェブサイト")  # {{body}}


# ---- the command line ----------------------------------------------------------------------------


def test_cli_prints_the_table_and_the_coverage(cli):
    r = cli("checklist", "align", str(CHECKLISTS["mito"]), "--model", str(FIXTURE), "--ignore-stated")
    assert r.returncode == 0, r.stderr
    assert "model item" in r.stdout and "confidence" in r.stdout and "evidence" in r.stdout
    assert "6.6.c" in r.stdout and "M-8.2.1" in r.stdout
    assert "measures no item implements:" in r.stdout and "M-8.2.2" in r.stdout
    assert "{{" not in r.stdout  # the missing measures read as the body's: placeholders filled
    ja = cli("checklist", "align", str(CHECKLISTS["mito"]), "--model", str(FIXTURE), "--ignore-stated", lang="ja")
    assert ja.returncode == 0, ja.stderr
    assert "標準点検表の項目" in ja.stdout and "確信度" in ja.stdout and "根拠" in ja.stdout


def test_cli_uses_the_shipped_model_by_default(cli):
    r = cli("checklist", "align", "checklists/okayama/kihon-hoshin.yaml", cwd=REPO)
    assert r.returncode == 0, r.stderr
    assert "M-8.4.2" in r.stdout and "岡山市のウェブサイト" in r.stdout and "{{" not in r.stdout
    assert "stated in the checklist" in r.stdout  # okayama's items name their model items


@pytest.mark.parametrize("ext", ["html", "md", "csv", "json"])
def test_cli_writes_the_coverage_report(cli, tmp_path, ext):
    out = tmp_path / f"coverage.{ext}"
    r = cli("checklist", "align", str(CHECKLISTS["ogaki"]), "--model", str(FIXTURE), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert str(out) in r.stdout
    text = out.read_text(encoding="utf-8-sig")
    assert "大垣市" in text or ext == "csv"
    assert "M-8.2.2" in text


def test_cli_writes_a_pdf(cli, tmp_path):
    if not find_chromium():
        pytest.skip("PDF: Chromium is not installed (apt-get install chromium)")
    out = tmp_path / "coverage.pdf"
    r = cli("checklist", "align", str(CHECKLISTS["mito"]), "--model", str(FIXTURE), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:5] == b"%PDF-"


def test_cli_profile_options_leave_out_measures_the_body_does_not_have(cli):
    def total(*extra: str) -> int:
        r = cli("checklist", "align", "checklists/mito/kihon-hoshin.yaml", "--json", *extra, cwd=REPO)
        assert r.returncode == 0, r.stderr
        return int(json.loads(r.stdout)["total"])

    everything = total()
    assert total("--network-model", "beta") < everything  # the α′ measures of M-3 drop out
    assert total("--server-room", "no") < everything  # the 管理区域 measures of M-4 drop out
    assert total("--server-room", "yes") == everything


def test_cli_bad_inputs_give_a_clear_error_and_write_nothing(cli, tmp_path):
    out = tmp_path / "c.html"
    r = cli("checklist", "align", str(tmp_path / "absent.yaml"), "--model", str(FIXTURE), "-o", str(out))
    assert r.returncode == 1 and "absent.yaml" in r.stderr
    r = cli("checklist", "align", str(CHECKLISTS["mito"]), "--model", str(CHECKLISTS["komaki"]), "-o", str(out))
    assert r.returncode == 1
    assert "taisaku-kijun.yaml" in r.stderr and "not a model checklist" in r.stderr
    r = cli("checklist", "align", str(CHECKLISTS["mito"]), "--model", str(FIXTURE), "-o", str(out), "--format", "md")
    assert r.returncode == 1 and "html" in r.stderr
    assert not out.exists()


# ---- the real model: accuracy on the hand-checked sample, the 基本方針 gaps ---------------------------


def _sample() -> list[dict]:
    return yaml.safe_load((DATA / "sample.yaml").read_text(encoding="utf-8"))["items"]


def _agreement(model: libaudit.Checklist, *, citations: bool) -> tuple[int, int, list[str]]:
    sample = _sample()
    results = {}
    for name in {s["checklist"] for s in sample}:
        body = load(CHECKLISTS[name])
        if not citations:  # the same checklist without its source: the model's citations cannot match
            data = body.to_dict()
            data["source"]["document"] = "uncited.txt"
            body = libaudit.Checklist.from_yaml(yaml.safe_dump(data, allow_unicode=True), source=name)
        results[name] = {i["item"]: i["mapped"] for i in align(body, model, use_stated=False)["items"]}
    agree, wrong = 0, []
    for s in sample:
        expected = s["model"] if isinstance(s["model"], list) else [s["model"]]
        got = results[s["checklist"]][s["item"]]
        if got and got[0] in expected:
            agree += 1
        else:
            wrong.append(f"{s['checklist']} {s['item']}: expected {expected}, got {got}")
    return agree, len(sample), wrong


def test_sample_agreement_is_at_least_90_percent(model):
    agree, n, wrong = _agreement(model, citations=True)
    text_only, _, _ = _agreement(model, citations=False)
    print(f"\nalign agreement on the hand-checked sample: {agree}/{n} = {100 * agree / n:.1f}%")
    print(
        f"without the model's source citations (text, section titles, roles): {text_only}/{n}"
        f" = {100 * text_only / n:.1f}%"
    )
    for w in wrong:
        print("  " + w)
    assert n == 60
    assert agree / n >= 0.90


@pytest.mark.parametrize(
    ("body", "absent"),
    [
        ("mito", "M-7.4.1"),  # 例外措置: 水戸市's 基本方針 never mentions exceptions
        ("ogaki", "M-1.2.2"),  # 兼務の禁止 (監査を受ける者と実施する者): not in 大垣市's text
        ("okayama", "M-8.1.5"),  # 再委託: 岡山市's 基本方針 says nothing of sub-contracting
        ("tokorozawa-council", "M-6.1.29"),  # ウェブ会議サービス: not in 所沢市議会's text
    ],
)
@pytest.mark.parametrize("use_stated", [True, False])
def test_coverage_report_of_a_basic_policy_lists_what_its_text_does_not_cover(model, body, absent, use_stated):
    checklist = load(CHECKLISTS[body])
    view = json.loads(coverage_report(checklist, model, format="json", use_stated=use_stated))
    missing = [m["id"] for c in view["chapters"] for m in c["missing"]]
    assert missing and view["has_missing"], body
    assert view["summary"]["covered"] < view["summary"]["total"]
    assert absent in missing
    assert len(missing) == view["summary"]["missing"]
    # and what it does say is not listed: every 基本方針 commits to a body-wide organisation
    assert "M-1.1.1" not in missing
