"""libaudit.Store: organisation, checklists, cycles, responses, trail and verify."""

from __future__ import annotations

import json
import sqlite3
import zlib

import pytest
from _store_util import ACTOR, CHECKLIST_YAML, DEPARTMENTS_CSV, ITEMS, LEAVES, ready_store, write

import libaudit
from libaudit import (
    CycleStateError,
    ImportValidationError,
    NotFoundError,
    SchemaVersionError,
    Store,
    StoreError,
    ValidationError,
)


@pytest.fixture
def store(tmp_path):
    s, cycle = ready_store(tmp_path / "audit.db", tmp_path)
    s.cycle_id = cycle  # type: ignore[attr-defined]
    yield s
    s.close()


def all_rows(answer="implemented"):
    return [(d, i, answer) for d in LEAVES for i in ITEMS]


# ---- opening ---------------------------------------------------------------------------------


def test_memory_store_and_context_manager():
    with Store(":memory:") as s:
        assert s.schema_version == libaudit._core.STORE_SCHEMA_VERSION
        assert s.departments() == []
        assert s.verify().ok
    with pytest.raises(StoreError, match="closed"):
        s.departments()


def test_open_missing_file_without_create(tmp_path):
    with pytest.raises(StoreError, match="libaudit init"):
        Store(tmp_path / "nope.db", create=False)


def test_wal_foreign_keys_and_version(tmp_path):
    Store(tmp_path / "a.db").close()
    con = sqlite3.connect(tmp_path / "a.db")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA user_version").fetchone()[0] == 4  # 4: per-component versions (migrations tested below)


def test_newer_schema_version_is_refused(tmp_path):
    Store(tmp_path / "a.db").close()
    con = sqlite3.connect(tmp_path / "a.db")
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    with pytest.raises(SchemaVersionError, match="newer libaudit"):
        Store(tmp_path / "a.db")
    assert issubclass(SchemaVersionError, StoreError)


def test_foreign_sqlite_database_is_refused(tmp_path):
    con = sqlite3.connect(tmp_path / "other.db")
    con.execute("CREATE TABLE t(x)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not a libaudit store"):
        Store(tmp_path / "other.db")


def test_reopen_keeps_data(tmp_path):
    s, cycle = ready_store(tmp_path / "a.db", tmp_path)
    s.import_responses(ACTOR, cycle, all_rows())
    s.close()
    with Store(tmp_path / "a.db") as s2:
        assert s2.response_count(cycle) == len(LEAVES) * len(ITEMS)
        assert s2.verify().ok


# ---- organisation ----------------------------------------------------------------------------


def test_departments_tree_and_leaves(store):
    depts = {d.code: d for d in store.departments()}
    assert set(depts) == {"100", "101", "102", "200", "201"}
    assert depts["100"].parent_code == "" and not depts["100"].is_leaf
    assert depts["101"].parent_code == "100" and depts["101"].is_leaf
    assert depts["101"].security_manager == "佐藤 花子"
    assert depts["100"].security_officer == "山田 太郎"


@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8", True), ("cp932", False)])
def test_department_csv_encodings(tmp_path, encoding, bom):
    text = DEPARTMENTS_CSV.replace("総務課", "総務課（～①髙﨑）") if encoding == "cp932" else DEPARTMENTS_CSV
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    (tmp_path / "d.csv").write_bytes(data)
    with Store(":memory:") as s:
        r = s.import_departments_csv(ACTOR, tmp_path / "d.csv")
        assert r.inserted == 5
        names = {d.code: d.name for d in s.departments()}
        assert names["101"] == ("総務課（～①髙﨑）" if encoding == "cp932" else "総務課")
        assert names["100"] == "総務部"


def test_cp932_given_explicitly_and_wrongly(tmp_path):
    (tmp_path / "d.csv").write_bytes(DEPARTMENTS_CSV.encode("cp932"))
    with Store(":memory:") as s:
        assert s.import_departments_csv(ACTOR, tmp_path / "d.csv", encoding="cp932").inserted == 5
    with Store(":memory:") as s, pytest.raises(ValidationError, match="UTF-8"):
        s.import_departments_csv(ACTOR, tmp_path / "d.csv", encoding="utf-8")


def test_csv_quoting_commas_quotes_newlines(tmp_path):
    csv = (
        "code,name,parent_code,security_officer,security_manager\r\n"
        '100,"総務部, 本庁",,"山田 ""部長"" 太郎",\r\n'
        '101,"総務課\r\n(分室)",100,,\r\n'
    )
    write(tmp_path / "d.csv", csv)
    with Store(":memory:") as s:
        s.import_departments_csv(ACTOR, tmp_path / "d.csv")
        d = {x.code: x for x in s.departments()}
        assert d["100"].name == "総務部, 本庁"
        assert d["100"].security_officer == '山田 "部長" 太郎'
        assert d["101"].name == "総務課\n(分室)"


