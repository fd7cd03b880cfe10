"""Chapters M-6..M-9 of the model checklist (技術的セキュリティ, 運用, 業務委託と外部サービス
（クラウドサービス）の利用, 評価・見直し) and the 小牧市 chapters 6-8 mapped onto them.

The checks common to the whole model (sources, clause trees, body names, ids named by the shipped
checklists) are in test_model_checklist.py; here:

  * every item of the 小牧市 checklist's chapters 6-8 names its model item, and that item is in
    M-6..M-9 (7(4)-(6) 委託・約款・ソーシャルメディア are M-8, 8 評価及び見直し is M-9);
  * the duty sentences and questions of M-6..M-9 read as the rest of the model: a duty ending in
    「ならない。」, a question in self-inspection form ending in 「か。」 with no subject left hanging
    (「…は、」) and no doubled particle;
  * M-8 covers the use of cloud services through its life (rules, selection, contract, approval,
    build, operation, exit) as the 令和5年 guideline does, not only 約款 services;
  * no item of M-6..M-9 cites the same clause twice;
  * every commitment of the four 基本方針-only checklists names its model item.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import yaml
from conftest import REPO

MODEL = REPO / "checklists" / "model" / "hyojun-tenkenhyo.yaml"
KOMAKI = REPO / "checklists" / "komaki" / "taisaku-kijun.yaml"
CHAPTERS = ("M-6", "M-7", "M-8", "M-9")
DOUBLED = re.compile(r"(をを|がが|はは|にに|でで)")


def _read(path):
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _items(sections) -> Iterator[dict]:
    for section in sections or []:
        yield from _items(section.get("sections"))
        yield from section.get("items") or []


@pytest.fixture(scope="module")
def chapters():
    model = _read(MODEL)
    return {s["id"]: s for s in model["sections"] if s["id"] in CHAPTERS}


def _model_ids(item) -> list[str]:
    value = item.get("model") or []
    return [value] if isinstance(value, str) else list(value)


def test_komaki_chapters_6_to_8_are_mapped_into_m6_to_m9(chapters):
    ids = {item["id"] for chapter in chapters.values() for item in _items([chapter])}
    body = _read(KOMAKI)
    mapped = 0
    for chapter in body["sections"]:
        if chapter["id"] not in ("6", "7", "8"):
            continue
        for item in _items([chapter]):
            mids = _model_ids(item)
            assert mids, f"komaki {item['id']} has no model item"
            for mid in mids:
                assert mid in ids, f"komaki {item['id']} -> {mid}, not an item of M-6..M-9"
            # chapter 6 → M-6; 7(4)-(6) (委託, 約款, ソーシャルメディア) → M-8; the rest of 7 → M-7,
            # except a sentence about 委託業者 (7(9)イ: their breaches are settled by contract, M-8.1);
            # 8 → M-9
            clause = item["clause"]
            allowed = {"6": {"M-6"}, "8": {"M-9"}}.get(chapter["id"], set())
            if chapter["id"] == "7":
                allowed = {"M-8"} if re.match(r"7\([456]\)", clause) else {"M-7"}
                if "委託" in item["text"]:
                    allowed.add("M-8")
            assert mids[0].rsplit(".", 2)[0] in allowed, f"komaki {item['id']} ({clause}) -> {mids[0]}"
            mapped += 1
    assert mapped == 191


def test_duties_and_questions_read_naturally(chapters):
    count = 0
    for chapter in chapters.values():
        for item in _items([chapter]):
            text, question = item["text"], item["question"]
            assert text.endswith("ならない。"), f"{item['id']}: {text[-12:]}"
            assert question.endswith(("いるか。", "いないか。")), f"{item['id']}: {question[-12:]}"
            assert "は、" not in question, f"{item['id']}: subject left in the question: {question}"
            for s in (text, question):
                assert not DOUBLED.search(s), f"{item['id']}: doubled particle in {s}"
            count += 1
    assert 100 <= count <= 150, count


def test_m8_covers_cloud_services_through_their_life(chapters):
    sections = {s["title"]: s for s in chapters["M-8"]["sections"]}
    cloud = next(s for title, s in sections.items() if "クラウドサービス" in title)
    questions = " ".join(item["question"] for item in cloud["items"])
    for stage in ("規定", "選定", "契約", "承認", "導入", "運用", "利用終了"):
        assert stage in questions, f"no measure of M-8 for the cloud stage {stage}"
    assert any("約款" in title for title in sections)
    assert any("ソーシャルメディア" in title for title in sections)


def test_no_item_cites_a_clause_twice(chapters):
    for chapter in chapters.values():
        for item in _items([chapter]):
            keys = [(s["document"], s.get("part", ""), s["clause"]) for s in item.get("sources") or []]
            assert len(keys) == len(set(keys)), f"{item['id']} cites a clause twice"


@pytest.mark.parametrize("body", ["ogaki", "okayama", "tokorozawa-council", "mito"])
def test_every_kihon_hoshin_commitment_names_its_model_item(body):
    """The 基本方針-only bodies: each commitment maps onto the model (M-6..M-9 here, M-1..M-5 in
    test_model_checklist.py's ranges), so their coverage report shows only what the text lacks."""
    data = _read(REPO / "checklists" / body / "kihon-hoshin.yaml")
    unmapped = [item["id"] for item in _items(data["sections"]) if not _model_ids(item)]
    assert not unmapped, f"{body}: {unmapped} name no model item"
