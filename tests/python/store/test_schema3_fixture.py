"""A schema-3 store written by the code before the stage layout (tests/fixtures/schema3) opens,
migrates to per-component schema versions, verifies, and scores to the same numbers, computed
by the very function that made expected.json.xz (make_expected.figures)."""

from __future__ import annotations

import importlib.util
import json
import lzma
import sqlite3
from pathlib import Path
from types import ModuleType

import libaudit

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "schema3"


def make_expected() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_expected", FIXTURE / "make_expected.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def columns(path: Path) -> list[tuple[str, str, str, int, str | None, int]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            'SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk FROM sqlite_schema m, '
            "pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid"
        ).fetchall()
    finally:
        con.close()


def test_the_schema3_fixture_migrates_verifies_and_scores_the_same(tmp_path):
    db = tmp_path / "demo.db"
    db.write_bytes(lzma.decompress((FIXTURE / "demo.db.xz").read_bytes()))
    expected = json.loads(lzma.decompress((FIXTURE / "expected.json.xz").read_bytes()))
    old_columns = columns(db)

    got = make_expected().figures(str(db))  # opens (and migrates) the store, then computes

    assert expected["schema_version"] == 3
    assert got["schema_version"] == libaudit._core.STORE_SCHEMA_VERSION == 4
    assert expected["verify"]["ok"] and got["verify"] == expected["verify"]
    assert got.keys() == expected.keys()
    for key in sorted(expected.keys() - {"schema_version"}):
        assert got[key] == expected[key], key  # the same code computes both: floats compare exactly

    con = sqlite3.connect(db)
    assert dict(con.execute("SELECT component, version FROM schema_versions")) == {
        "audit": 2,
        "evidence": 1,
        "exchange": 2,
        "followup": 1,
        "scoring": 1,
        "store": 4,
    }
    con.close()
    # The migration added the registry, the trail's mac column (store 3, #14), the cycles'
    # secretariat (store 4, #16: '' for every cycle of the fixture, so their figures above are
    # the old rule's) and the scoring stage's tables (publications of closed cycles, reopenings),
    # the exchange stage's (questionnaire_exports, #15), the audit stage's (plans and working
    # papers, #17) and changed nothing else; a new store has the same.
    added = {"schema_versions", "publications", "reopenings", "questionnaire_exports"}
    added |= {"audit_plans", "audit_plan_entries", "audit_workpapers", "audit_workpaper_findings"}
    added |= {"evidence", "evidence_settings"}  # the store stage's evidence files (#17)
    added |= {"questionnaire_submissions"}  # the exchange stage's web submissions (#18)
    registry = [c for c in columns(db) if c[0] in added]
    assert {c[0] for c in registry} == added
    mac = ("trail", "mac", "TEXT", 1, "''", 0)
    secretariat = ("cycles", "secretariat", "TEXT", 1, "''", 0)
    assert [c for c in columns(db) if c[0] not in added] == sorted(old_columns + [secretariat, mac], key=lambda c: c[0])
    assert mac not in old_columns and secretariat not in old_columns
    with libaudit.Store(db) as s:
        assert [c.secretariat for c in s.cycles()] == [""] * len(s.cycles())
    libaudit.Store(tmp_path / "new.db").close()
    assert columns(tmp_path / "new.db") == sorted(
        old_columns + [secretariat, mac] + registry, key=lambda c: c[0]
    )  # stable: cid order kept