def test_department_reimport_changes_nothing(store, tmp_path):
    n = len(store.trail())
    r = store.import_departments_csv(ACTOR, write(tmp_path / "d2.csv", DEPARTMENTS_CSV))
    assert (r.inserted, r.updated, r.unchanged) == (0, 0, 5)
    assert len(store.trail()) == n
    changed = DEPARTMENTS_CSV.replace("佐藤 花子", "佐藤 春子")
    r = store.import_departments_csv(ACTOR, write(tmp_path / "d3.csv", changed))
    assert (r.inserted, r.updated, r.unchanged) == (0, 1, 4)
    last = store.trail()[-1]
    assert (last.entity, last.key, last.action) == ("department", "101", "update")
    assert json.loads(last.state)["security_manager"] == "佐藤 春子"


def test_department_import_all_or_nothing(tmp_path):
    csv = (
        "code,name,parent_code,security_officer,security_manager\n"
        "100,総務部,,,\n"
        "101,総務課,999,,\n"  # unknown parent
        ",名無し,100,,\n"  # empty code
        "100,重複,,,\n"
    )  # listed twice
    write(tmp_path / "d.csv", csv)
    with Store(":memory:") as s:
        with pytest.raises(ImportValidationError) as e:
            s.import_departments_csv(ACTOR, tmp_path / "d.csv")
        lines = [d.line for d in e.value.diagnostics]
        assert lines == sorted(lines) and set(lines) == {3, 4, 5}
        assert s.departments() == [] and s.trail() == []


def test_department_children_before_parents_and_loops(tmp_path):
    with Store(":memory:") as s:
        s.import_departments(
            ACTOR, [{"code": "101", "name": "総務課", "parent_code": "100"}, {"code": "100", "name": "総務部"}]
        )
        assert {d.code for d in s.departments()} == {"100", "101"}
        with pytest.raises(ImportValidationError, match="loop"):
            s.import_departments(ACTOR, [{"code": "100", "name": "総務部", "parent_code": "101"}])


def test_department_unknown_column(tmp_path):
    write(tmp_path / "d.csv", "code,name,colour\n1,a,red\n")
    with Store(":memory:") as s, pytest.raises(ImportValidationError, match="unknown column 'colour'"):
        s.import_departments_csv(ACTOR, tmp_path / "d.csv")


def test_systems(store, tmp_path):
    csv = (
        "name,department,tier,important_assets\n"
        "住民基本台帳システム,201,mynumber,true\n"
        "財務会計システム,101,ＬＧＷＡＮ接続系,0\n"
        "ホームページCMS,101,インターネット接続系,いいえ\n"
    )
    r = store.import_systems_csv(ACTOR, write(tmp_path / "s.csv", csv))
    assert r.inserted == 3
    systems = {x.name: x for x in store.systems()}
    assert systems["住民基本台帳システム"].tier == "mynumber" and systems["住民基本台帳システム"].important_assets
    assert systems["財務会計システム"].tier == "lgwan"
    assert systems["ホームページCMS"].tier == "internet" and not systems["ホームページCMS"].important_assets
    bad = "name,department,tier,important_assets\nX,999,mynumber,1\nY,101,cloud,1\nZ,101,lgwan,maybe\n"
    with pytest.raises(ImportValidationError) as e:
        store.import_systems_csv(ACTOR, write(tmp_path / "bad.csv", bad))
    assert [d.line for d in e.value.diagnostics] == [2, 3, 4]
    assert len(store.systems()) == 3


def test_actor_is_required(store):
    with pytest.raises(ValidationError, match="actor"):
        store.put_department("", "300", "新部")
    with pytest.raises(ValidationError, match="actor"):
        store.import_responses("  ", store.cycle_id, all_rows())


# ---- checklists ------------------------------------------------------------------------------


def test_checklist_stored_with_hash_and_loaded_back(store):
    [c] = store.checklists()
    assert c.checklist_id == "test-kijun" and c.items == len(ITEMS) and len(c.sha256) == 64
    loaded = store.load_checklist(c.id)
    original = libaudit.Checklist.from_yaml(CHECKLIST_YAML, "x.yaml")
    assert loaded.to_json() == original.to_json()
    import hashlib

    assert hashlib.sha256(original.to_json().encode()).hexdigest() == c.sha256
    # Importing the same content again returns the same id and writes nothing.
    n = len(store.trail())
    assert store.import_checklist(ACTOR, original) == c.id
    assert len(store.trail()) == n


