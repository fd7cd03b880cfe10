"""``libaudit checklist new`` and the Python API behind it (docs/profiles.md): the body profiles
shipped for the five seed bodies and the made-up 町 of examples/profiles give checklists that
load, name no other body anywhere, leave no placeholder, and put the CISO's, the committee's
and CSIRT's items on the body; a profile with a problem gives a located error and writes
nothing.

Runs against the model shipped with the package (checklists/model/) and against a small model
of the tests' own (tests/fixtures/model/mini-model.yaml), which has an item for every case:
body-level and 課 items, items for some network models only and for a server room."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO
from libaudit.checklists import shipped_model, shipped_profiles

import libaudit

FIXTURE_MODEL = REPO / "tests" / "fixtures" / "model" / "mini-model.yaml"
REPO_MODEL = REPO / "checklists" / "model" / "hyojun-tenkenhyo.yaml"
PROFILES = REPO / "checklists" / "profiles"
TOWN = REPO / "examples" / "profiles" / "kakuu-town.yaml"

# The seed bodies, by profile, and the names that must not appear in another body's checklist.
SEED_NAMES = {"komaki": "小牧", "okayama": "岡山", "ogaki": "大垣", "mito": "水戸", "tokorozawa-council": "所沢"}
ALL_PROFILES = [*sorted(PROFILES.glob("*.yaml")), TOWN]
MODELS = [pytest.param(FIXTURE_MODEL, id="fixture-model"), pytest.param(REPO_MODEL, id="shipped-model")]
BODY_LEVEL_ROLES = {"ciso", "security_committee", "csirt"}


def strings(data: Any) -> list[str]:
    """Every string of plain data (keys and values), depth first."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in (*strings(k), *strings(v))]
    if isinstance(data, list):
        return [s for v in data for s in strings(v)]
    return []


def test_five_seed_profiles_and_the_made_up_town_are_there():
    assert sorted(p.stem for p in PROFILES.glob("*.yaml")) == sorted(SEED_NAMES)
    assert TOWN.exists()


