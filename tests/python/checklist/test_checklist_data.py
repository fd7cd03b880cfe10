"""Checks of the checklist data in checklists/ (docs/checklist-format.md).

For every checklists/**/*.yaml:
  * it validates against checklists/schema.json (jsonschema, read with PyYAML, so
    independently of the C++ loader);
  * every item's `text` occurs verbatim in its source seed document, once all white space
    (incl. U+3000 and line breaks) and PDF page footers (``- 15 -``) are removed from both;
  * every item's question ends with 「か。」;
  * libaudit.Checklist.load reads it with the same items (test_load_*; needs the C++
    extension, deselect with -k "not load" while it is not built).

The seeds dir is $LIBAUDIT_SEEDS if set, else <repo>/../shared/seeds (conftest.seed_path).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import seed_path, squash

REPO = Path(__file__).resolve().parents[3]
CHECKLISTS = REPO / "checklists"
SCHEMA_PATH = CHECKLISTS / "schema.json"

# Every checklist: the bodies' and the model (checklists/model/); body profiles (checklists/profiles/) are
# not checklists. The model's text is the project's own, so only the bodies' is looked for in a seed.
CHECKLIST_FILES = sorted(p for p in CHECKLISTS.rglob("*.yaml") if "profiles" not in p.relative_to(CHECKLISTS).parts)
BODY_CHECKLIST_FILES = [p for p in CHECKLIST_FILES if "model" not in p.relative_to(CHECKLISTS).parts]


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _read_yaml(path: Path):
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _items(sections):
    """All items in document order (a section's items, then its sub-sections)."""
    for section in sections or []:
        yield from section.get("items") or []
        yield from _items(section.get("sections"))


@pytest.fixture(scope="module")
def validator():
    with SCHEMA_PATH.open(encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_there_are_checklists():
    assert CHECKLIST_FILES, f"no *.yaml under {_rel(CHECKLISTS)}"


def test_schema_is_draft_2020_12():
    with SCHEMA_PATH.open(encoding="utf-8") as f:
        schema = json.load(f)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", CHECKLIST_FILES, ids=_rel)
def test_schema_header_comment(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    expected = os.path.relpath(SCHEMA_PATH, path.parent).replace(os.sep, "/")
    assert first == f"# yaml-language-server: $schema={expected}"


# (a) -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CHECKLIST_FILES, ids=_rel)
def test_validates_against_schema(path, validator):
    data = _read_yaml(path)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{_rel(path)}: /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


@pytest.mark.parametrize("path", CHECKLIST_FILES, ids=_rel)
def test_ids_unique(path):
    # The schema cannot say this; the loader does (docs/checklist-format.md, "Rules").
    data = _read_yaml(path)
    seen: dict[str, str] = {}
    dupes = []

    def walk(sections):
        for s in sections or []:
            for kind, node in [("section", s)] + [("item", i) for i in s.get("items") or []]:
                if node["id"] in seen:
                    dupes.append(f"{kind} {node['id']} (also a {seen[node['id']]})")
                seen[node["id"]] = kind
            walk(s.get("sections"))

    walk(data["sections"])
    assert not dupes, dupes


@pytest.mark.parametrize("path", CHECKLIST_FILES, ids=_rel)
def test_item_roles_declared(path):
    data = _read_yaml(path)
    if "roles" not in data:
        return
    declared = {r if isinstance(r, str) else r["id"] for r in data["roles"]}
    used = {role for item in _items(data["sections"]) for role in item["roles"]}
    assert used <= declared, f"undeclared roles: {sorted(used - declared)}"


# (b) -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", BODY_CHECKLIST_FILES, ids=_rel)
def test_item_text_occurs_in_seed(path):
    data = _read_yaml(path)
    seed = seed_path(data["source"]["document"])
    haystack = squash(seed.read_text(encoding="utf-8"))
    missing = [
        f"{item['id']}: {item['text']}" for item in _items(data["sections"]) if squash(item["text"]) not in haystack
    ]
    assert not missing, f"not found in {seed.name}:\n" + "\n".join(missing)


# (c) -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CHECKLIST_FILES, ids=_rel)
def test_questions_end_with_ka(path):
    data = _read_yaml(path)
    bad = [
        f"{item['id']}: {item['question']}"
        for item in _items(data["sections"])
        if not item["question"].endswith("か。")
    ]
    assert not bad, "questions not ending in 「か。」:\n" + "\n".join(bad)


# (d) -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CHECKLIST_FILES, ids=_rel)
def test_load_with_libaudit(path):
    import libaudit  # the C++ extension; fails here (only) while it is not built

    if not hasattr(libaudit, "Checklist"):
        # e.g. the repo's libaudit/ C++ source dir picked up as a namespace package
        pytest.fail(f"libaudit extension not built/installed (imported {libaudit!r})")
    data = _read_yaml(path)
    expected = list(_items(data["sections"]))
    checklist = libaudit.Checklist.load(str(path))
    assert checklist.id == data["id"]
    assert len(checklist) == len(expected)
    # Same items; ids in these files are ASCII already, so NFKC leaves them unchanged.
    assert sorted(i.id for i in checklist.items) == sorted(i["id"] for i in expected)
    texts = {i["id"]: i["text"] for i in expected}
    assert {i.id: i.text for i in checklist.items} == texts


# Negative schema tests -------------------------------------------------------------------------

_MINIMAL = {
    "id": "test-minimal",
    "title": "テスト点検表",
    "version": "2024-03-01",
    "body": "小牧市",
    "source": {"document": "x.txt", "title": "テスト", "revised": "2024-03-01"},
    "sections": [
        {
            "id": "1",
            "clause": "１",
            "title": "見出し",
            "items": [
                {
                    "id": "1.a",
                    "clause": "1ア",
                    "text": "職員等は、何々しなければならない。",
                    "question": "何々しているか。",
                    "roles": ["staff"],
                }
            ],
        }
    ],
}


def _minimal():
    return copy.deepcopy(_MINIMAL)


def _item(doc):
    return doc["sections"][0]["items"][0]


def test_schema_accepts_minimal(validator):
    assert not list(validator.iter_errors(_minimal()))


def test_schema_accepts_full_width_ids_and_new_roles(validator):
    doc = _minimal()
    doc["sections"][0]["id"] = "８"
    doc["roles"] = ["staff", {"id": "records_manager", "label": "文書管理責任者"}]
    doc["tier_names"] = {"mynumber": "業務系", "lgwan": "情報系", "internet": "公開系"}
    _item(doc).update(
        applies_to={"tiers": ["lgwan"], "departments": "system_owners", "important_assets": True},
        weight=0.5,
        audience=["self_inspection"],
        evidence=["自己点検結果報告書"],
        note="備考",
    )
    assert not list(validator.iter_errors(doc))


@pytest.mark.parametrize("weight", [-1, "1", None, True])
def test_schema_rejects_bad_weight(validator, weight):
    doc = _minimal()
    _item(doc)["weight"] = weight
    assert not validator.is_valid(doc)


@pytest.mark.parametrize(
    "where",
    ["top", "source", "section", "item", "applies_to", "tier_names", "new_role"],
)
def test_schema_rejects_unknown_key(validator, where):
    doc = _minimal()
    target = {
        "top": lambda d: d,
        "source": lambda d: d["source"],
        "section": lambda d: d["sections"][0],
        "item": _item,
        "applies_to": lambda d: _item(d).setdefault("applies_to", {}),
        "tier_names": lambda d: d.setdefault("tier_names", {}),
        "new_role": lambda d: d.setdefault("roles", [{"id": "x_role", "label": "某"}])[0],
    }[where](doc)
    target["wieght"] = 1
    assert not validator.is_valid(doc)


def test_schema_accepts_the_keys_of_issue_16(validator):
    doc = _minimal()
    doc["secretariat"] = "情報政策課"
    _item(doc).update(respondent="body", model=["M-1.1.1", "M-9.2"])
    assert not list(validator.iter_errors(doc))
    _item(doc)["model"] = "M-1.1.1"
    assert not list(validator.iter_errors(doc))
    model = _minimal()
    del model["body"]
    model["kind"] = "model"
    _item(model).update(
        sources=[{"document": "002_65e417b3328f2695.txt", "part": "対策基準", "clause": "1(1)ウ(ア)"}],
        applies_to={"network_models": ["alpha", "beta_prime"], "server_room": True},
    )
    assert not list(validator.iter_errors(model))


@pytest.mark.parametrize(
    "change",
    [
        lambda d: _item(d).update(respondent="everyone"),
        lambda d: _item(d).update(model="6.2.3"),
        lambda d: _item(d).update(applies_to={"network_models": ["gamma"]}),
        lambda d: d.pop("body"),  # a body checklist names its body
    ],
)
def test_schema_rejects_bad_keys_of_issue_16(validator, change):
    doc = _minimal()
    change(doc)
    assert not validator.is_valid(doc)


@pytest.mark.parametrize("content", [{}, {"items": []}, {"sections": []}])
def test_schema_rejects_empty_section(validator, content):
    doc = _minimal()
    section = {"id": "1", "clause": "１", "title": "見出し", **content}
    doc["sections"] = [section]
    assert not validator.is_valid(doc)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(id="Komaki_Taisaku"),  # checklist id: lower-case, digits, '-'
        lambda d: d.pop("source"),  # required key missing
        lambda d: d.update(sections=[]),  # non-empty list
        lambda d: d.update(version=20240301),  # a string
        lambda d: d["source"].update(revised="令和6年3月1日"),  # a date YYYY-MM-DD
        lambda d: d.update(roles=["mayor"]),  # not a DOMAIN.md role
        lambda d: d.update(tier_names={"kikan": "基幹系"}),  # not a tier
        lambda d: d["sections"][0].update(id="8 1"),  # id characters
        lambda d: _item(d).update(id="8.1/a"),
        lambda d: _item(d).update(roles=[]),  # non-empty
        lambda d: _item(d).pop("question"),
        lambda d: _item(d).update(text=""),
        lambda d: _item(d).update(audience=["everyone"]),
        lambda d: _item(d).update(audience=[]),
        lambda d: _item(d).update(applies_to={"tiers": ["kikan"]}),
        lambda d: _item(d).update(applies_to={"departments": "some"}),
        lambda d: _item(d).update(applies_to={"important_assets": "yes"}),
    ],
)
def test_schema_rejects(validator, change):
    doc = _minimal()
    change(doc)
    assert not validator.is_valid(doc)


@pytest.mark.parametrize("path", BODY_CHECKLIST_FILES, ids=_rel)
def test_item_clause_exists_in_the_parsed_clause_tree(path):
    """Issue 3: every item's clause reference names a clause the parser finds in the seed."""
    import libaudit

    checklist = libaudit.Checklist.load(path)
    seed = seed_path(checklist.source["document"])
    parsed = libaudit.extract_checklist(
        seed.read_text(encoding="utf-8"), id="trace", title="trace", body=checklist.body
    )
    paths = {libaudit.nfkc(c["path"]) for c in parsed.clauses}
    missing = [f"{item.id}: {item.clause}" for item in checklist if item.clause not in paths]
    assert not missing, f"clauses not in the parsed tree of {seed.name}:\n" + "\n".join(missing)