def test_checklist_versions_side_by_side(store):
    v2 = CHECKLIST_YAML.replace('version: "2024-03-01"', 'version: "2025-03-01"').replace(
        "監視しているか", "常時監視しているか"
    )
    id2 = store.import_checklist(ACTOR, libaudit.Checklist.from_yaml(v2, "v2.yaml"))
    assert [c.version for c in store.checklists()] == ["2024-03-01", "2025-03-01"]
    assert id2 != store.checklists()[0].id
    changed_same_version = CHECKLIST_YAML.replace("監視しているか", "必ず監視しているか")
    with pytest.raises(ValidationError, match="different content"):
        store.import_checklist(ACTOR, libaudit.Checklist.from_yaml(changed_same_version, "v1b.yaml"))


def test_items_table_joins_in_sql(store):
    con = sqlite3.connect(store.path)
    rows = con.execute("SELECT item_id, chapter_id, weight, departments FROM items ORDER BY position").fetchall()
    assert rows == [
        ("7.1", "7", 1.0, "all"),
        ("7.2", "7", 1.0, "all"),
        ("8.1", "8", 1.0, "all"),
        ("8.2", "8", 1.0, "all"),
        ("8.3", "8", 1.0, "all"),
    ]


# ---- cycles ----------------------------------------------------------------------------------


def test_cycle_lifecycle(store):
    c = store.cycle(store.cycle_id)
    assert c.status == "open" and c.departments == tuple(LEAVES) and c.fiscal_year == 2024
    assert c.fiscal_year_label == "令和6年度"
    with pytest.raises(CycleStateError):
        store.open_cycle(ACTOR, c.id)
    store.close_cycle(ACTOR, c.id)
    assert store.cycle(c.id).status == "closed"
    with pytest.raises(CycleStateError, match="closed"):
        store.import_responses(ACTOR, c.id, all_rows())
    with pytest.raises(CycleStateError):
        store.close_cycle(ACTOR, c.id)
    assert store.response_count(c.id) == 0


def test_planned_cycle_takes_no_responses(tmp_path):
    s, cycle = ready_store(tmp_path / "a.db", tmp_path, open_cycle=False)
    with s, pytest.raises(CycleStateError, match="open it"):
        s.import_responses(ACTOR, cycle, all_rows())


def test_cycle_targets_and_errors(store):
    cl = store.checklists()[0].id
    cid = store.create_cycle(
        ACTOR, name="内部監査", kind="internal_audit", fiscal_year=2025, checklist=cl, departments=["201"]
    )
    assert store.cycle(cid).departments == ("201",)
    with pytest.raises(ValidationError, match="not a 課"):
        store.create_cycle(ACTOR, name="x", kind="self_inspection", fiscal_year=2025, checklist=cl, departments=["100"])
    with pytest.raises(ValidationError, match="unknown cycle kind"):
        store.create_cycle(ACTOR, name="x", kind="audit", fiscal_year=2025, checklist=cl)
    with pytest.raises(NotFoundError):
        store.create_cycle(ACTOR, name="x", kind="self_inspection", fiscal_year=2025, checklist=999)
    with pytest.raises(NotFoundError):
        store.cycle(999)
    store.open_cycle(ACTOR, cid)
    with pytest.raises(ImportValidationError, match="not a target"):
        store.import_responses(ACTOR, cid, [("101", "7.1", "implemented")])


# ---- responses -------------------------------------------------------------------------------


def test_responses_tuples_dicts_and_labels(store):
    rows = [
        ("101", "7.1", "実施している", "手順書あり", "運用手順書"),
        {"department": "101", "item": "7.2", "answer": "一部実施している", "comment": "一部のみ"},
        ("102", "7.1", "実施していない"),
        ("102", "7.2", "該当しない"),
        ("201", "7.1", "わからない"),
        ("201", "７．２", " not_applicable ", "", "", "佐藤 花子", "2024-06-01T10:00:00+09:00"),
    ]
    r = store.import_responses(ACTOR, store.cycle_id, rows)
    assert (r.rows, r.inserted) == (6, 6)
    got = {(x.department, x.item): x for x in store.responses(store.cycle_id)}
    assert got[("101", "7.1")].answer == "implemented" and got[("101", "7.1")].evidence == "運用手順書"
    assert got[("101", "7.2")].answer == "partial" and got[("101", "7.2")].comment == "一部のみ"
    assert got[("102", "7.1")].answer == "not_implemented"
    assert got[("102", "7.2")].answer == "not_applicable"
    assert got[("201", "7.1")].answer == "unknown" and got[("201", "7.1")].answered_by == ACTOR
    assert got[("201", "7.2")].answered_by == "佐藤 花子"
    assert got[("201", "7.2")].answered_at == "2024-06-01T10:00:00+09:00"
    assert store.verify().ok