@pytest.mark.parametrize("path", ALL_PROFILES, ids=lambda p: p.stem)
def test_profiles_validate_against_the_schema_and_load(path: Path):
    import jsonschema

    schema = json.loads((PROFILES / "schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    p = libaudit.BodyProfile.load(path)
    assert p.body == data["body"] and p.id == data["id"] and p.secretariat == data.get("secretariat", "")
    assert p.to_dict()["network_model"] == data["network_model"]


def test_seed_profiles_keep_the_bodies_own_words():
    okayama = libaudit.BodyProfile.load(PROFILES / "okayama.yaml")
    assert [okayama.tier_name(t) for t in ("mynumber", "lgwan", "internet")] == ["業務系", "情報系", "公開系"]
    council = libaudit.BodyProfile.load(PROFILES / "tokorozawa-council.yaml")
    assert (council.kind, council.tier_name("mynumber"), council.tier_name("lgwan")) == ("council", "基幹系", "情報系")
    komaki = libaudit.BodyProfile.load(PROFILES / "komaki.yaml")
    assert komaki.role_title("ciso") == "最高情報セキュリティ責任者（ＣＩＳＯ）"
    assert komaki.secretariat == "行政改革課"
    assert okayama.role_title("ciso") == "最高情報セキュリティ責任者"  # not in its text: DOMAIN.md's title
    town = libaudit.BodyProfile.load(TOWN)
    assert (town.kind, town.network_model, town.server_room) == ("town", "beta", False)


def test_the_package_ships_the_model_and_the_profiles():
    assert shipped_model().read_bytes() == REPO_MODEL.read_bytes()
    shipped = shipped_profiles()
    assert sorted(shipped) == sorted(SEED_NAMES)
    for name, path in shipped.items():
        assert path.read_bytes() == (PROFILES / f"{name}.yaml").read_bytes()


@pytest.mark.parametrize("model_path", MODELS)
@pytest.mark.parametrize("profile_path", ALL_PROFILES, ids=lambda p: p.stem)
def test_checklist_new_gives_the_bodys_own_checklist(cli, tmp_path: Path, model_path: Path, profile_path: Path):
    out = tmp_path / "c.yaml"
    args = ["checklist", "new", "--profile", str(profile_path), "-o", str(out)]
    if model_path != REPO_MODEL:
        args[2:2] = ["--model", str(model_path)]  # the shipped model is the default
    r = cli(*args)
    assert r.returncode == 0, r.stderr
    profile = libaudit.BodyProfile.load(profile_path)
    model = libaudit.Checklist.load(model_path)
    c = libaudit.Checklist.load(out)  # loads as a body checklist

    assert (c.id, c.body, c.secretariat) == (f"{profile.id}-hyojun", profile.body, profile.secretariat)
    text = out.read_text(encoding="utf-8")
    every = strings(yaml.safe_load(text)) + strings(c.to_dict())
    assert not [s for s in every if "{{" in s]
    others = [name for stem, name in SEED_NAMES.items() if stem != profile_path.stem]
    assert not [s for s in every if any(n in s for n in others)], f"another body's name in {profile_path.stem}"

    left_out = dict(libaudit.left_out_items(model, profile))
    assert len(c) == len(model) - len(left_out)
    for item in c.items:
        assert item.model == [item.id]  # same ids as the model: answers compare across bodies
        if set(item.roles) <= BODY_LEVEL_ROLES:
            assert item.respondent == "body", item.id
    assert r.stdout.startswith(f"{out}: {profile.body} ({c.id}), {len(c)} items")


def test_the_fixture_model_is_filled_and_pruned_for_the_town(tmp_path: Path):
    model = libaudit.Checklist.load(FIXTURE_MODEL)
    town = libaudit.BodyProfile.load(TOWN)
    c = libaudit.checklist_for_body(model, town)
    left_out = libaudit.left_out_items(model, town)
    assert {why for _, why in left_out} == {"network_model", "server_room"}
    for item_id, _why in left_out:
        assert item_id not in c
    assert c.item("M-1.1.1").question.startswith("情報セキュリティ最高責任者（副町長）")
    body_level = [i.id for i in c.items if i.respondent == "body"]
    assert {"M-1.1.1", "M-1.1.2", "M-1.1.3"} <= set(body_level)
    assert c.item("M-1.2.1").respondent == "department"
    assert c.tier_name("mynumber") == "住民情報系"
    assert dict(c.roles)["ciso"] == "情報セキュリティ最高責任者（副町長）"
    again = libaudit.Checklist.from_yaml(c.to_yaml(), source="again.yaml")
    assert again.to_json() == c.to_json()


def test_the_summary_counts_what_was_left_out(cli, tmp_path: Path):
    out = tmp_path / "town.yaml"
    r = cli("checklist", "new", "--model", str(FIXTURE_MODEL), "--profile", str(TOWN), "-o", str(out))
    assert r.returncode == 0, r.stderr
    model = libaudit.Checklist.load(FIXTURE_MODEL)
    left = libaudit.left_out_items(model, libaudit.BodyProfile.load(TOWN))
    network = sum(1 for _, why in left if why == "network_model")
    room = sum(1 for _, why in left if why == "server_room")
    assert f"left out: {network} for the network model, {room} for having no server room" in r.stdout
    ja = cli("checklist", "new", "--model", str(FIXTURE_MODEL), "--profile", str(TOWN), "-o", str(out), lang="ja")
    assert ja.returncode == 0 and "全庁共通事項" in ja.stdout and "ネットワークモデル" in ja.stdout


# (what, text of the town's profile, replaced by, the bad line as it starts, the message)
BAD_PROFILES = [
    ("kind", "kind: town", "kind: tonw", "kind:", "unknown kind of body 'tonw' (did you mean 'town'?)"),
    ("key", "server_room: false", "server_room: false\nserverroom: no", "serverroom", "unknown key 'serverroom'"),
    ("role", "  ciso:", "  cisco:", "  cisco:", "unknown role 'cisco' in 'roles' (did you mean 'ciso'?)"),
    ("tier", "  lgwan:", "  lgwam:", "  lgwam:", "unknown tier 'lgwam' (did you mean 'lgwan'?)"),
    ("network model", "network_model: beta", "network_model: gamma", "network_model:", "unknown network model"),
]


@pytest.mark.parametrize(("what", "old", "new", "bad_line", "message"), BAD_PROFILES, ids=[b[0] for b in BAD_PROFILES])
def test_a_bad_profile_gives_a_located_error_and_writes_nothing(
    cli, tmp_path: Path, what: str, old: str, new: str, bad_line: str, message: str
):
    text = TOWN.read_text(encoding="utf-8")
    assert old in text, what
    text = text.replace(old, new, 1)
    line = 1 + next(n for n, t in enumerate(text.splitlines()) if t.startswith(bad_line))
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "out.yaml"
    out.write_text("previous\n", encoding="utf-8")
    r = cli("checklist", "new", "--model", str(FIXTURE_MODEL), "--profile", str(bad), "-o", str(out))
    assert r.returncode == 1
    assert f"{bad}:{line}:" in r.stderr and message in r.stderr, r.stderr
    assert out.read_text(encoding="utf-8") == "previous\n"  # untouched, and no temporary left beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "out.yaml"]


def test_a_placeholder_the_profile_cannot_fill_is_located_in_the_model(cli, tmp_path: Path):
    # 水戸市's 基本方針 names no secretariat 課: a model that asks for one cannot be filled for it.
    model = tmp_path / "model.yaml"
    text = FIXTURE_MODEL.read_text(encoding="utf-8")
    old = 'evidence: ["{{body}}の情報セキュリティ組織体制図"]'
    assert old in text
    model.write_text(text.replace(old, 'evidence: ["{{secretariat}}が保管する組織体制図"]'), encoding="utf-8")
    line = 1 + next(n for n, t in enumerate(text.splitlines()) if "- id: M-1.1.1" in t)
    out = tmp_path / "out.yaml"
    r = cli("checklist", "new", "--model", str(model), "--profile", str(PROFILES / "mito.yaml"), "-o", str(out))
    assert r.returncode == 1
    assert f"{model}:{line}:1: placeholder '{{{{secretariat}}}}' in item 'M-1.1.1' needs the 課" in r.stderr, r.stderr
    assert not out.exists()
    with pytest.raises(libaudit.ChecklistError) as e:
        libaudit.checklist_for_body(libaudit.Checklist.load(model), libaudit.BodyProfile.load(PROFILES / "mito.yaml"))
    assert e.value.diagnostics[0].line == line
    # With the town's profile, which names its secretariat, the same model fills.
    ok = cli("checklist", "new", "--model", str(model), "--profile", str(TOWN), "-o", str(out))
    assert ok.returncode == 0, ok.stderr
    assert "総務課情報係が保管する組織体制図" in out.read_text(encoding="utf-8")


def test_a_missing_profile_is_one_line_and_writes_nothing(cli, tmp_path: Path):
    out = tmp_path / "out.yaml"
    r = cli("checklist", "new", "--model", str(FIXTURE_MODEL), "--profile", str(tmp_path / "no.yaml"), "-o", str(out))
    assert r.returncode == 1
    assert "no.yaml" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()
