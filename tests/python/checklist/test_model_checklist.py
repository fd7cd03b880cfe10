"""The model checklist (標準点検表, checklists/model/hyojun-tenkenhyo.yaml) and the mapping of the
shipped body checklists onto it (`model:`).

  * the model loads as a checklist of kind `model`; its ids are M-… ids;
  * every item cites the seed clauses it generalises (`sources`) or says why none does (`basis`);
  * every cited clause exists in the clause tree the clause parser builds from its seed (the seeds
    are found through conftest.seed_path: $LIBAUDIT_SEEDS, else ../shared/seeds; skipped with the
    reason when absent);
  * no string of the model names a seed body (the model is for any body: names come from a
    profile through placeholders);
  * every `model:` id named by a shipped checklist exists in the model, and a body item mapped to a
    model item is one of the clauses that model item cites; prints how many items of each shipped
    checklist are mapped (run pytest with -s to see the figures).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SEED_NAMES, seed_path

import libaudit
from libaudit import extract_checklist

MODEL = REPO / "checklists" / "model" / "hyojun-tenkenhyo.yaml"
# The shipped body checklists and the seed each was made from (part: the substring of the part's
# title its clauses are in, "" when the seed has one part).
SHIPPED = {
    "komaki/taisaku-kijun.yaml": ("002_65e417b3328f2695.txt", "対策基準"),
    "ogaki/kihon-hoshin.yaml": ("000_3c81d922953f4b58.txt", ""),
    "okayama/kihon-hoshin.yaml": ("001_1ef01afb4d91e38e.txt", ""),
    "tokorozawa-council/kihon-hoshin.yaml": ("003_f560b98fa22c2f2f.txt", ""),
    "mito/kihon-hoshin.yaml": ("004_c7b83743516ed7df.txt", ""),
}
# The seed bodies and the prefectures they sit in: none may appear in the model.
BODY_NAMES = ("小牧", "岡山", "大垣", "水戸", "所沢", "愛知", "あいち", "岐阜", "埼玉", "茨城")
MODEL_ID = re.compile(r"^M-[0-9]+(\.[0-9]+)*$")
ITEM_ID = re.compile(r"^M-[0-9]+\.[0-9]+\.[0-9]+$")
NETWORK_MODELS = {"alpha", "alpha_prime", "beta", "beta_prime"}


def _read(path: Path):
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _sections(sections) -> Iterator[dict]:
    for section in sections or []:
        yield section
        yield from _sections(section.get("sections"))


def _items(sections) -> Iterator[dict]:
    for section in _sections(sections):
        yield from section.get("items") or []


def _strings(node) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _model_ids(item) -> list[str]:
    value = item.get("model")
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _clause_key(clause: str) -> str:
    """A clause path as the loader compares it: NFKC-normalised (（２）→(2), ①→1), no spaces."""
    s = unicodedata.normalize("NFKC", clause)
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def model():
    return _read(MODEL)


@cache
def _clause_tree(name: str) -> frozenset[tuple[str, str]]:
    """(part title, clause key) of every clause the parser finds in seed `name`."""
    seed = seed_path(name)
    ex = extract_checklist(seed.read_text(encoding="utf-8"), id="seed", title="seed", body="b", source_document=name)
    return frozenset((ex.parts[c["part"]], _clause_key(c["path"])) for c in ex.clauses)


def test_model_loads_as_a_model_checklist(model):
    checklist = libaudit.Checklist.load(MODEL)
    assert checklist.kind == "model"
    assert model["kind"] == "model" and model["id"] == "model"
    assert len(list(checklist)) == len(list(_items(model["sections"])))


def test_ids_are_model_ids(model):
    for section in _sections(model["sections"]):
        assert MODEL_ID.match(section["id"]), section["id"]
    chapters = [s["id"] for s in model["sections"]]
    assert chapters == [f"M-{n}" for n in range(1, 10)]
    for item in _items(model["sections"]):
        assert ITEM_ID.match(item["id"]), item["id"]
        # an item's clause is its id without the M- (M-6.2.3 is clause 6.2.3)
        assert item["clause"] == item["id"][2:], item["id"]


def test_every_item_cites_sources_or_gives_a_basis(model):
    for item in _items(model["sections"]):
        sources, basis = item.get("sources") or [], (item.get("basis") or "").strip()
        assert sources or basis, f"{item['id']}: neither sources nor basis"
        if basis:
            assert "\n" not in basis, f"{item['id']}: basis is one line"
        for source in sources:
            assert source["document"] in SEED_NAMES, f"{item['id']}: {source['document']} is not a seed"
        nm = (item.get("applies_to") or {}).get("network_models")
        if nm is not None:
            assert nm and set(nm) <= NETWORK_MODELS, item["id"]


def test_every_cited_clause_exists_in_its_seed(model):
    cited = 0
    for item in _items(model["sections"]):
        for source in item.get("sources") or []:
            tree = _clause_tree(source["document"])
            part = source.get("part", "")
            clause = _clause_key(source["clause"])
            assert any(part in title and path == clause for title, path in tree), (
                f"{item['id']}: no clause {source['clause']!r} in {source['document']}"
                + (f" part {part!r}" if part else "")
            )
            cited += 1
    print(f"\nmodel: {cited} cited seed clauses, all found in the parsed clause trees")


def test_the_model_names_no_seed_body(model):
    for s in _strings(model):
        for name in BODY_NAMES:
            assert name not in s, f"{name!r} in the model: {s[:60]}"


def test_every_model_id_a_shipped_checklist_names_exists(model):
    ids = {s["id"] for s in _sections(model["sections"])} | {i["id"] for i in _items(model["sections"])}
    print()
    for rel in SHIPPED:
        body = _read(REPO / "checklists" / rel)
        items = list(_items(body["sections"]))
        mapped = [i for i in items if _model_ids(i)]
        for item in mapped:
            for mid in _model_ids(item):
                assert MODEL_ID.match(mid), f"{rel} {item['id']}: {mid!r}"
                assert mid in ids, f"{rel} {item['id']}: model item {mid} does not exist"
        print(f"{rel}: {len(mapped)} of {len(items)} items mapped to the model")


def test_a_mapped_item_is_among_the_clauses_its_model_item_cites(model):
    """A body item mapped to model item M is one of the seed clauses M generalises: the mapping
    and the model's sources agree."""
    cites: dict[str, set[tuple[str, str, str]]] = {}
    for item in _items(model["sections"]):
        cites[item["id"]] = {
            (s["document"], s.get("part", ""), _clause_key(s["clause"])) for s in item.get("sources") or []
        }
    disagree = []
    for rel, (document, part) in SHIPPED.items():
        for item in _items(_read(REPO / "checklists" / rel)["sections"]):
            for mid in _model_ids(item):
                if mid not in cites:
                    continue  # reported by the test above
                if (document, part, _clause_key(item["clause"])) not in cites[mid]:
                    disagree.append(f"{rel} {item['id']} ({item['clause']}) -> {mid}, which does not cite it")
    assert not disagree, "\n".join(disagree)


def test_komaki_chapters_1_to_5_are_mapped():
    """Every item of the 小牧市 checklist's chapters 1-5 (the chapters M-1..M-5 generalise) names
    its model item."""
    body = _read(REPO / "checklists" / "komaki" / "taisaku-kijun.yaml")
    for chapter in body["sections"]:
        if int(chapter["id"]) <= 5:
            for item in _items([chapter]):
                assert _model_ids(item), f"komaki {item['id']} has no model item"