def test_rows_as_lists_dicts_generators_and_ints(store):
    want = [(d, i, "partial", f"{d}-{i}") for d in LEAVES for i in ITEMS]
    as_lists = [list(r) for r in want]
    as_dicts = [{"department": d, "item": i, "answer": a, "comment": c} for d, i, a, c in want]
    for shape in (as_lists, as_dicts, (r for r in want)):
        store.import_responses(ACTOR, store.cycle_id, [(d, i, "unknown") for d, i, _, _ in want])
        r = store.import_responses(ACTOR, store.cycle_id, shape)
        assert (r.rows, r.updated) == (len(want), len(want))
        assert [(x.department, x.item, x.answer, x.comment) for x in store.responses(store.cycle_id)] == sorted(want)
    r = store.import_responses(ACTOR, store.cycle_id, [(int(d), i, "implemented") for d, i, _, _ in want])
    assert r.updated == len(want)
    assert store.verify().ok


def test_rows_changed_by_the_caller_during_an_import(tmp_path):
    """The import reads views of the caller's strings without the GIL: rewriting the row lists
    meanwhile (here from the progress callback, which runs mid-import) must not change or break
    what is imported."""
    items = 500
    yaml = CHECKLIST_YAML.split("sections:")[0] + 'sections:\n  - id: "1"\n    clause: "1"\n    title: 章\n    items:\n'
    yaml += "".join(
        f'      - {{id: "1.{k}", clause: "1({k})", text: 職員は、実施しなければならない。, '
        f"question: 実施しているか。, roles: [staff]}}\n"
        for k in range(1, items + 1)
    )
    with Store(tmp_path / "big.db") as s:
        s.import_departments(
            ACTOR,
            [{"code": "1", "name": "部"}]
            + [{"code": f"1{k:02d}", "name": f"課{k}", "parent_code": "1"} for k in range(40)],
        )
        cycle = s.create_cycle(
            ACTOR,
            name="大量",
            kind="self_inspection",
            fiscal_year=2024,
            checklist=s.import_checklist(ACTOR, libaudit.Checklist.from_yaml(yaml, "big.yaml")),
        )
        s.open_cycle(ACTOR, cycle)
        comment = "課{}の項目{}：改善中".format
        rows = [[f"1{d:02d}", f"1.{k}", "partial", comment(d, k)] for d in range(40) for k in range(1, items + 1)]
        want = {(f"1{d:02d}", f"1.{k}"): comment(d, k) for d in range(40) for k in range(1, items + 1)}  # other objects
        calls = []

        def progress(done, total):
            if not calls:
                for r in rows:
                    r[2], r[3] = "bogus", None
                rows.clear()
                # reuse the freed strings' memory, so that a view still pointing there would read this
                calls.append([bytes([0xFF]) * n for n in range(16, 120) for _ in range(400)])
            calls.append(done)

        r = s.import_responses(ACTOR, cycle, rows, progress=progress)
        assert r.inserted == len(want) and len(calls) > 1 and not rows
        got = {(x.department, x.item): (x.answer, x.comment) for x in s.responses(cycle)}
        assert got == {k: ("partial", c) for k, c in want.items()}
        assert s.verify().ok


def test_reimport_same_rows_writes_nothing(store):
    store.import_responses(ACTOR, store.cycle_id, all_rows())
    trail = store.trail()
    before = store.responses(store.cycle_id)
    r = store.import_responses("someone-else", store.cycle_id, all_rows())
    assert (r.inserted, r.updated, r.unchanged) == (0, 0, len(all_rows()))
    assert store.trail() == trail
    assert store.responses(store.cycle_id) == before


def test_changed_rows_update_and_append_trail(store):
    store.import_responses(ACTOR, store.cycle_id, all_rows())
    n = len(store.trail())
    rows = all_rows()
    rows[0] = (rows[0][0], rows[0][1], "partial")
    rows[4] = (rows[4][0], rows[4][1], "implemented", "コメント追加")
    r = store.import_responses(ACTOR, store.cycle_id, rows)
    assert (r.inserted, r.updated, r.unchanged) == (0, 2, len(rows) - 2)
    new = store.trail()[n:]
    assert len(new) == 1 and new[0].entity == "responses" and new[0].action == "batch"
    changes = json.loads(new[0].state)["rows"]
    assert [(c[0], c[1], c[2], c[3]) for c in changes] == [
        ("101", "7.1", "update", "partial"),
        ("101", "8.3", "update", "implemented"),
    ]
    assert store.verify().ok


