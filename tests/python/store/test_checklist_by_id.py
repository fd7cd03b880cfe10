"""Checklists named by their own id (issue #15): ``cycle create --checklist komaki-taisaku-kijun``
(or ``id@version`` when several versions are stored; the store's number still works) in the CLI
and in ``Store.create_cycle``; ``checklist list``; ``cycle list`` and the other tables show the
vocabularies' Japanese labels in Japanese, not their ids."""

from __future__ import annotations

import json

import pytest
from _lang_cli import run_en, run_ja
from _store_util import ACTOR, CHECKLIST_YAML, DEPARTMENTS_CSV, write

import libaudit

V2 = CHECKLIST_YAML.replace('version: "2024-03-01"', 'version: "2025-03-01"')


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "a.db")
    assert run_en("init", path, "--as", ACTOR).returncode == 0
    assert (
        run_en("dept", "import", path, str(write(tmp_path / "d.csv", DEPARTMENTS_CSV)), "--as", ACTOR).returncode == 0
    )
    r = run_en("checklist", "import", path, str(write(tmp_path / "c.yaml", CHECKLIST_YAML)), "--as", ACTOR)
    assert r.returncode == 0, r.stderr
    return path


def create(db: str, checklist: str, run=run_en):
    return run("cycle", "create", db, "--name", "N", "--kind", "self_inspection", "--fiscal-year", "2024",
               "--checklist", checklist, "--as", ACTOR)  # fmt: skip


def cycles(db: str) -> list[dict]:
    return json.loads(run_en("cycle", "list", db, "--json").stdout)


def test_cycle_create_takes_the_checklists_own_id(db):
    """It took only the store's integer: `--checklist test-kijun` was `invalid int value`."""
    r = create(db, "test-kijun")
    assert r.returncode == 0, r.stderr
    assert cycles(db)[0]["checklist"] == 1
    assert create(db, "1").returncode == 0  # the store's number still works
    assert create(db, "test-kijun@2024-03-01").returncode == 0
    assert [c["checklist"] for c in cycles(db)] == [1, 1, 1]


def test_an_ambiguous_or_unknown_id_is_refused_and_nothing_written(db, tmp_path):
    assert run_en("checklist", "import", db, str(write(tmp_path / "v2.yaml", V2)), "--as", ACTOR).returncode == 0
    r = create(db, "test-kijun")
    assert r.returncode == 1
    assert "test-kijun@2024-03-01, test-kijun@2025-03-01" in r.stderr and "@VERSION" in r.stderr, r.stderr
    assert create(db, "test-kijun@2025-03-01").returncode == 0
    assert cycles(db)[0]["checklist"] == 2
    r = create(db, "komaki-taisaku-kijun")
    assert r.returncode == 1 and "komaki-taisaku-kijun" in r.stderr and "checklist list" in r.stderr, r.stderr
    r = create(db, "test-kijun", run=run_ja)
    assert r.returncode == 1 and "版" in r.stderr and "test-kijun@2025-03-01" in r.stderr, r.stderr
    assert len(cycles(db)) == 1


def test_python_api_takes_the_checklists_own_id(tmp_path):
    with libaudit.Store(tmp_path / "a.db") as s:
        s.import_departments_csv(ACTOR, write(tmp_path / "d.csv", DEPARTMENTS_CSV))
        s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(CHECKLIST_YAML, "c.yaml"))
        c = s.create_cycle(ACTOR, name="N", kind="self_inspection", fiscal_year=2024, checklist="test-kijun")
        assert s.cycle(c).checklist == 1
        assert s.find_checklist("test-kijun@2024-03-01").version == "2024-03-01"
        assert s.load_checklist("test-kijun").id == "test-kijun"
        s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(V2, "v2.yaml"))
        with pytest.raises(libaudit.ValidationError, match="test-kijun@2025-03-01"):
            s.create_cycle(ACTOR, name="M", kind="self_inspection", fiscal_year=2025, checklist="test-kijun")
        with pytest.raises(libaudit.NotFoundError):
            s.find_checklist("nothing")
        assert len(s.cycles()) == 1


def test_checklist_list(db, tmp_path):
    """There was no `checklist list`."""
    assert run_en("checklist", "import", db, str(write(tmp_path / "v2.yaml", V2)), "--as", ACTOR).returncode == 0
    r = run_en("checklist", "list", db, "--json")
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)
    assert [(c["id"], c["checklist_id"], c["version"], c["items"]) for c in listed] == [
        (1, "test-kijun", "2024-03-01", 5),
        (2, "test-kijun", "2025-03-01", 5),
    ]
    assert listed[0]["title"] == "テスト対策基準 自己点検表" and listed[0]["imported_at"]
    en = run_en("checklist", "list", db).stdout
    assert "checklist id" in en and "2025-03-01" in en and "テスト対策基準 自己点検表" in en
    ja = run_ja("checklist", "list", db).stdout
    assert "点検表ID" in ja and "項目数" in ja and "checklist id" not in ja, ja


def test_cycle_list_shows_japanese_labels_in_japanese(db):
    """`cycle list` showed self_inspection / open in English in a Japanese table."""
    assert create(db, "test-kijun").returncode == 0
    assert run_en("cycle", "open", db, "1", "--as", ACTOR).returncode == 0
    ja = run_ja("cycle", "list", db).stdout
    assert "自己点検" in ja and "実施中" in ja and "test-kijun@2024-03-01" in ja, ja
    assert "self_inspection" not in ja and " open" not in ja
    en = run_en("cycle", "list", db).stdout
    assert "self_inspection" in en and "open" in en
    assert cycles(db)[0]["kind"] == "self_inspection"  # JSON keeps the ids


def test_other_tables_show_labels_in_japanese(db, tmp_path):
    systems = "name,department,tier,important_assets\n住基システム,101,mynumber,1\n"
    assert run_en("system", "import", db, str(write(tmp_path / "s.csv", systems)), "--as", ACTOR).returncode == 0
    assert "マイナンバー利用事務系" in run_ja("system", "list", db).stdout
    assert "mynumber" in run_en("system", "list", db).stdout
    r = run_en("person", "add", db, "監査 一郎", "--dept", "101", "--roles", "auditor", "--as", ACTOR)
    assert r.returncode == 0, r.stderr
    ja = run_ja("person", "list", db).stdout
    assert "監査人" in ja and "auditor" not in ja, ja
    assert create(db, "test-kijun").returncode == 0
    assert run_en("cycle", "open", db, "1", "--as", ACTOR).returncode == 0
    csv = "department,item,answer,comment,evidence\n101,7.1,partial,,\n"
    r = run_en("responses", "import", db, "--cycle", "1", str(write(tmp_path / "r.csv", csv)), "--as", ACTOR)
    assert r.returncode == 0, r.stderr
    ja = run_ja("responses", "list", db, "--cycle", "1").stdout
    assert "一部実施している" in ja and "partial" not in ja, ja
