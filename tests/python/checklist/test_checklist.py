"""The Python face of the checklist loader: API, errors, stubs, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import KOMAKI, REPO

import libaudit

VALID = """\
id: test-list
title: テスト点検表
version: "2024-03-01"
body: 小牧市
source: {document: 002_65e417b3328f2695.txt, title: 小牧市情報セキュリティ対策基準, revised: "2024-03-01"}
roles: [security_officer, system_administrator, staff]
tier_names: {mynumber: 個人番号利用事務系}
sections:
  - id: "８"
    clause: "８"
    title: 評価及び見直し
    items:
      - id: "8.2.a.1"
        clause: "８（２）ア（ア）"
        text: 情報セキュリティ責任者及び情報システム管理者は、自己点検を実施しなければならない。
        question: 自己点検を実施しているか。
        roles: [security_officer, system_administrator]
        applies_to: {tiers: [mynumber], departments: system_owners, important_assets: true}
        weight: 2
        evidence: [自己点検結果報告書]
      - id: "8.2.c.1"
        clause: "8(2)ウ(ア)"
        text: 職員等は、改善を図らなければならない。
        question: 改善を図っているか。
        roles: [staff]
        audience: [self_inspection]
"""


def test_from_yaml_gives_the_model():
    c = libaudit.Checklist.from_yaml(VALID, source="v.yaml")
    assert (c.id, c.title, c.version, c.body) == ("test-list", "テスト点検表", "2024-03-01", "小牧市")
    assert c.source == {
        "document": "002_65e417b3328f2695.txt",
        "title": "小牧市情報セキュリティ対策基準",
        "revised": "2024-03-01",
    }
    assert len(c) == 2
    assert [i.id for i in c] == ["8.2.a.1", "8.2.c.1"]
    item = c.item("8.2.a.1")
    assert item.clause == "8(2)ア(ア)"  # NFKC
    assert item.text.startswith("情報セキュリティ責任者及び")  # kept as written
    assert item.roles == ["security_officer", "system_administrator"]
    assert item.applies_to.tiers == ["mynumber"]
    assert item.applies_to.departments == "system_owners"
    assert item.applies_to.important_assets is True
    assert item.weight == 2.0
    assert item.audience == ["self_inspection", "audit"]
    assert c.item("8.2.c.1").audience == ["self_inspection"]
    assert item.evidence == ["自己点検結果報告書"]
    assert c.sections[0].id == "8" and c.sections[0].title == "評価及び見直し"
    assert c.chapter_of(item).id == "8"
    assert [i.id for i in c.items_for_role("staff")] == ["8.2.c.1"]
    assert [i.id for i in c.items_for_tier("mynumber")] == ["8.2.a.1"]
    assert c.tier_name("mynumber") == "個人番号利用事務系"
    assert c.tier_name("internet") == "インターネット接続系"
    assert "8.2.a.1" in c and "9.9" not in c
    assert c.origin == "v.yaml"


def test_items_outlive_their_checklist_object():
    item = libaudit.Checklist.from_yaml(VALID).items[1]
    section = libaudit.Checklist.from_yaml(VALID).sections[0]
    import gc

    gc.collect()
    assert item.question == "改善を図っているか。"
    assert section.title == "評価及び見直し"


def test_to_dict_and_yaml_round_trip():
    c = libaudit.Checklist.from_yaml(VALID)
    d = c.to_dict()
    assert d["id"] == "test-list"
    assert d["sections"][0]["items"][1]["weight"] == 1.0  # default filled in
    again = libaudit.Checklist.from_yaml(c.to_yaml())
    assert again.to_dict() == d
    assert json.loads(c.to_json()) == d


def test_unknown_item_is_a_key_error():
    c = libaudit.Checklist.from_yaml(VALID)
    with pytest.raises(KeyError) as e:
        c.item("9.9.9")
    assert isinstance(e.value, libaudit.NotFoundError)
    assert "9.9.9" in str(e.value)


def test_errors_are_value_errors_with_every_diagnostic():
    bad = VALID.replace("title: テスト点検表", "titel: テスト点検表").replace("weight: 2", "weight: -2")
    with pytest.raises(ValueError) as e:
        libaudit.Checklist.from_yaml(bad, source="bad.yaml")
    err = e.value
    assert isinstance(err, libaudit.ChecklistError)
    assert isinstance(err, libaudit.LibauditError)
    got = [(d.file, d.line, d.column) for d in err.diagnostics]
    assert ("bad.yaml", 1, 1) in got  # missing title
    assert ("bad.yaml", 2, 1) in got  # unknown key titel
    assert ("bad.yaml", 19, 17) in got  # negative weight
    assert any("did you mean 'title'" in d.message for d in err.diagnostics)
    assert str(err.diagnostics[0]).startswith("bad.yaml:1:1: ")
    assert str(err).startswith("bad.yaml:1:1:")


def test_load_missing_file_is_an_os_error(tmp_path: Path):
    with pytest.raises(OSError):
        libaudit.Checklist.load(tmp_path / "none.yaml")


def test_load_accepts_pathlike_and_reports_the_path(tmp_path: Path):
    p = tmp_path / "c.yaml"
    p.write_text(VALID.replace("roles: [staff]", "roles: [stuff]"), encoding="utf-8")
    with pytest.raises(libaudit.ChecklistError) as e:
        libaudit.Checklist.load(p)
    assert e.value.diagnostics[0].file == str(p)
    p.write_text(VALID, encoding="utf-8")
    assert len(libaudit.Checklist.load(p)) == 2


def test_invalid_utf8_file(tmp_path: Path):
    p = tmp_path / "sjis.yaml"
    p.write_bytes(VALID.encode("cp932"))
    with pytest.raises(libaudit.ChecklistError) as e:
        libaudit.Checklist.load(p)
    (d,) = e.value.diagnostics
    assert d.line == 2 and "invalid UTF-8" in d.message


def test_display_width_counts_wide_characters():
    assert libaudit.display_width("abc") == 3
    assert libaudit.display_width("情報") == 4
    assert libaudit.display_width("ｱｲｳ") == 3  # half-width katakana
    assert libaudit.nfkc("（２）ア") == "(2)ア"


def test_stubs_cover_the_public_names():
    stub = (REPO / "bindings" / "python" / "libaudit" / "_core.pyi").read_text(encoding="utf-8")
    for name in ("class Checklist", "class Item", "class Section", "class AppliesTo", "def display_width"):
        assert name in stub
    for name in ("load", "from_yaml", "to_yaml", "to_dict", "items_for_role", "items_for_tier"):
        assert f"def {name}(" in stub


# ---- CLI


def test_cli_validate_ok(cli):
    r = cli("checklist", "validate", str(KOMAKI))
    assert r.returncode == 0, r.stderr
    assert "ok (komaki-taisaku-kijun" in r.stdout


def test_cli_validate_reports_every_problem(cli, tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID.replace("roles: [staff]", "roles: [staf]").replace("weight: 2", "weight: x"), encoding="utf-8")
    r = cli("checklist", "validate", str(KOMAKI), str(bad))
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert f"{bad}:19:17: 'weight' in item '8.2.a.1' must be a number, found 'x'" in lines
    assert any(line.startswith(f"{bad}:25:17: unknown role 'staf'") for line in lines)
    assert "ok (komaki-taisaku-kijun" in r.stdout  # the good file still reported


def test_cli_validate_missing_file(cli, tmp_path: Path):
    r = cli("checklist", "validate", str(tmp_path / "nope.yaml"))
    assert r.returncode == 1
    assert "nope.yaml" in r.stderr and "cannot open" in r.stderr


def test_cli_show_table_and_json(cli):
    r = cli("checklist", "show", str(KOMAKI), lang="ja")
    assert r.returncode == 0, r.stderr
    assert "評価及び見直し" in r.stdout and "項目数" in r.stdout
    r = cli("checklist", "show", str(KOMAKI), "--json")
    data = json.loads(r.stdout)
    c = libaudit.Checklist.load(KOMAKI)
    assert data["items"] == len(c)
    assert sum(s["items"] for s in data["sections"]) == len(c)
    by_role = {x["role"]: x["items"] for x in data["roles"]}
    for role, _ in c.roles:
        assert by_role.get(role, 0) == len(c.items_for_role(role))
    assert {x["tier"] for x in data["tiers"]} == {"mynumber", "lgwan", "internet"}


def test_cli_show_aligns_japanese_by_display_width(cli):
    r = cli("checklist", "show", str(KOMAKI), lang="ja")
    lines = r.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("章"))
    header, rule, *rows = lines[start:]
    rows = rows[: next((i for i, row in enumerate(rows) if not row.strip()), len(rows))]
    # The count column is right-aligned: every row ends at the same display column.
    widths = {libaudit.display_width(line) for line in [header, rule, *rows]}
    assert len(widths) == 1, lines[start:]


def test_python_dash_m_and_version(cli):
    r = cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("libaudit ")
    r = cli()
    assert r.returncode == 2 and "usage" in r.stderr