def test_import_all_or_nothing_lists_every_bad_row(store, tmp_path):
    csv = (
        "department,item,answer,comment,evidence\n"
        "101,7.1,implemented,,\n"
        "999,7.1,implemented,,\n"  # 3: unknown department
        "101,9.9,implemented,,\n"  # 4: unknown item
        '101,7.2,"maybe\nperhaps",,\n'  # 5-6: invalid answer (multi-line field)
        "100,7.1,implemented,,\n"  # 7: a 部, not a target
        "101,7.1,partial,,\n"  # 8: answered twice
        "102,8.1,該当しない,,\n"
    )
    with pytest.raises(ImportValidationError) as e:
        store.import_responses_csv(ACTOR, store.cycle_id, write(tmp_path / "r.csv", csv))
    diags = e.value.diagnostics
    assert [d.line for d in diags] == [3, 4, 5, 7, 8]
    assert all(d.file.endswith("r.csv") for d in diags)
    text = "\n".join(d.message for d in diags)
    for needle in ("unknown department '999'", "item '9.9'", "invalid answer", "not a target", "answered twice"):
        assert needle in text
    assert store.response_count(store.cycle_id) == 0


def test_answered_at_outside_1989_to_2100_is_refused_naming_the_row(store, tmp_path):
    csv = (
        "department,item,answer,comment,evidence,answered_by,answered_at\n"
        "101,7.1,implemented,,,佐藤,1989-01-01\n"
        "101,7.2,implemented,,,佐藤,9999-12-31\n"  # 3: a typing error
        "102,7.1,implemented,,,佐藤,1988-12-31T23:59:59+09:00\n"  # 4: before 平成
        "102,7.2,implemented,,,佐藤,2100-12-31T23:59:59Z\n"
    )
    with pytest.raises(ImportValidationError) as e:
        store.import_responses_csv(ACTOR, store.cycle_id, write(tmp_path / "r.csv", csv))
    diags = e.value.diagnostics
    assert [(d.line, d.file.endswith("r.csv")) for d in diags] == [(3, True), (4, True)]
    assert "answered_at '9999-12-31' is outside 1989-01-01 … 2100-12-31" in diags[0].message
    assert store.response_count(store.cycle_id) == 0
    # Rows from Python: the same bound, the row named by its position.
    with pytest.raises(ImportValidationError) as e:
        store.import_responses(ACTOR, store.cycle_id, [("101", "7.1", "implemented", "", "", "", "2101-01-01")])
    assert e.value.diagnostics[0].line == 1 and "outside 1989-01-01" in e.value.diagnostics[0].message
    assert store.response_count(store.cycle_id) == 0
    rows = [
        ("101", "7.1", "implemented", "", "", "", "1989-01-01"),
        ("101", "7.2", "partial", "", "", "", "2100-12-31"),
    ]
    assert store.import_responses(ACTOR, store.cycle_id, rows).inserted == 2


def test_responses_csv_cp932_with_japanese_labels(store, tmp_path):
    csv = "department,item,answer,comment,evidence\r\n" + "".join(
        f"{d},{i},一部実施している,改善中（～３月）,点検記録①\r\n" for d in LEAVES for i in ITEMS
    )
    (tmp_path / "r.csv").write_bytes(csv.encode("cp932"))
    progress = []
    r = store.import_responses_csv(
        ACTOR, store.cycle_id, tmp_path / "r.csv", progress=lambda d, t: progress.append((d, t))
    )
    assert r.inserted == len(LEAVES) * len(ITEMS)
    assert progress[-1] == (r.inserted, r.inserted)
    got = store.responses(store.cycle_id)[0]
    assert got.answer == "partial" and got.comment == "改善中（～３月）" and got.evidence == "点検記録①"


def test_row_shape_errors(store):
    with pytest.raises(ValueError, match="row 2"):
        store.import_responses(ACTOR, store.cycle_id, [("101", "7.1", "implemented"), ("101",)])
    with pytest.raises(TypeError, match="row 1"):
        store.import_responses(ACTOR, store.cycle_id, [42])
    for not_rows in (42, None):
        with pytest.raises(TypeError, match="rows must be an iterable of rows .* not (int|NoneType)"):
            store.import_responses(ACTOR, store.cycle_id, not_rows)
    with pytest.raises(TypeError, match="row 2: comment must be a str, not float"):
        store.import_responses(ACTOR, store.cycle_id, [("101", "7.1", "implemented"), ["101", "7.2", "partial", 1.5]])
    assert store.response_count(store.cycle_id) == 0


# ---- trail and verify ------------------------------------------------------------------------


def test_trail_chain_links(store):
    store.import_responses(ACTOR, store.cycle_id, all_rows())
    trail = store.trail()
    assert [t.seq for t in trail] == list(range(1, len(trail) + 1))
    assert trail[0].prev_hash == "0" * 64
    for a, b in zip(trail, trail[1:]):
        assert b.prev_hash == a.hash
    assert {t.actor for t in trail} == {ACTOR}
    assert all(t.at.endswith("Z") for t in trail)
    report = store.verify()
    assert report.ok and report.records == len(trail) and report.head_hash == trail[-1].hash


def tamper(path, *sql):
    con = sqlite3.connect(path)
    for s in sql:
        con.execute(s)
    con.commit()
    con.close()


def test_tamper_edited_answer(store):
    store.import_responses(ACTOR, store.cycle_id, all_rows())
    tamper(
        store.path,
        "UPDATE responses SET answer = 'not_implemented' WHERE item_id = '8.2' "
        "AND department = (SELECT id FROM departments WHERE code = '102')",
    )
    [p] = store.verify().problems
    assert (p.table, p.kind) == ("responses", "altered")
    assert p.key == f'[{store.cycle_id},"102","8.2"]'
    assert 'answer: trail "implemented", table "not_implemented"' in p.detail


def test_tamper_deleted_response(store):
    store.import_responses(ACTOR, store.cycle_id, all_rows())
    tamper(
        store.path,
        "DELETE FROM responses WHERE item_id = '7.2' AND department = (SELECT id FROM departments WHERE code = '201')",
    )
    [p] = store.verify().problems
    assert (p.table, p.kind, p.key) == ("responses", "deleted", f'[{store.cycle_id},"201","7.2"]')


def test_tamper_inserted_rows(store):
    store.import_responses(ACTOR, store.cycle_id, all_rows()[:-1])
    last = all_rows()[-1]
    tamper(
        store.path,
        f"INSERT INTO responses VALUES ({store.cycle_id}, (SELECT id FROM departments WHERE code = '{last[0]}'), "
        f"'{last[1]}', 'implemented', '', '', 'mallory', '2024-01-01')",
        "INSERT INTO departments(code, name) VALUES ('999', '幽霊課')",
    )
    problems = {(p.table, p.key, p.kind) for p in store.verify().problems}
    assert problems == {
        ("responses", f'[{store.cycle_id},"{last[0]}","{last[1]}"]', "inserted"),
        ("departments", "999", "inserted"),
    }


def test_tamper_edited_trail_record(store):
    store.import_responses(ACTOR, store.cycle_id, all_rows())
    seq = store.trail()[2].seq
    tamper(store.path, "DROP TRIGGER trail_append_only_update", f"UPDATE trail SET actor = 'mallory' WHERE seq = {seq}")
    problems = store.verify().problems
    assert [(p.table, p.key, p.kind) for p in problems] == [("trail", str(seq), "altered")]


def test_tamper_deleted_trail_record_and_edited_state(store):
    store.import_responses(ACTOR, store.cycle_id, all_rows())
    n = store.trail()[-1].seq
    tamper(
        store.path,
        "DROP TRIGGER trail_append_only_delete",
        "DROP TRIGGER trail_append_only_update",
        "DELETE FROM trail WHERE seq = 2",
        f"UPDATE trail SET state = replace(state, 'implemented', 'partial') WHERE seq = {n}",
    )
    problems = store.verify().problems
    kinds = {(p.table, p.key, p.kind) for p in problems}
    assert ("trail", "3", "deleted") in kinds  # the gap where record 2 was
    assert ("trail", str(n), "altered") in kinds  # the edited batch
    assert any(p.table == "departments" and p.kind == "inserted" for p in problems)  # its row lost its record


def long_comment_rows():
    """Rows whose batch record is large enough (>= 4 KiB of JSON) to be stored deflated."""
    return [
        (d, i, "partial", f"{d}課の{i}は一部のみ実施。改善計画（～令和7年3月）を作成中。" * 4)
        for d in LEAVES
        for i in ITEMS
    ]


def raw_trail(path):
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT seq, typeof(state), state, state_size FROM trail ORDER BY seq").fetchall()
    finally:
        con.close()


def test_large_trail_records_are_stored_deflated(store):
    store.import_responses(ACTOR, store.cycle_id, long_comment_rows())
    records = {t.seq: t for t in store.trail()}
    raw = raw_trail(store.path)
    big = [r for r in raw if r[3] > 0]
    assert len(big) == 1 and big[0][1] == "blob"
    seq, _, blob, size = big[0]
    # zlib, as Python's zlib (and the sqlite3 shell's sqlar_uncompress(state, state_size)) reads it
    text = zlib.decompress(blob).decode("utf-8")
    assert len(text.encode("utf-8")) == size and len(blob) < size / 3
    assert text == records[seq].state
    assert len(json.loads(text)["rows"]) == len(LEAVES) * len(ITEMS)
    # small records stay readable text
    assert all(kind == "text" and n == 0 for other, kind, _, n in raw if other != seq)
    assert store.verify().ok
    history = store.response_history(store.cycle_id, LEAVES[0], ITEMS[0])
    assert history[-1]["answer"] == "partial" and history[-1]["comment"].startswith(f"{LEAVES[0]}課の")


def test_tamper_deflated_trail_record(store, tmp_path):
    store.import_responses(ACTOR, store.cycle_id, long_comment_rows())
    [(seq, _, blob, size)] = [r for r in raw_trail(store.path) if r[3] > 0]
    path, cycle = store.path, store.cycle_id
    store.close()

    def tampered(sql, *params):
        """A copy of the store with `sql` run on its trail (the append-only trigger dropped)."""
        copy = tmp_path / f"copy{len(list(tmp_path.glob('copy*.db')))}.db"
        src, dst = sqlite3.connect(path), sqlite3.connect(copy)
        src.backup(dst)
        src.close()
        dst.execute("DROP TRIGGER trail_append_only_update")
        dst.execute(sql, params)
        dst.commit()
        dst.close()
        return Store(copy)

    # bytes of the deflated state changed: it no longer inflates
    broken = blob[:10] + bytes(b ^ 0xFF for b in blob[10:20]) + blob[20:]
    with tampered("UPDATE trail SET state = ? WHERE seq = ?", broken, seq) as s:
        problems = s.verify().problems
        assert ("trail", str(seq), "altered") in {(p.table, p.key, p.kind) for p in problems}
        assert any("does not inflate" in p.detail for p in problems)
        unreadable = [p for p in problems if p.table == "responses"]
        assert len(unreadable) == len(LEAVES) * len(ITEMS)  # every row of the batch, named as such
        assert all(
            p.kind == "inserted" and f"trail record {seq} of its cycle is damaged" in p.detail for p in unreadable
        )
        with pytest.raises(StoreError, match=f"trail record {seq} .* damaged"):
            s.trail()
    # the size changed
    for lie in (size + 1, 10**12):  # a size past what deflate can expand to is refused before allocating
        with tampered("UPDATE trail SET state_size = ? WHERE seq = ?", lie, seq) as s:
            assert ("trail", str(seq), "altered") in {(p.table, p.key, p.kind) for p in s.verify().problems}
    # re-deflated with an answer changed, by someone who knows the format: the hash catches it
    state = json.loads(zlib.decompress(blob))
    state["rows"][0][3] = "implemented"
    edited = json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with tampered(
        "UPDATE trail SET state = ?, state_size = ? WHERE seq = ?", zlib.compress(edited), len(edited), seq
    ) as s:
        kinds = {(p.table, p.key, p.kind) for p in s.verify().problems}
        assert ("trail", str(seq), "altered") in kinds
        row = state["rows"][0]
        assert ("responses", f'[{cycle},"{row[0]}","{row[1]}"]', "altered") in kinds


def test_a_schema_2_store_migrates(tmp_path):
    path = tmp_path / "v2.db"
    store, cycle = ready_store(path, tmp_path)
    store.import_responses(ACTOR, cycle, all_rows())
    before = store.trail()
    store.close()
    con = sqlite3.connect(path)  # what a libaudit of schema 2 wrote: no state_size, every state text
    # nor what was added since: store 3's mac (#14), store 4's secretariat (#16), the evidence
    # component (#17), the scoring, exchange and audit stages' tables
    con.executescript(
        "DROP INDEX trail_seals; DROP INDEX trail_entity; ALTER TABLE trail DROP COLUMN mac; "
        "ALTER TABLE cycles DROP COLUMN secretariat; "
        "DROP TABLE publications; DROP TABLE reopenings; DROP TABLE questionnaire_exports; DROP TABLE schema_versions; "
        "DROP TABLE questionnaire_submissions; "
        "DROP TABLE audit_workpaper_findings; DROP TABLE audit_workpapers; DROP TABLE audit_plan_entries; "
        "DROP TABLE audit_plans; "
        "DROP TABLE evidence; DROP TABLE evidence_settings; "
        "ALTER TABLE trail DROP COLUMN state_size; PRAGMA user_version = 2;"
    )
    con.close()
    with Store(path) as s:
        assert s.schema_version == 4  # per-component versions since #12 (was 3)
        assert s.trail() == before and s.verify().ok
        s.import_responses(ACTOR, cycle, long_comment_rows())
        assert s.verify().ok and len(s.trail()) == len(before) + 1
    assert [r[3] > 0 for r in raw_trail(path)][-1]


def test_trail_is_append_only_by_trigger(store):
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        tamper(store.path, "DELETE FROM trail")


def test_cli_verify_tampered_exit_code(store, cli):
    store.import_responses(ACTOR, store.cycle_id, all_rows())
    assert cli("verify", store.path).returncode == 0
    tamper(store.path, "UPDATE responses SET comment = 'x' WHERE item_id = '7.1'")
    r = cli("verify", store.path)
    assert r.returncode == 1
    assert r.stdout.count("altered") == len(LEAVES)


# ---- fiscal year and pandas ------------------------------------------------------------------


def test_fiscal_year_helpers():
    assert libaudit.fiscal_year_of("2025-03-31") == 2024
    assert libaudit.fiscal_year_of("2025-04-01") == 2025
    assert libaudit.fiscal_year_range(2024) == ("2024-04-01", "2025-03-31")
    assert libaudit.fiscal_year_label(2024) == "令和6年度"
    assert libaudit.fiscal_year_label(2019) == "令和元年度"
    assert libaudit.fiscal_year_label(2018) == "平成30年度"
    assert libaudit.fiscal_year_label(1989) == "平成元年度"
    with pytest.raises(ValidationError):
        libaudit.fiscal_year_of("2024-02-30")


def test_to_pandas(store):
    pd = pytest.importorskip("pandas")  # pandas is optional
    store.import_responses(ACTOR, store.cycle_id, all_rows())
    df = store.to_pandas("responses", cycle=store.cycle_id)
    assert isinstance(df, pd.DataFrame) and len(df) == len(all_rows())
    assert list(store.to_pandas("departments").code) == ["100", "101", "102", "200", "201"]


def test_tamper_items_and_checklist_content(store):
    # Scoring joins the items table, so verify checks it against the stored checklist.
    tamper(store.path, "UPDATE items SET weight = 5 WHERE item_id = '8.2'", "DELETE FROM items WHERE item_id = '7.1'")
    problems = {(p.table, p.key, p.kind): p.detail for p in store.verify().problems}
    assert problems[("items", "test-kijun@2024-03-01/8.2", "altered")] == "weight: checklist 1.0, table 5.0"
    assert ("items", "test-kijun@2024-03-01/7.1", "deleted") in problems
    tamper(store.path, "UPDATE checklists SET content = replace(content, '監視', '観察')")
    kinds = {(p.table, p.kind) for p in store.verify().problems}
    assert ("checklists", "altered") in kinds


def test_response_history_keeps_earlier_answers(store):
    store.import_responses("first", store.cycle_id, all_rows("not_implemented"))
    store.import_responses("second", store.cycle_id, [("102", "8.1", "partial", "改善中")])
    store.import_responses("third", store.cycle_id, [("102", "8.1", "implemented", "", "", "鈴木 一郎", "2024-10-01")])
    history = store.response_history(store.cycle_id, "102", "8.1")
    assert [(h["actor"], h["action"], h["answer"], h["comment"], h["answered_by"]) for h in history] == [
        ("first", "insert", "not_implemented", "", "first"),
        ("second", "update", "partial", "改善中", "second"),
        ("third", "update", "implemented", "", "鈴木 一郎"),
    ]
    assert history[-1]["answered_at"] == "2024-10-01"
    assert store.response_history(store.cycle_id, "101", "8.1")[0]["answer"] == "not_implemented"


def test_anchor_catches_a_cut_back_trail(store, cli):
    store.import_responses(ACTOR, store.cycle_id, all_rows()[:6])
    anchor = store.verify().head_hash
    store.import_responses(ACTOR, store.cycle_id, all_rows())
    assert store.verify(anchor=anchor).ok
    # Remove the last import completely: its rows and its trail record. The chain and the
    # replay are consistent again; only the anchor (taken after the last import) shows it.
    later = store.verify().head_hash
    seq = store.trail()[-1].seq
    tamper(
        store.path,
        "DROP TRIGGER trail_append_only_delete",
        f"DELETE FROM trail WHERE seq = {seq}",
        "DELETE FROM responses WHERE item_id <> '7.1' AND department = (SELECT id FROM departments WHERE code = '102')",
        "DELETE FROM responses WHERE department = (SELECT id FROM departments WHERE code = '201')",
    )
    assert store.verify().ok
    report = store.verify(anchor=later)
    assert [(p.table, p.key, p.kind) for p in report.problems] == [("trail", "anchor", "deleted")]
    r = cli("verify", store.path, "--anchor", later)
    assert r.returncode == 1 and "anchor" in r.stdout
    assert cli("verify", store.path, "--anchor", anchor).returncode == 0


def test_threads_sharing_a_store_take_turns(store):
    import threading

    rows = all_rows()
    errors = []

    def worker(k):
        try:
            for _ in range(20):
                store.import_responses(
                    f"thread-{k}", store.cycle_id, [r[:2] + (("partial", "implemented")[k % 2],) for r in rows]
                )
                store.verify()
                store.responses(store.cycle_id)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.verify().ok and store.response_count(store.cycle_id) == len(rows)
